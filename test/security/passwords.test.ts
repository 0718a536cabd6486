// A password given once must never come back out: not in the accounts DB, profiles, results logs,
// the vault's files, CLI output, the UI's IPC answers or error messages.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchCall } from '../../main/bridge/dispatch.js';
import { cliEnv, runCli, type CliResult } from '../helpers/cli.js';
import { startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';
import { makeUnitTree } from '../helpers/tree.js';
import { startWorld, type World } from '../helpers/world.js';

const SECRET = 'Tr0ub4dor&3-never-print-me';

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...filesUnder(full));
    else out.push(full);
  }
  return out;
}

describe('passwords stay secret', () => {
  let server: WebDavServer;
  let world: World;
  const outputs: CliResult[] = [];

  beforeAll(async () => {
    server = await startRclone({ user: 'sec', password: SECRET });
    world = await startWorld();
  });
  afterAll(async () => {
    await world?.close();
    await server?.stop();
  });

  it('leaves no trace of the password outside the credentials store', async () => {
    const dataDir = tempDir();
    const env = cliEnv();
    const cli = async (args: string[], input?: string) => {
      const r = await runCli(['--data-dir', dataDir, ...args], { env, ...(input ? { input } : {}) });
      outputs.push(r);
      return r;
    };
    const unit = path.join(tempDir(), 'Notes');
    makeUnitTree(unit, 10_000);
    await cli(['units', 'add', unit]);
    await cli(
      ['--json', 'account', 'add', '--provider', 'webdav', '--server', server.url, '--user', 'sec', '--password-stdin'],
      `${SECRET}\n`,
    );
    await cli(
      [
        'account',
        'add',
        '--provider',
        'webdav',
        '--server',
        `https://sec:${SECRET}@example.com`,
        '--user',
        'sec',
        '--password-stdin',
      ],
      `${SECRET}\n`,
    );
    await cli(['account', 'list']);
    await cli(['--json', 'account', 'show', '1']);
    await cli(['--json', 'backup', '1']);
    const list = await cli(['--json', 'backups', '1']);
    const file = (JSON.parse(list.stdout) as Array<{ name: string }>)[0]!.name;
    await cli(['restore', '1', file, '--to', tempDir()]);
    await cli(['--json', 'profiles', 'log', 'webdav.Backup-1']);
    await cli(['profiles', 'show', 'webdav.Backup-1']);
    await cli(['--json', 'status']);
    // A wrong password's failure must not echo the one that was tried: not when signing in to save it,
    // nor when a run fails with it saved anyway.
    const refused = await cli(['account', 'set', '1', '--password-stdin'], `${SECRET}-wrong\n`);
    expect(refused.code).toBe(2);
    await cli(['account', 'set', '1', '--offline', '--password-stdin'], `${SECRET}-wrong\n`);
    const failed = await cli(['backups', '1']);
    expect(failed.code).toBe(1);

    for (const r of outputs) {
      expect(r.stdout).not.toContain(SECRET);
      expect(r.stderr).not.toContain(SECRET);
    }
    const credentials = path.join(dataDir, 'credentials', 'credentials.json');
    expect(statSync(credentials).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(credentials)).mode & 0o777).toBe(0o700);
    const others = filesUnder(dataDir).filter((f) => f !== credentials);
    expect(others.some((f) => f.endsWith('accounts.db'))).toBe(true);
    for (const f of others) expect(readFileSync(f).includes(SECRET), f).toBe(false);
  });

  it('keeps it out of what the UI receives', async () => {
    const added = await dispatchCall(world.bridge, 'accounts.add', [
      { provider: 'webdav', serverAddress: server.url, username: 'sec', password: SECRET },
    ]);
    const listed = await dispatchCall(world.bridge, 'accounts.list', []);
    const page = await dispatchCall(world.bridge, 'backup.page', []);
    const bad = await dispatchCall(world.bridge, 'accounts.add', [
      { provider: 'webdav', serverAddress: `https://x:${SECRET}@h.example`, username: 'sec', password: SECRET },
    ]);
    for (const outcome of [added, listed, page, bad]) expect(JSON.stringify(outcome)).not.toContain(SECRET);
    expect(bad.ok).toBe(false);
  });
});
