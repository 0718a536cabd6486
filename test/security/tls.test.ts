// Certificates are verified unless the account says to ignore SSL errors.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.js';
import { startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';

describe('TLS', () => {
  let server: WebDavServer;
  let dataDir: string;
  const env = cliEnv();
  const cli = (args: string[], input?: string) =>
    runCli(['--data-dir', dataDir, ...args], { env, ...(input ? { input } : {}) });

  beforeAll(async () => {
    const dir = tempDir('sfb-tls-');
    const cert = path.join(dir, 'cert.pem');
    const key = path.join(dir, 'key.pem');
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '2',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    server = await startRclone({ user: 'tls', password: 'pw', tls: { cert, key } });
    dataDir = tempDir();
  });
  afterAll(() => server?.stop());

  it('refuses a self-signed server by default and accepts it when the account ignores SSL errors', async () => {
    const args = [
      'account',
      'add',
      '--provider',
      'webdav',
      '--server',
      server.url,
      '--user',
      'tls',
      '--password-stdin',
    ];
    const signIn = await cli(args, 'pw\n');
    expect(signIn.code).toBe(2);
    expect(signIn.stderr).toMatch(/certificate of 127\.0\.0\.1:\d+ is not trusted/);
    const add = await cli(['--json', ...args, '--offline'], 'pw\n');
    const id = (JSON.parse(add.stdout) as { id: number }).id;
    expect(server.url).toMatch(/^https:/);
    const refused = await cli(['backups', String(id)]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      /certificate of 127\.0\.0\.1:\d+ is not trusted \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN)\)/,
    );
    expect(refused.stderr).toContain('ignore SSL errors');

    expect((await cli(['account', 'set', String(id), 'ignore_ssl_errors=true'])).code).toBe(0);
    const accepted = await cli(['backups', String(id)]);
    expect(accepted.code, accepted.stderr).toBe(0);
    expect(accepted.stdout).toContain('No previous backups found');
  });
});
