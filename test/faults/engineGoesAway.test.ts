// A command reaches the engine of its data dir over the bus that engine's process published; that
// process may end at any moment (its last command done), and its private bus with it. Whatever the
// command was waiting for then, it ends with the truth — the restore run after all, or a clear error —
// never Node's silent exit 13. A stand-in engine holds the data dir and takes its bus away on cue.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import dbus from 'dbus-next';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MSYNCD_SERVICE } from '../../main/buteo/msyncdService.js';
import { connectBus, PrivateBusDaemon, waitConnected, type MessageBus } from '../../main/dbus/bus.js';
import { requestName } from '../../main/dbus/DBusClient.js';
import { canonicalDir, EngineLock } from '../../main/engineLock.js';
import { ENGINE_INTERFACE, ENGINE_PATH } from '../../main/engineService.js';
import { resolvePaths } from '../../main/paths.js';
import { VAULT_INTERFACE, VAULT_SERVICE } from '../../main/vault/vaultService.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';
import { makeUnitTree, readTree } from '../helpers/tree.js';

const { Message, Variant } = dbus;
const env = cliEnv();

/**
 * When the stand-in's process "ends": at the first call of `member`, which it never answers; or, with
 * `answered`, which it answers after giving its names back, as an engine shutting down does, and ends
 * a moment later.
 */
interface Cue {
  member: 'GetAll' | 'restoreFromCloudToFolder';
  answered?: boolean;
  /** Gives its names back first, so the call meets the bus's own "no such name" error, and ends a moment later. */
  nameGone?: boolean;
}

/**
 * Holds the data dir's engine lock and publishes a private bus, as the process running the engine
 * does; answers as that engine until the cue, then ends as that process would: lock released, bus gone.
 */
class StandInEngine {
  private constructor(
    private readonly lock: EngineLock,
    private readonly daemon: PrivateBusDaemon,
    private readonly bus: MessageBus,
  ) {}

  static async start(dataDir: string, cue: Cue): Promise<StandInEngine> {
    const lock = EngineLock.tryAcquire(dataDir);
    if (!lock) throw new Error('the data dir is in use');
    const daemon = await PrivateBusDaemon.start();
    const bus = connectBus(daemon.address);
    await waitConnected(bus);
    await requestName(bus, MSYNCD_SERVICE);
    await requestName(bus, VAULT_SERVICE);
    const engine = new StandInEngine(lock, daemon, bus);
    const described = {
      DataDir: new Variant('s', canonicalDir(dataDir)),
      AccountsDatabase: new Variant('s', canonicalDir(resolvePaths({ dataDir, env }).accountsDb)),
      ProcessId: new Variant('u', process.pid),
    };
    const describe = (msg: dbus.Message) => bus.send(Message.newMethodReturn(msg, 'a{sv}', [described]));
    bus.addMethodHandler((msg: dbus.Message) => {
      if (msg.member === cue.member && cue.nameGone) {
        void Promise.all([bus.releaseName(MSYNCD_SERVICE), bus.releaseName(VAULT_SERVICE)]).then(() => {
          // What dbus-daemon answers a call to a name nobody owns (dbus-next's types take a string for
          // the call newError answers; it takes the call's message).
          const call = msg as unknown as string;
          bus.send(
            Message.newError(
              call,
              'org.freedesktop.DBus.Error.ServiceUnknown',
              `The name ${MSYNCD_SERVICE} was not provided by any .service files`,
            ),
          );
          setTimeout(() => void engine.end(), 500);
        });
        return true;
      }
      if (msg.member === cue.member && cue.answered) {
        void Promise.all([bus.releaseName(MSYNCD_SERVICE), bus.releaseName(VAULT_SERVICE)]).then(() => {
          describe(msg);
          setTimeout(() => void engine.end(), 500);
        });
        return true;
      }
      if (msg.member === cue.member) {
        void engine.end();
        return true;
      }
      if (
        msg.path === ENGINE_PATH &&
        msg.member === 'GetAll' &&
        (msg.body as unknown[] | undefined)?.[0] === ENGINE_INTERFACE
      )
        describe(msg);
      else if (msg.interface === ENGINE_INTERFACE) bus.send(Message.newMethodReturn(msg));
      else if (msg.interface === VAULT_INTERFACE) bus.send(Message.newMethodReturn(msg));
      else return false;
      return true;
    });
    lock.publish(daemon.address);
    return engine;
  }

