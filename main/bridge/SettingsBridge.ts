// What the Settings UI can do, implemented on the stores and a daemon session. Electron's IPC and the
// browser bridge both dispatch here; the UI never touches storage or D-Bus itself.
import { EventEmitter } from 'node:events';
import type { SyncProfile } from '../buteo/SyncProfile.js';
import { BackupError, InputError, type FailureKind } from '../errors.js';
import type {
  BackupPage,
  CallArgs,
  CallName,
  CallResult,
  EventName,
  EventPayload,
  Problem,
  ProfileSummary,
  ServiceStatusView,
  VaultStateView,
} from '../ipc/contract.js';
import { errorWithProblem, fieldForRun, problemOf } from '../signin/problems.js';
import { SignInStatusStore } from '../signin/SignInStatusStore.js';
import { accountHandlers } from './accountHandlers.js';
import { AccountSignIns } from './AccountSignIns.js';
import { accountView } from './accountView.js';
import { ensureProfilesThroughDaemon, listCloudBackups } from '../operations.js';
import { ServiceInstaller } from '../service/ServiceInstaller.js';
import type { ServiceStatus } from '../service/serviceStatus.js';
import { fileProblems } from '../fileProblems.js';
import { logger } from '../log.js';
import type { DaemonSession } from '../session.js';
import type { VaultErrorCode } from '../vault/vaultTypes.js';
import { isBusyVaultStatus, type OperationKind, type VaultStatus } from '../vocabulary.js';
import type { Stores } from '../stores.js';
import { applyAutoBackup, autoBackupOf, defaultAutoBackup } from './autoBackup.js';

const log = logger('bridge');

type Handlers = { [C in CallName]: (...args: CallArgs<C>) => Promise<CallResult<C>> | CallResult<C> };

/** The failure kind a vault error code (a syncStatus name) stands for, when no run recorded better. */
function kindOfVaultCode(code: VaultErrorCode): FailureKind {
  switch (code) {
    case 'AuthenticationFailure':
      return 'auth';
    case 'ConnectionError':
      return 'unreachable';
    case 'PluginTimeout':
      return 'timeout';
    case 'Aborted':
    case 'Cancelled':
      return 'cancelled';
    default:
      return 'other';
  }
}

function serviceView(s: ServiceStatus): ServiceStatusView {
  const { installed, current, enabled, running, runningAsService, summary } = s;
  return { installed, current, enabled, running, runningAsService, summary };
}

export class SettingsBridge {
  private readonly emitter = new EventEmitter();
  private vaultState: VaultStateView = { status: 'Idle', statusText: '', progress: 0, canCancel: false, error: '' };
  private readonly unsubscribers: Array<() => Promise<void> | void> = [];
  private deviceId = '';
  private readonly signIns: AccountSignIns;
  /** When the current (or last) backup or restore began: run outcomes recorded since then belong to it. */
  private operationStartedAt = 0;
  /** Server paths of the backups last listed, by "<accountId>/<file name>". */
  private readonly listedPaths = new Map<string, string>();

  private constructor(
    private readonly stores: Stores,
    private readonly session: DaemonSession,
  ) {
    this.emitter.setMaxListeners(100);
    this.signIns = new AccountSignIns(new SignInStatusStore(stores.paths.signInStatusFile));
  }

  static async attach(stores: Stores, session: DaemonSession): Promise<SettingsBridge> {
    const bridge = new SettingsBridge(stores, session);
    await bridge.subscribe();
    await bridge.createMissingProfiles();
    return bridge;
  }

  /** As on Sailfish, the Backup settings create the profiles of accounts that have none yet (made by ag-tool, say). */
  private async createMissingProfiles(): Promise<void> {
    for (const account of this.stores.accounts.list()) {
      if (!account.backupEnabled || account.profileIds.Backup) continue;
      await ensureProfilesThroughDaemon(this.stores, this.session.msyncd, account.id).catch((err: unknown) =>
        log.warn(`could not create the sync profiles of account ${account.id}`, err),
      );
    }
  }

