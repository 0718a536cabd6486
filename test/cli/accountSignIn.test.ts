// `account add` and `account set` sign in before saving: a refusal exits 2 with the cause in one
// line and saves nothing; --offline saves without signing in and says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.js';
import { startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';
import { refusedUrl } from '../helpers/wrongServers.js';

describe('the CLI signs in before saving an account', () => {
  let server: WebDavServer;
  let dataDir: string;
  const env = cliEnv();
  const cli = (args: string[], input?: string) =>
    runCli(['--data-dir', dataDir, ...args], { env, ...(input ? { input } : {}) });
  const addArgs = (url: string) => [
    'account',
    'add',
    '--provider',
    'webdav',
    '--server',
    url,
    '--user',
    'alice',
    '--password-stdin',
  ];
  const accountIds = async () =>
    (JSON.parse((await cli(['--json', 'account', 'list'])).stdout) as Array<{ id: number }>).map((a) => a.id);

  beforeAll(async () => {
    server = await startRclone({ user: 'alice', password: 'right' });
    dataDir = tempDir();
  });
  afterAll(() => server?.stop());

  it('refuses a wrong password with exit 2 and the cause in one line', async () => {
    const r = await cli(addArgs(server.url), 'wrong\n');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('refused the user name or password');
    expect(r.stderr).toContain('Nothing was saved');
    const json = await cli(['--json', ...addArgs(server.url)], 'wrong\n');
    expect(JSON.parse(json.stdout)).toMatchObject({ code: 'auth' });
    expect(await accountIds()).toEqual([]);
  });

  it('refuses a server nobody answers at, and saves it with --offline', async () => {
    const url = await refusedUrl();
    const r = await cli(addArgs(url), 'right\n');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refused the connection.*--offline/);
    expect(r.stderr).not.toContain('ECONNREFUSED');
    expect(await accountIds()).toEqual([]);

    const offline = await cli([...addArgs(url), '--offline'], 'right\n');
    expect(offline.code, offline.stderr).toBe(0);
    expect(offline.stderr).toContain('Saved without signing in to the server (--offline)');
    const [id] = await accountIds();
    expect((await cli(['account', 'remove', String(id)])).code).toBe(0);
  });

  it('signs in when the password or server changes, but not for a new name', async () => {
    const added = await cli(['--json', ...addArgs(server.url)], 'right\n');
    expect(added.code, added.stderr).toBe(0);
    const id = String((JSON.parse(added.stdout) as { id: number }).id);

    const wrong = await cli(['account', 'set', id, '--password-stdin'], 'wrong\n');
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('refused the user name or password');
    expect((await cli(['backups', id])).code).toBe(0); // the old password is still there

    const moved = await cli(['account', 'set', id, `server_address=${await refusedUrl()}`]);
    expect(moved.code).toBe(2);
    expect((await cli(['--json', 'account', 'show', id])).stdout).toContain(server.url);

    await server.stop();
    try {
      const renamed = await cli(['account', 'set', id, 'name=Home']);
      expect(renamed.code, renamed.stderr).toBe(0);
    } finally {
      await server.restart();
    }
  });
});
