// With a desktop keyring on the session bus, passwords go there and nowhere else.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SecretServiceStore } from '../../main/accounts/secretService.js';
import { PrivateBusDaemon } from '../../main/dbus/bus.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';

describe('passwords in the desktop keyring (Secret Service)', () => {
  let bus: PrivateBusDaemon;
  let keyring: ChildProcess;
  let server: WebDavServer;
  let env: NodeJS.ProcessEnv;
  let dataDir: string;

  beforeAll(async () => {
    bus = await PrivateBusDaemon.start();
    server = await startRclone({ user: 'kim', password: 'from the keyring' });
    const home = tempDir('sfb-home-');
    mkdirSync(path.join(home, 'run'), { mode: 0o700 });
    const keyringEnv = {
      ...process.env,
      HOME: home,
      XDG_DATA_HOME: path.join(home, 'share'),
      XDG_RUNTIME_DIR: path.join(home, 'run'),
      DBUS_SESSION_BUS_ADDRESS: bus.address,
    };
    // --unlock reads the login password on stdin and creates the login keyring, the default collection.
    // A keyring daemon that has not made its login collection in 15 s (seen once on a loaded
    // machine) is started again, once, before the test gives up and says what it printed.
    let store: SecretServiceStore | undefined;
    let said = '';
    for (let attempt = 0; attempt < 2 && !store; attempt++) {
      if (keyring && keyring.exitCode === null) {
        keyring.kill('SIGTERM');
        await once(keyring, 'exit');
      }
      keyring = spawn('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], {
        env: keyringEnv,
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      keyring.stderr!.on('data', (d: Buffer) => (said += d.toString()));
      keyring.stdin!.end('login password');
      for (let i = 0; i < 150 && !store && keyring.exitCode === null; i++) {
        store = await SecretServiceStore.open(bus.address);
        if (!store) await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(
      store,
      `gnome-keyring-daemon serves the default collection (exit ${keyring.exitCode}; said: ${said.trim()})`,
    ).toBeDefined();
    store!.close();
    dataDir = tempDir();
    env = cliEnv({ DBUS_SESSION_BUS_ADDRESS: bus.address });
  });

  afterAll(async () => {
    if (keyring && keyring.exitCode === null) {
      keyring.kill('SIGTERM');
      await once(keyring, 'exit');
    }
    await bus?.stop();
    await server?.stop();
  });

  it('stores the password in the keyring, not in the file, and uses it to reach the server', async () => {
    const add = await runCli(
      [
        '--data-dir',
        dataDir,
        '--json',
        'account',
        'add',
        '--provider',
        'webdav',
        '--server',
        server.url,
        '--user',
        'kim',
        '--password-stdin',
      ],
      { env, input: 'from the keyring\n' },
    );
    expect(add.code, add.stderr).toBe(0);
    const file = path.join(dataDir, 'credentials', 'credentials.json');
    if (existsSync(file)) expect(readFileSync(file, 'utf8')).not.toContain('from the keyring');

    const store = await SecretServiceStore.open(bus.address);
    const id = (JSON.parse(add.stdout) as { id: number }).id;
    expect(id).toBe(1);
    expect(await store!.read(1)).toEqual({ username: 'kim', password: 'from the keyring' });
    store!.close();

    const list = await runCli(['--data-dir', dataDir, 'backups', '1'], { env });
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('No previous backups found');

    const removed = await runCli(['--data-dir', dataDir, 'account', 'remove', '1'], { env });
    expect(removed.code, removed.stderr).toBe(0);
    const after = await SecretServiceStore.open(bus.address);
    expect(await after!.read(1)).toBeUndefined();
    after!.close();
  });
});