  private emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    this.emitter.emit('event', name, payload);
  }

  /** Every event, in order: the transports forward them to the UI. */
  onEvent(listener: (name: EventName, payload: unknown) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  private async subscribe(): Promise<void> {
    const { vault, msyncd } = this.session;
    this.vaultState = await vault.state();
    this.deviceId = await vault.backupFileDeviceId();
    const now = () => new Date().toISOString();
    const operation = (kind: OperationKind) => (accountId: number, status: VaultStatus) =>
      this.emit('vault.operation', { kind, accountId, status });
    const failure = (kind: OperationKind) => (accountId: number, code: VaultErrorCode, error: string) =>
      this.emit('vault.operation', {
        kind,
        accountId,
        status: 'Error',
        error,
        problem: this.recordedProblem(accountId, this.operationStartedAt) ?? {
          kind: kindOfVaultCode(code),
          message: error,
          accountId,
          ...(fieldForRun(kindOfVaultCode(code)) ? { field: fieldForRun(kindOfVaultCode(code)) } : {}),
        },
      });
    this.unsubscribers.push(
      await vault.onStateChanged((changed) => {
        // A run started elsewhere (scheduled, the CLI) begins when the vault leaves a resting state.
        if (changed.status && isBusyVaultStatus(changed.status) && !isBusyVaultStatus(this.vaultState.status))
          this.operationStartedAt = Date.now();
        this.vaultState = { ...this.vaultState, ...changed };
        this.emit('vault.state', this.vaultState);
      }),
      await vault.onCloudBackupStatusChanged(operation('backup')),
      await vault.onCloudBackupError(failure('backup')),
      await vault.onCloudRestoreStatusChanged(operation('restore')),
      await vault.onCloudRestoreError(failure('restore')),
      await msyncd.onSyncStatus((e) => this.emit('sync.status', { ...e, at: now() })),
      await msyncd.onTransferProgress((e) => this.emit('sync.transfer', { ...e, at: now() })),
      await msyncd.onProfileChanged((profile, change) => this.emit('profiles.changed', { profile, change })),
      this.stores.accountStore.onChange(() => this.emit('accounts.changed', {})),
    );
  }

  /** The failure a run recorded for the account since `since`, with the account named. */
  private recordedProblem(accountId: number, since: number): Problem | undefined {
    const status = this.signIns.status.get(accountId);
    if (status?.state !== 'failed' || !status.problem || Date.parse(status.at) < since) return undefined;
    return { ...status.problem, accountId };
  }

  async close(): Promise<void> {
    this.signIns.close();
    for (const off of this.unsubscribers.splice(0)) await off();
    this.emitter.removeAllListeners();
  }

  private profileSummary(p: SyncProfile, running: string[]): ProfileSummary {
    const last = this.stores.profiles.results(p.name).at(-1);
    const schedule = p.schedule;
    return {
      name: p.name,
      displayName: p.displayName,
      accountId: p.accountId ?? null,
      client: p.clientPlugin ?? null,
      enabled: p.enabled,
      schedule: schedule
        ? {
            enabled: schedule.enabled,
            interval: schedule.interval,
            days: schedule.days,
            ...(schedule.time ? { time: schedule.time } : {}),
          }
        : null,
      keys: p.keys(),
      running: running.includes(p.name),
      lastResult: last
        ? {
            time: last.time,
            majorCode: last.majorCode,
            minorCode: last.minorCode,
            scheduled: last.scheduled,
            ...(last.message ? { message: last.message } : {}),
          }
        : null,
    };
  }

  /** Reads only: profiles are created by the calls that need them (and when the bridge attaches). */
  private backupPage(): BackupPage {
    const accounts = this.stores.accounts.list();
    let autoAccountId: number | null = null;
    let autoBackup = defaultAutoBackup;
    for (const account of accounts) {
      const name = account.profileIds.Backup;
      const profile = name ? this.stores.profiles.load(name) : undefined;
      if (!profile) continue;
      if (autoAccountId === null || profile.schedule?.enabled) autoBackup = autoBackupOf(profile);
      if (profile.schedule?.enabled && autoAccountId === null) autoAccountId = account.id;
    }
    return {
      accounts: accounts.map((a) => accountView(a, this.signIns.status.get(a.id))),
      autoAccountId,
      autoBackup,
      vault: this.vaultState,
      units: this.unitsOrNone(),
      deviceId: this.deviceId,
      problems: fileProblems(this.stores),
    };
  }

  /** A damaged units file is one of the page's problems, not a page that cannot open. */
  private unitsOrNone(): BackupPage['units'] {
    try {
      return this.stores.units.list();
    } catch (err) {
      if (err instanceof InputError) return []; // said in problems
      throw err;
    }
  }

  private readonly handlers: Handlers = {
    'providers.list': () =>
      this.stores.catalog
        .backupProviders()
        .map((p) => ({ id: p.id, name: p.name, description: p.description, icon: p.icon })),
    ...accountHandlers(() => ({
      stores: this.stores,
      msyncd: this.session.msyncd,
      signIns: this.signIns,
      emit: (name, payload) => this.emit(name, payload),
    })),
    'backup.page': () => this.backupPage(),
    'backup.setAuto': async (accountId, auto) => {
      const { msyncd } = this.session;
      if (accountId !== null) await ensureProfilesThroughDaemon(this.stores, msyncd, accountId);
      for (const account of this.stores.accounts.list()) {
        const name = account.profileIds.Backup;
        const profile = name ? this.stores.profiles.load(name) : undefined;
        if (!profile) continue;
        applyAutoBackup(profile, auto, account.id === accountId);
        // Through the daemon: it reschedules, and says profiles.changed to every client.
        await msyncd.updateProfile(profile.toXml());
      }
      return this.backupPage();
    },
    'backup.start': async (accountId) => {
      await ensureProfilesThroughDaemon(this.stores, this.session.msyncd, accountId);
      this.operationStartedAt = Date.now();
      await this.session.vault.backupToCloud(accountId);
      return null;
    },
    'backup.cancel': async () => {
      await this.session.vault.cancel();
      return null;
    },
    'backup.list': async (accountId) => {
      const started = Date.now();
      try {
        const list = await listCloudBackups(this.session, this.stores, accountId);
        for (const b of list) this.listedPaths.set(`${accountId}/${b.name}`, b.path);
        return list.map(({ name, date }) => ({ name, date }));
      } catch (err) {
        const problem =
          this.recordedProblem(accountId, started) ??
          (err instanceof BackupError ? problemOf(err, { accountId, field: fieldForRun(err.kind) }) : undefined);
        throw errorWithProblem(err, problem);
      }
    },
    'backup.restore': async (accountId, file) => {
      await ensureProfilesThroughDaemon(this.stores, this.session.msyncd, accountId);
      this.operationStartedAt = Date.now();
      // As the page does (RestorePage.qml:89): "<dir>/<file>" from the listing, else the bare name.
      await this.session.vault.restoreFromCloud(accountId, this.listedPaths.get(`${accountId}/${file}`) ?? file);
      return null;
    },
    'units.add': (folder) => this.stores.units.add(folder),
    'units.remove': (folder) => {
      this.stores.units.remove(folder);
      return null;
    },
    'profiles.list': async () => {
      const running = await this.session.msyncd.runningSyncs();
      return this.stores.profiles.list().map((p) => this.profileSummary(p, running));
    },
    'profiles.get': async (name) => {
      const profile = this.stores.profiles.load(name);
      if (!profile) throw new InputError(`No sync profile ${name}`);
      const running = await this.session.msyncd.runningSyncs();
      const log = this.stores.profiles.results(name).map((r) => ({
        time: r.time,
        majorCode: r.majorCode,
        minorCode: r.minorCode,
        scheduled: r.scheduled,
        ...(r.message ? { message: r.message } : {}),
      }));
      return { summary: this.profileSummary(profile, running), xml: profile.toXml(), log };
    },
    'profiles.run': (name) => this.session.msyncd.startSync(name),
    'profiles.abort': async (name) => {
      await this.session.msyncd.abortSync(name);
      return null;
    },
    'service.status': async () => serviceView(await this.installer().status()),
    'service.install': async () => serviceView(await this.installer().install()),
  };

  /** The background service, asked about on the bus this window uses. */
  private installer(): ServiceInstaller {
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: this.session.connection.address };
    return new ServiceInstaller(this.stores.paths.dataDir, env);
  }

  /** Runs one call whose arguments the caller has already validated against the contract. */
  handle<C extends CallName>(name: C, args: CallArgs<C>): Promise<CallResult<C>> {
    const handler = this.handlers[name] as (...a: CallArgs<C>) => Promise<CallResult<C>> | CallResult<C>;
    return Promise.resolve(handler(...args));
  }
}
