// What the Settings UI can do, implemented on the stores and a daemon session. Electron's IPC and the
// browser bridge both dispatch here; the UI never touches storage or D-Bus itself.
import { EventEmitter } from 'node:events';
import { statSync } from 'node:fs';
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
  ServiceStatusView,
  VaultStateView,
} from '../ipc/contract.js';
import { errorWithProblem, fieldForRun, problemOf } from '../signin/problems.js';
import { SignInStatusStore } from '../signin/SignInStatusStore.js';
import { accountHandlers } from './accountHandlers.js';
import { profileHandlers } from './profileHandlers.js';
import { AccountSignIns } from './AccountSignIns.js';
import { accountView } from './accountView.js';
import { ensureProfilesThroughDaemon, listCloudBackups } from '../operations.js';
import { ServiceInstaller } from '../service/ServiceInstaller.js';
import type { ServiceStatus } from '../service/serviceStatus.js';
import { fileProblems } from '../fileProblems.js';
import { logger } from '../log.js';
import type { DaemonSession } from '../session.js';
import { isVaultErrorCode, type VaultErrorCode } from '../vault/vaultTypes.js';
import { isBusyVaultStatus, type OperationKind, type VaultStatus } from '../vocabulary.js';
import type { Stores } from '../stores.js';
import { applyAutoBackup, autoBackupOf, defaultAutoBackup } from '../buteo/autoBackup.js';
import { DriveMonitor } from '../targets/DriveMonitor.js';
import { FolderTargets, folderTargetsFile, typedFolder } from '../targets/FolderTargets.js';
import { demoHandlers, type DemoOptions } from './demoHandlers.js';
import { targetHandlers, type PickFolder } from './targetHandlers.js';

export interface BridgeOptions {
  /** The user's environment: home folder, system bus (drives), browser. */
  env?: NodeJS.ProcessEnv;
  /** Where one-line notices go (which source drives come from). */
  note?: (text: string) => void;
  /** The app's own folder dialog (Electron); browser mode has the page's folder browser instead. */
  pickFolder?: PickFolder;
  /** Opens an address in a window of its own (the demo's); false when it cannot. */
  openUrl?: (url: string) => boolean;
  /** This bridge serves `sfbackup demo`. */
  demo?: DemoOptions;
  /** Follow removable drives (default); tests of other things leave the system bus alone. */
  drives?: boolean;
}

type Handlers = { [C in TargetCall]: (...args: CallArgs<C>) => Promise<CallResult<C>> | CallResult<C> };

const log = logger('bridge');

/** The failure kind a vault error code (a syncStatus name) stands for, when no run recorded better. */
function kindOfVaultCode(code: VaultErrorCode | ''): FailureKind {
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
    case 'NeedsFolder':
      return 'needs-folder';
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

  private drives: DriveMonitor | undefined;
  private readonly folders: FolderTargets;
  private readonly env: NodeJS.ProcessEnv;

  private constructor(
    private readonly stores: Stores,
    private readonly session: DaemonSession,
    private readonly options: BridgeOptions,
  ) {
    this.emitter.setMaxListeners(100);
    this.signIns = new AccountSignIns(new SignInStatusStore(stores.paths.signInStatusFile));
    this.folders = new FolderTargets(folderTargetsFile(stores.paths.dataDir));
    this.env = options.env ?? process.env;
  }

  static async attach(stores: Stores, session: DaemonSession, options: BridgeOptions = {}): Promise<SettingsBridge> {
    const bridge = new SettingsBridge(stores, session, options);
    await bridge.subscribe();
    await bridge.createMissingProfiles();
    if (options.drives !== false) {
      bridge.drives = await DriveMonitor.start(bridge.env, options.note ?? (() => {}));
      bridge.drives.on('change', () => bridge.emit('targets.changed', {}));
    }
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
    // The vault says a failure twice: cloud*Error with its cause, then cloud*StatusChanged "Error". The
    // second says it again with the cause, so that a page keeping the last event keeps the cause too.
    const failures = new Map<string, { error: string; problem: Problem }>();
    const operation = (kind: OperationKind) => (accountId: number, status: VaultStatus) => {
      const failed = failures.get(`${kind}:${accountId}`);
      failures.delete(`${kind}:${accountId}`);
      this.emit('vault.operation', { kind, accountId, status, ...(status === 'Error' ? failed : {}) });
    };
    const failure = (kind: OperationKind) => (accountId: number, code: VaultErrorCode, error: string) => {
      const ownKind = kindOfVaultCode(code);
      // A sign-in failure the run recorded says more about the server; a restore that needs a folder is no such thing.
      const recorded =
        ownKind === 'needs-folder' ? undefined : this.recordedProblem(accountId, this.operationStartedAt);
      const problem: Problem = recorded ?? {
        kind: ownKind,
        message: error,
        accountId,
        ...(fieldForRun(ownKind) ? { field: fieldForRun(ownKind) } : {}),
      };
      failures.set(`${kind}:${accountId}`, { error, problem });
      this.emit('vault.operation', { kind, accountId, status: 'Error', error, problem });
    };
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
      await vault.onFileBackupStatusChanged((file, status) => {
        const kind = this.vaultState.mode?.startsWith('restore') ? 'restore' : 'backup';
        const error = status === 'Error' ? this.vaultState.error || 'The operation failed.' : undefined;
        const code = this.vaultState.errorCode ?? '';
        this.emit('vault.operation', {
          kind,
          accountId: 0,
          file,
          status,
          ...(error
            ? { error, problem: { kind: kindOfVaultCode(isVaultErrorCode(code) ? code : ''), message: error } }
            : {}),
        });
      }),
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
    await this.drives?.close();
    await this.demo.close();
    this.signIns.close();
    for (const off of this.unsubscribers.splice(0)) await off();
    this.emitter.removeAllListeners();
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
      demo: this.options.demo ? { serverUrl: this.options.demo.serverUrl } : null,
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

  private readonly demo = demoHandlers(() => ({
    assetsDir: this.stores.paths.assetsDir,
    env: this.env,
    demo: this.options.demo,
    openUrl: this.options.openUrl,
  }));

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
    ...targetHandlers(() => ({
      stores: this.stores,
      session: this.session,
      drives: this.drives,
      folders: this.folders,
      env: this.env,
      pickFolder: this.options.pickFolder,
      operationStarting: () => (this.operationStartedAt = Date.now()),
      emit: (name, payload) => this.emit(name, payload),
    })),
    'demo.start': () => this.demo.start(),
    'demo.end': () => this.demo.end(),
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
    'backup.restoreInto': async (accountId, file, folder) => {
      if (!statSync(folder, { throwIfNoEntry: false })?.isDirectory())
        throw new InputError(`The folder ${folder} does not exist`);
      await ensureProfilesThroughDaemon(this.stores, this.session.msyncd, accountId);
      this.operationStartedAt = Date.now();
      await this.session.vault.restoreFromCloud(
        accountId,
        this.listedPaths.get(`${accountId}/${file}`) ?? file,
        folder,
      );
      return null;
    },
    'units.add': (folder) => this.stores.units.add(typedFolder(folder, this.env)),
    'units.list': () => this.stores.units.list(),
    'units.remove': (folder) => {
      this.stores.units.remove(folder);
      return null;
    },
    ...profileHandlers(() => ({ stores: this.stores, session: this.session })),
    'service.status': async () => serviceView(await this.installer().status()),
    'service.install': async () => {
      if (this.options.demo) throw new InputError('The demo is removed when it ends: it cannot run in the background.');
      return serviceView(await this.installer().install());
    },
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
