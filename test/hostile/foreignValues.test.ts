// Values another tool wrote into the accounts database go through the same checks as the app's own:
// one that fails is reported and not used (no request goes to a path it names), and a server address
// carrying a user name and password never shows them.
import { execFile } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateBusDaemon } from '../../main/dbus/bus.js';
import { findAssetsDir } from '../../main/paths.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/processes.js';

const run = promisify(execFile);
const assets = findAssetsDir();

describe('values written by ag-tool', () => {
  let bus: PrivateBusDaemon;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;
  let server: http.Server;
  let serverUrl: string;
  const requests: string[] = [];
  const agTool = (...args: string[]) => run('ag-tool', args, { env }).then((r) => r.stdout + r.stderr);
  const cli = (args: string[], input?: string) =>
    runCli(['--data-dir', dataDir, ...args], { env, ...(input ? { input } : {}) });

  beforeAll(async () => {
    bus = await PrivateBusDaemon.start();
    dataDir = tempDir();
    env = cliEnv({
      DBUS_SESSION_BUS_ADDRESS: bus.address,
      ACCOUNTS: tempDir('sfb-accounts-'),
      AG_PROVIDERS: path.join(assets, 'accounts', 'providers'),
      AG_SERVICES: path.join(assets, 'accounts', 'services'),
      AG_SERVICE_TYPES: path.join(assets, 'accounts', 'service-types'),
    });
    server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      req.resume();
      res.writeHead(404).end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server?.close();
    await bus?.stop();
  });

  const addAccount = async () => {
    const r = await cli(
      [
        '--json',
        'account',
        'add',
        '--provider',
        'webdav',
        '--server',
        serverUrl,
        '--user',
        'u',
        '--password-stdin',
        '--offline',
      ],
      'pw\n',
    );
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { id: number }).id;
  };

  it('a backups_path that climbs out of the user’s folder is reported and never requested', async () => {
    const id = await addAccount();
    await agTool('update-service', String(id), 'webdav-backup', 'string:backups_path=../../../etc');
    const shown = await cli(['--json', 'account', 'show', String(id)]);
    expect(shown.code, shown.stderr).toBe(0);
    expect((JSON.parse(shown.stdout) as { backups_path: string }).backups_path).toBe('');
    expect(shown.stderr).toMatch(/stored backups_path is not used .*"\.\."/);
    requests.length = 0;
    const listing = await cli(['backups', String(id)]);
    expect(listing.code).not.toBe(0);
    expect(listing.stderr).toMatch(/damaged backups_path setting .*nothing is sent anywhere/);
    expect(requests.filter((r) => r.includes('/etc'))).toEqual([]);
  });

  it('a server address holding a user name and password is not used and never shown', async () => {
    const id = await addAccount();
    // On the backup service, where Sailfish (and this app) keep it and where it is read first.
    await agTool(
      'update-service',
      String(id),
      'webdav-backup',
      'string:server_address=https://agent:hunter2@files.example',
    );
    const outputs = [
      await cli(['account', 'list']),
      await cli(['--json', 'account', 'list']),
      await cli(['--json', 'account', 'show', String(id)]),
      await cli(['backups', String(id)]),
    ];
    for (const r of outputs) expect(r.stdout + r.stderr).not.toMatch(/hunter2|agent:/);
    const shown = JSON.parse(outputs[2]!.stdout) as { server_address: string };
    expect(shown.server_address).toBe('');
    expect(outputs[2]!.stderr).toMatch(/stored server_address is not used/);
    expect(outputs[3]!.stderr).toMatch(/damaged server_address setting .*nothing is sent anywhere/);
  });
});