  /** The process ends: the lock is free again and its bus is gone. */
  async end(): Promise<void> {
    this.lock.release();
    await this.daemon.stop();
    this.bus.disconnect();
  }
}

describe('the engine’s process ends while a command waits on its bus', () => {
  let server: WebDavServer;
  let dataDir: string;
  let unit: string;
  let backupFile: string;
  let standIn: StandInEngine | undefined;
  const restoreInto = (target: string) =>
    runCli(['--data-dir', dataDir, '--json', 'restore', '1', backupFile, '--to', target], { env });

  beforeAll(async () => {
    server = await startRclone({ user: 'gone', password: 'away' });
    dataDir = tempDir();
    unit = path.join(tempDir(), 'Documents');
    makeUnitTree(unit, 64 * 1024);
    const cli = (args: string[], input?: string) =>
      runCli(['--data-dir', dataDir, ...args], { env, ...(input ? { input } : {}) });
    expect((await cli(['units', 'add', unit])).code).toBe(0);
    const add = await cli(
      [
        '--json',
        'account',
        'add',
        '--provider',
        'webdav',
        '--server',
        server.url,
        '--user',
        'gone',
        '--password-stdin',
      ],
      'away\n',
    );
    expect(add.code, add.stderr).toBe(0);
    const first = await cli(['--json', 'backup', '1']);
    expect(first.code, first.stderr).toBe(0);
    backupFile = (JSON.parse(first.stdout) as { file: string }).file;
  });

  afterEach(async () => {
    await standIn?.end();
    standIn = undefined;
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('gone before it took the restore on: the restore runs on an engine of its own and is whole', async () => {
    standIn = await StandInEngine.start(dataDir, { member: 'GetAll' });
    const target = tempDir();
    const r = await restoreInto(target);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'Finished' });
    expect(readTree(path.join(target, 'Documents'))).toEqual(readTree(unit));
  });

  it('its daemon leaving the bus while the restore attaches: the restore waits, runs on its own engine, and is whole', async () => {
    standIn = await StandInEngine.start(dataDir, { member: 'GetAll', answered: true });
    const target = tempDir();
    const r = await restoreInto(target);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'Finished' });
    expect(readTree(path.join(target, 'Documents'))).toEqual(readTree(unit));
  });

  it('its daemon gone between being seen and being described: the restore does not take it for a foreign daemon, waits, and is whole', async () => {
    standIn = await StandInEngine.start(dataDir, { member: 'GetAll', nameGone: true });
    const target = tempDir();
    const r = await restoreInto(target);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(/not this app’s engine/);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: 'Finished' });
    expect(readTree(path.join(target, 'Documents'))).toEqual(readTree(unit));
  });

  it('gone after it took the restore on: the restore says the backup service stopped, and nothing is restored', async () => {
    standIn = await StandInEngine.start(dataDir, { member: 'restoreFromCloudToFolder' });
    const target = tempDir();
    const r = await restoreInto(target);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/backup service stopped during the restore/);
    expect(JSON.parse(r.stdout)).toMatchObject({ error: expect.stringMatching(/backup service stopped/) as unknown });
    expect(readdirSync(target)).toEqual([]);
  });

  it('a command stuck on a wait nothing can end says what it waited for, instead of exiting 13', () => {
    // The guard of every command, on a wait that can never end (no timer, no socket, nothing).
    const script = `
      import { guardStuckWaits } from '${path.resolve(import.meta.dirname, '../../dist/main/cli/stuckGuard.js')}';
      import { waitingFor } from '${path.resolve(import.meta.dirname, '../../dist/main/waits.js')}';
      guardStuckWaits((message) => process.stderr.write(message + '\\n'));
      await waitingFor('the outcome of the restore from the backup service', new Promise(() => {}));
    `;
    let failure: { status: number | null; stderr: string } | undefined;
    try {
      execFileSync(process.execPath, ['--input-type=module', '-e', script], { stdio: 'pipe' });
    } catch (err) {
      const e = err as { status: number | null; stderr: Buffer };
      failure = { status: e.status, stderr: e.stderr.toString() };
    }
    expect(failure?.status).toBe(1);
    expect(failure?.stderr).toMatch(/stopped waiting for the outcome of the restore from the backup service/);
  });
});
