// The desktop engine's own D-Bus face, beside (never inside) the upstream msyncd and vault interfaces:
// which data dir it serves, and which commands use it, so a command for another data dir refuses
// instead of acting on this one, and the process hosting the engine stays until its users are done.
import dbus from 'dbus-next';
import { isDisconnected, isNameGone, type DBusClient } from './dbus/DBusClient.js';
import type { MessageBus } from './dbus/bus.js';
import { MSYNCD_SERVICE } from './buteo/msyncdNames.js';
import { scalarText } from './scalar.js';
import { waitingFor } from './waits.js';
import { logger } from './log.js';

const log = logger('engine');

export const ENGINE_PATH = '/sfbackup/engine';
export const ENGINE_INTERFACE = 'org.sailfishos.backupsettings.Engine';
const CLOSING_ERROR = `${ENGINE_INTERFACE}.Error.Closing`;

export interface EngineDescription {
  dataDir: string;
  accountsDatabase: string;
  processId: number;
}

/** The commands attached to this engine, by unique bus name; a client that leaves the bus is dropped. */
export class EngineClients {
  private readonly names = new Set<string>();
  private closing = false;
  private changed: () => void = () => {};

  get count(): number {
    return this.names.size;
  }

  attach(name: string): void {
    if (this.closing) throw new dbus.DBusError(CLOSING_ERROR, 'The engine is shutting down; start it again.');
    if (name) this.names.add(name);
  }

  detach(name: string): void {
    if (this.names.delete(name)) this.changed();
  }

  /** Resolves once no client is attached, and from then on refuses new ones (they start their own engine). */
  async drain(onWaiting: (count: number) => void, signal?: AbortSignal): Promise<void> {
    while (this.names.size > 0 && !signal?.aborted) {
      onWaiting(this.names.size);
      await waitingFor(
        `${this.names.size} other sfbackup command${this.names.size > 1 ? 's' : ''} using this engine to finish`,
        new Promise<void>((resolve) => {
          this.changed = resolve;
          signal?.addEventListener('abort', () => resolve(), { once: true });
        }),
      );
    }
    this.closing = true;
  }
}

export class EngineInterface extends dbus.interface.Interface {
  constructor(
    private readonly description: EngineDescription,
    private readonly clients: EngineClients,
    private readonly caller: () => string,
  ) {
    super(ENGINE_INTERFACE);
  }

  get DataDir(): string {
    return this.description.dataDir;
  }
  get AccountsDatabase(): string {
    return this.description.accountsDatabase;
  }
  get ProcessId(): number {
    return this.description.processId;
  }

  Attach(): void {
    this.clients.attach(this.caller());
  }

  Detach(): void {
    this.clients.detach(this.caller());
  }
}

const read = dbus.interface.ACCESS_READ;
EngineInterface.configureMembers({
  properties: {
    DataDir: { signature: 's', access: read },
    AccountsDatabase: { signature: 's', access: read },
    ProcessId: { signature: 'u', access: read },
  },
  methods: {
    Attach: { inSignature: '', outSignature: '' },
    Detach: { inSignature: '', outSignature: '' },
  },
});

/**
 * dbus-next does not hand a method its caller: note the sender of each call to this interface just
 * before the library dispatches it (handlers run first, synchronously, for the same message).
 */
export function trackCallers(bus: MessageBus): { caller: () => string; stop: () => void } {
  let sender = '';
  const handler = (msg: dbus.Message): boolean => {
    if (msg.interface === ENGINE_INTERFACE) sender = msg.sender ?? '';
    return false;
  };
  bus.addMethodHandler(handler);
  return { caller: () => sender, stop: () => bus.removeMethodHandler(handler) };
}

/** Typed client of the engine interface, reached through the sync daemon's well-known name. */
export class EngineProxy {
  constructor(private readonly client: DBusClient) {}

  /** What the engine serves; undefined when the daemon on the bus is not this app's (a device, real msyncd). */
  async describe(): Promise<EngineDescription | undefined> {
    try {
      const [props] = await this.client.call(
        MSYNCD_SERVICE,
        ENGINE_PATH,
        'org.freedesktop.DBus.Properties',
        'GetAll',
        's',
        [ENGINE_INTERFACE],
      );
      const values = props as Record<string, { value: unknown } | undefined>;
      const dataDir = scalarText(values.DataDir?.value);
      if (!dataDir) return undefined;
      return {
        dataDir,
        accountsDatabase: scalarText(values.AccountsDatabase?.value),
        processId: Number(values.ProcessId?.value ?? 0),
      };
    } catch (err) {
      // The bus went away, or the daemon left it between being seen and being asked: nothing to
      // describe yet, and not a foreign daemon either (the caller looks again).
      if (isDisconnected(err) || isNameGone(err)) throw err;
      return undefined;
    }
  }

  /** Registers this connection as a user of the engine; false when the engine is shutting down. */
  async attach(): Promise<boolean> {
    try {
      await this.client.call(MSYNCD_SERVICE, ENGINE_PATH, ENGINE_INTERFACE, 'Attach');
      return true;
    } catch (err) {
      if ((err as { type?: string }).type === CLOSING_ERROR) return false;
      throw err;
    }
  }

  async detach(): Promise<void> {
    await this.client
      .call(MSYNCD_SERVICE, ENGINE_PATH, ENGINE_INTERFACE, 'Detach')
      .catch(log.ignored('detaching from the engine (it is gone or leaving)'));
  }
}
