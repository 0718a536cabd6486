// What the Settings UI can do, implemented on the stores and a daemon session. Electron's IPC and the
// browser bridge both dispatch here; the UI never touches storage or D-Bus itself.
import { EventEmitter } from 'node:events';
import { ProfileChange } from '../buteo/ProfileManager.js';
import type { SyncProfile } from '../buteo/SyncProfile.js';
import { BackupError, InputError, type FailureKind } from '../errors.js';
import type {
  BackupPage,
  CallArgs,
  CallName,
  CallResult,
  TargetCall,
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
import { ensureAccountProfiles, listCloudBackups } from '../operations.js';
import { ServiceInstaller } from '../service/ServiceInstaller.js';
import type { ServiceStatus } from '../service/serviceStatus.js';
import type { DaemonSession } from '../session.js';
import type { Stores } from '../stores.js';
import { applyAutoBackup, autoBackupOf, defaultAutoBackup } from './autoBackup.js';

type Handlers = { [C in TargetCall]: (...args: CallArgs<C>) => Promise<CallResult<C>> | CallResult<C> };

const busyStatuses = new Set<VaultStateView['status']>(['Preparing', 'UploadingBackup', 'DownloadingBackup']);

/** The failure kind a vault error code (a syncStatus name) stands for, when no run recorded better. */
function kindOfVaultCode(code: string): FailureKind {
  switch (code) {
    case 'AuthenticationFailure':
      return 'auth';
    case 'ConnectionError':
      return 'unreachable';
    case 'PluginTimeout':
      return 'timeout';
    case 'Canceled':
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
    return bridge;
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
    const operation = (kind: 'backup' | 'restore') => (accountId: number, status: string) =>
      this.emit('vault.operation', { kind, accountId, status });
    const failure = (kind: 'backup' | 'restore') => (accountId: number, code: string, error: string) =>
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
        if (changed.status && busyStatuses.has(changed.status) && !busyStatuses.has(this.vaultState.status))
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

  private backupPage(): BackupPage {
    // As on Sailfish, the Backup page creates the profiles of accounts that have none yet (made by ag-tool, say).
    for (const account of this.stores.accounts.list()) {
      if (account.backupEnabled && !account.profileIds.Backup) ensureAccountProfiles(this.stores, account.id);
    }
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
      units: this.stores.units.list(),
      deviceId: this.deviceId,
    };
  }

  private readonly handlers: Handlers = {
    'providers.list': () =>
      this.stores.catalog
        .backupProviders()
        .map((p) => ({ id: p.id, name: p.name, description: p.description, icon: p.icon })),
    ...accountHandlers(() => ({
      stores: this.stores,
      signIns: this.signIns,
      emit: (name, payload) => this.emit(name, payload),
    })),
    'backup.page': () => this.backupPage(),
    'backup.setAuto': (accountId, auto) => {
      if (accountId !== null) ensureAccountProfiles(this.stores, accountId);
      for (const account of this.stores.accounts.list()) {
        const name = account.profileIds.Backup;
        const profile = name ? this.stores.profiles.load(name) : undefined;
        if (!profile) continue;
        applyAutoBackup(profile, auto, account.id === accountId);
        this.stores.profiles.save(profile);
        this.emit('profiles.changed', { profile: profile.name, change: ProfileChange.Modified });
      }
      return this.backupPage();
    },
    'backup.start': async (accountId) => {
      ensureAccountProfiles(this.stores, accountId);
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
      ensureAccountProfiles(this.stores, accountId);
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
    if (!Object.hasOwn(this.handlers, name))
      return Promise.reject(new InputError(`${name} is answered by the window's device switcher`));
    const handler = this.handlers[name as TargetCall] as unknown as (
      ...a: CallArgs<C>
    ) => Promise<CallResult<C>> | CallResult<C>;
    return Promise.resolve(handler(...args));
  }
}
