// A connection to the sync daemon and the backup service of one data dir: the engine already running
// for it (on the session bus, or on the bus its process published in the data dir), or an engine
// started in this process when none runs. The CLI and the Settings UI both work through one.
import { emitAccountChanged } from './accounts/accountChangedSignal.js';
import { MsyncdProxy } from './buteo/MsyncdProxy.js';
import { onBusClosed, openSessionBus, type BusConnection } from './dbus/bus.js';
import { DBusClient, isDisconnected, isNameGone } from './dbus/DBusClient.js';
import type { Engine, EngineOptions } from './engine.js';
import { canonicalDir, EngineLock } from './engineLock.js';
import { EngineProxy } from './engineService.js';
import { InputError } from './errors.js';
import type { Stores } from './stores.js';
import { activateDaemon, installedFor } from './service/activation.js';
import { VaultProxy } from './vault/VaultProxy.js';
import { logger } from './log.js';

const log = logger('session');

export interface SessionOptions extends EngineOptions {
  /** How long to wait for another process that is starting or stopping this data dir's engine. */
  attachTimeoutMs?: number;
}

type Notice = (text: string) => void;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class DaemonSession {
  private constructor(
    readonly connection: BusConnection,
    readonly client: DBusClient,
    readonly msyncd: MsyncdProxy,
    readonly vault: VaultProxy,
    /** Set when this process runs the engine itself. */
    readonly engine: Engine | undefined,
    private readonly detach: () => Promise<void>,
    private readonly notice: Notice,
    /** Whether the background service serves this data dir (it takes over when this engine stops). */
    private readonly serviceInstalled: () => boolean = () => false,
  ) {}

  /** The data dir's engine, started here when no process runs one. */
  static async open(
    stores: Stores,
    env: NodeJS.ProcessEnv,
    notice: Notice = () => {},
    options: SessionOptions = {},
  ): Promise<DaemonSession> {
    const session = await DaemonSession.connect(stores, env, notice, options, true);
    return session!;
  }

  /** The data dir's engine when a process runs one; undefined otherwise (nothing is started). */
  static existing(stores: Stores, env: NodeJS.ProcessEnv): Promise<DaemonSession | undefined> {
    return DaemonSession.connect(stores, env, () => {}, { attachTimeoutMs: 2000 }, false);
  }

  private static async connect(
    stores: Stores,
    env: NodeJS.ProcessEnv,
    notice: Notice,
    options: SessionOptions,
    mayHost: boolean,
  ): Promise<DaemonSession | undefined> {
    const dataDir = stores.paths.dataDir;
    const started = Date.now();
    let waitingSaid = false;
    for (;;) {
      if (env.DBUS_SESSION_BUS_ADDRESS) {
        const connection = await openSessionBus(env, notice);
        // An installed service is started by the bus (serviceFiles.ts) rather than run in this process.
        const installed = () => installedFor(dataDir, env);
        const found = await DaemonSession.attach(connection, stores, notice, installed);
        if (found instanceof DaemonSession) return found;
        if (found === 'lost')
          throw new InputError('The session bus closed the connection; is the desktop session ending?');
        const lock = found === 'absent' && mayHost ? EngineLock.tryAcquire(dataDir) : undefined;
        if (lock) return DaemonSession.host(connection, stores, notice, options, lock, installed);
        await connection.close();
      } else if (mayHost) {
        const lock = EngineLock.tryAcquire(dataDir);
        if (lock) {
          const connection = await openSessionBus(env, notice).catch((err: unknown) => {
            lock.release();
            throw err;
          });
          return DaemonSession.host(connection, stores, notice, options, lock);
        }
      }
      // Another process holds the engine lock: reach its engine over the bus it published. That process
      // may be ending meanwhile, its bus with it ('lost'): then the next round finds the lock free.
      const record = EngineLock.readRecord(dataDir);
      if (record && record.busAddress !== env.DBUS_SESSION_BUS_ADDRESS) {
        const connection = await openSessionBus({ DBUS_SESSION_BUS_ADDRESS: record.busAddress }).catch(
          (err: unknown) => {
            log.debug(`the engine's published bus ${record.busAddress} is not reachable`, err);
            return undefined;
          },
        );
        const found = connection && (await DaemonSession.attach(connection, stores, notice));
        if (found instanceof DaemonSession) return found;
        await connection?.close();
      }
      if (!mayHost && !record) return undefined;
      const waited = Date.now() - started;
      if (waited > (options.attachTimeoutMs ?? 60_000))
        throw new InputError(
          `Another sfbackup process${record ? ` (pid ${record.pid})` : ''} runs the sync daemon for ${canonicalDir(dataDir)} but cannot be reached; try again when it has finished.`,
        );
      if (!waitingSaid && waited > 1000) {
        notice('Another sfbackup process is starting or stopping the sync daemon for this data dir; waiting…');
        waitingSaid = true;
      }
      await sleep(100);
    }
  }

  /**
   * Joins the engine on this bus: a session, 'absent' when none runs, 'closing' when it is shutting
   * down, 'lost' when the bus itself went away before the engine had taken this command on.
   */
  private static async attach(
    connection: BusConnection,
    stores: Stores,
    notice: Notice,
    serviceInstalled: () => boolean = () => false,
  ): Promise<DaemonSession | 'absent' | 'closing' | 'lost'> {
    try {
      const client = new DBusClient(connection.bus);
      const msyncd = new MsyncdProxy(client);
      if (!(await msyncd.isRunning()) && !(serviceInstalled() && (await activateDaemon(client)))) return 'absent';
      const engine = new EngineProxy(client);
      const running = await engine.describe();
      if (running) {
        const ours = canonicalDir(stores.paths.dataDir);
        if (running.dataDir !== ours || running.accountsDatabase !== canonicalDir(stores.paths.accountsDb))
          throw new InputError(
            `The sync daemon on the session bus (pid ${running.processId}) works on the data dir ${running.dataDir}, not ${ours}; ` +
              `stop it, or run this command with --data-dir ${running.dataDir}.`,
          );
        if (!(await engine.attach())) return 'closing';
      } else {
        notice('The sync daemon on the session bus is not this app’s engine (a device or the real msyncd); using it.');
      }
      // Tell the engine (and everyone) about account edits made here.
      const off = stores.accountStore.onChange((change) => emitAccountChanged(client, change));
      const detach = async () => {
        off();
        if (running) await engine.detach();
      };
      return new DaemonSession(connection, client, msyncd, new VaultProxy(client), undefined, detach, notice);
    } catch (err) {
      await connection.close();
      if (isDisconnected(err)) return 'lost';
      // The engine gave its names back between describing itself and taking this command on.
      if (isNameGone(err)) return 'closing';
      throw err;
    }
  }

  private static async host(
    connection: BusConnection,
    stores: Stores,
    notice: Notice,
    options: EngineOptions,
    lock: EngineLock,
    serviceInstalled: () => boolean = () => false,
  ): Promise<DaemonSession> {
    try {
      // The engine (vault, plugins, WebDAV) is loaded only by the process that runs it.
      const { Engine } = await import('./engine.js');
      const engine = await Engine.start(stores, connection.bus, { ...options, lock, busAddress: connection.address });
      const client = new DBusClient(connection.bus);
      const session = new DaemonSession(
        connection,
        client,
        new MsyncdProxy(client),
        new VaultProxy(client),
        engine,
        () => Promise.resolve(),
        notice,
        serviceInstalled,
      );
      return session;
    } catch (err) {
      lock.release();
      await connection.close();
      throw err;
    }
  }

  /** Calls back when the sync daemon or the backup service leaves the bus (killed, crashed), or the bus goes. */
  async onServicesLost(handler: (name: string) => void): Promise<() => Promise<void>> {
    const watched = new Set(['com.meego.msyncd', 'org.sailfishos.backup']);
    const offClosed = onBusClosed(this.connection.bus, () => handler('org.sailfishos.backup'));
    const off = await this.client.subscribe(
      { interface: 'org.freedesktop.DBus', member: 'NameOwnerChanged', sender: 'org.freedesktop.DBus' },
      (body) => {
        const [name, , owner] = body as [string, string, string];
        if (watched.has(name) && owner === '') handler(name);
      },
    );
    return async () => {
      offClosed();
      await off();
    };
  }

  /**
   * Leaves the engine. A process hosting it first waits for the commands of other processes using it
   * to finish (Ctrl-C stops waiting and cancels them), then stops it and releases the data dir.
   */
  async close(): Promise<void> {
    await this.detach();
    const engine = this.engine;
    if (engine) {
      const interrupt = new AbortController();
      const stopWaiting = () => interrupt.abort();
      process.once('SIGINT', stopWaiting);
      process.once('SIGTERM', stopWaiting);
      // With the bus gone (its daemon killed) no command can use the engine, nor be heard leaving it.
      const offClosed = onBusClosed(this.connection.bus, stopWaiting);
      let said = 0;
      try {
        await engine.clients.drain((count) => {
          if (count === said) return;
          said = count;
          this.notice(
            `Waiting for ${count} other sfbackup command${count > 1 ? 's' : ''} using the sync daemon of this process to finish (Ctrl-C cancels ${count > 1 ? 'them' : 'it'})…`,
          );
        }, interrupt.signal);
      } finally {
        process.off('SIGINT', stopWaiting);
        process.off('SIGTERM', stopWaiting);
        offClosed();
      }
      await engine.stop();
      // This process ran the engine itself; the background service takes over its schedules.
      if (this.serviceInstalled())
        await activateDaemon(this.client).catch((err: unknown) =>
          log.warn('could not start the background service', err),
        );
    }
    await this.connection.close();
  }
}
