// The Settings UI's second kind of session: a device over SSH. It relays the device's own signals as the
// UI's events, says when the connection is lost (within seconds) and reconnects by itself; after a
// reconnection the pages get the device's real state, and a run that ended meanwhile is told as it ended
// there (the vault's properties), never assumed.
import { EventEmitter } from 'node:events';
import { errorMessage } from '../errors.js';
import { isBusyVaultStatus, isFinalVaultStatus, type OperationKind, type VaultStatus } from '../vocabulary.js';
import type {
  CallArgs,
  CallName,
  CallResult,
  DeviceState,
  DeviceView,
  EventName,
  EventPayload,
  TargetCall,
  VaultStateView,
} from '../ipc/contract.js';
import { parseDeviceAddress } from './deviceAddress.js';
import { deviceHandlers } from './deviceHandlers.js';
import { DeviceSession } from './DeviceSession.js';
import { logger } from '../log.js';

const log = logger('device');

const RETRY_MS = 3000;

export class DeviceBridge {
  private readonly emitter = new EventEmitter();
  private session: DeviceSession | undefined;
  private offs: Array<() => Promise<void> | void> = [];
  private current: DeviceState;
  private vault: VaultStateView = { status: 'Idle', statusText: '', progress: 0, canCancel: false, error: '' };
  /** The backup or restore under way when last seen, so that how it ended can be told after a reconnection. */
  private running: { kind: OperationKind; accountId: number; file?: string } | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly handlers;

  constructor(
    readonly device: DeviceView,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.emitter.setMaxListeners(100);
    this.current = { device, state: 'connecting' };
    this.handlers = deviceHandlers({
      session: () => this.connectedSession(),
      vaultState: () => this.vault,
      // Only a run still going: one that ended before its start was answered has been told already, and a
      // start that never reached the device has no outcome to tell (an older run's must not stand in for it).
      started: (kind, accountId) => {
        if (isBusyVaultStatus(this.vault.status)) this.running = { kind, accountId };
      },
      startedFile: (kind, file) => {
        if (isBusyVaultStatus(this.vault.status)) this.running = { kind, accountId: 0, file };
      },
      emit: (name, payload) => this.emit(name, payload),
    });
  }

  /** The session while connected; a call made while it is not says why. */
  connectedSession(): DeviceSession {
    if (!this.session || this.current.state !== 'connected')
      throw new Error(this.current.message ?? `Not connected to ${this.device.id}`);
    return this.session;
  }

  get state(): DeviceState {
    return this.current;
  }

  private emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    this.emitter.emit('event', name, payload);
  }

  onEvent(listener: (name: EventName, payload: unknown) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  private setState(state: DeviceState['state'], message?: string): void {
    this.current = { device: this.device, state, ...(message ? { message } : {}) };
    this.emit('device.state', this.current);
  }

  /** Connects once; a first connection that fails is said, not retried (the address may simply be wrong). */
  async connect(): Promise<DeviceState> {
    this.setState('connecting');
    try {
      await this.open();
    } catch (err) {
      this.setState('failed', errorMessage(err));
    }
    return this.current;
  }

  private async open(): Promise<void> {
    const session = await DeviceSession.open(parseDeviceAddress(this.device.id), { env: this.env, interactive: false });
    if (this.closed) {
      await session.close();
      return;
    }
    try {
      await this.follow(session);
    } catch (err) {
      this.session = undefined;
      this.offs = [];
      await session.close();
      throw err;
    }
  }

  /** Relays the device's signals, reads its state, and tells how a run that was going has ended. */
  private async follow(session: DeviceSession): Promise<void> {
    this.session = session;
    session.once('lost', (reason: string) => this.onLost(reason));
    const { vault, msyncd } = session;
    const now = () => new Date().toISOString();
    const operation = (kind: OperationKind) => (accountId: number, status: VaultStatus) => {
      this.running = isFinalVaultStatus(status) ? undefined : { kind, accountId };
      this.emit('vault.operation', { kind, accountId, status });
    };
    const failure = (kind: OperationKind) => (accountId: number, _code: string, error: string) => {
      this.running = undefined;
      this.emit('vault.operation', { kind, accountId, status: 'Error', error });
    };
    this.offs = [
      await vault.onStateChanged((changed) => {
        this.vault = { ...this.vault, ...changed };
        this.emit('vault.state', this.vault);
      }),
      await vault.onCloudBackupStatusChanged(operation('backup')),
      await vault.onCloudBackupError(failure('backup')),
      await vault.onCloudRestoreStatusChanged(operation('restore')),
      await vault.onCloudRestoreError(failure('restore')),
      // A backup to, or restore from, a memory card: accountId 0 and the file, as on this computer.
      await vault.onFileBackupStatusChanged((file, status) => {
        const kind = this.vault.mode?.startsWith('restore') ? 'restore' : 'backup';
        this.running = isFinalVaultStatus(status) ? undefined : { kind, accountId: 0, file };
        const error = status === 'Error' ? this.vault.error || 'The operation failed.' : undefined;
        this.emit('vault.operation', { kind, accountId: 0, file, status, ...(error ? { error } : {}) });
      }),
      await msyncd.onSyncStatus((e) => this.emit('sync.status', { ...e, at: now() })),
      await msyncd.onTransferProgress((e) => this.emit('sync.transfer', { ...e, at: now() })),
      await msyncd.onProfileChanged((profile, change) => this.emit('profiles.changed', { profile, change })),
    ];
    const state = await vault.state();
    this.vault = {
      status: state.status,
      statusText: state.statusText,
      progress: state.progress,
      canCancel: state.canCancel,
      error: state.error,
      mode: state.mode,
    };
    this.setState('connected');
    this.emit('vault.state', this.vault);
    this.emit('accounts.changed', {});
    // A run that was going when the connection broke: the device's vault says how it is now.
    const run = this.running;
    if (run && !isBusyVaultStatus(this.vault.status) && isFinalVaultStatus(this.vault.status)) {
      this.running = undefined;
      this.emit('vault.operation', {
        ...run,
        status: this.vault.status,
        ...(this.vault.error ? { error: this.vault.error } : {}),
      });
    }
  }

  private onLost(reason: string): void {
    this.offs = [];
    this.session = undefined;
    if (this.closed) return;
    this.setState('lost', `${reason}. Reconnecting…`);
    this.scheduleRetry(reason);
  }

  private scheduleRetry(reason: string): void {
    this.retry = setTimeout(() => {
      if (this.closed) return;
      this.open().catch((err: unknown) => {
        this.setState('lost', `${reason}. Reconnecting… (last try: ${errorMessage(err)})`);
        this.scheduleRetry(reason);
      });
    }, RETRY_MS);
  }

  handle<C extends CallName>(name: C, args: CallArgs<C>): Promise<CallResult<C>> {
    const handler = this.handlers[name as TargetCall] as unknown as
      ((...a: CallArgs<C>) => Promise<CallResult<C>> | CallResult<C>) | undefined;
    if (!handler) return Promise.reject(new Error(`${name} is not available for a device`));
    return Promise.resolve().then(() => handler(...args));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    for (const off of this.offs.splice(0))
      await Promise.resolve(off()).catch(log.ignored('unsubscribing from the device (its link may be gone)'));
    await this.session?.close();
    this.emitter.removeAllListeners();
  }
}
