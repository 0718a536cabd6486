// com.meego.msyncd at /synchronizer on the session bus: Buteo's sync daemon interface, member for member
// as msyncd's SyncDBusAdaptor.h declares it. What has no meaning on a desktop answers a D-Bus error.
import os from 'node:os';
import dbus from 'dbus-next';
import { InputError, errorMessage } from '../errors.js';
import { accountStatus, syncingAccounts } from './accountStatus.js';
import { SyncStatus } from './codes.js';
import { assertProfileName, ProfileChange } from './ProfileManager.js';
import type { SyncDaemon } from './SyncDaemon.js';
import { SyncProfile } from './SyncProfile.js';
import { resultsFromElement, serializeResults } from './syncLog.js';
import { parseXml, elements } from './xmlTree.js';

import { MSYNCD_INTERFACE } from './msyncdNames.js';

export { MSYNCD_INTERFACE, MSYNCD_PATH, MSYNCD_SERVICE } from './msyncdNames.js';

/** Larger profile documents are refused outright. */
const MAX_XML = 1 << 20;
const UINT32_MAX = 4294967295;
/** Sync::ConnectivityType (SyncCommonDefs.h). */
const CONNECTIVITY_INTERNET = 2;
/** Statuses after which msyncd sends statusChanged for the profile's account (synchronizer.cpp slotSyncStatus). */
const accountStatusTriggers: ReadonlySet<number> = new Set([
  SyncStatus.Queued,
  SyncStatus.Started,
  SyncStatus.Error,
  SyncStatus.Done,
  SyncStatus.Aborted,
  SyncStatus.Cancelled,
  SyncStatus.NotPossible,
]);

function invalidArgs(message: string): dbus.DBusError {
  return new dbus.DBusError('org.freedesktop.DBus.Error.InvalidArgs', message);
}

function notSupported(member: string): dbus.DBusError {
  return new dbus.DBusError(
    'org.freedesktop.DBus.Error.NotSupported',
    `${member} is not supported on this desktop: it has no storage plugins, USB/Bluetooth sync or external sync.`,
  );
}

function checkedAccount(id: number): number {
  if (!Number.isInteger(id) || id < 0 || id > UINT32_MAX) throw invalidArgs(`${id} is not an account id`);
  return id;
}

/** Whether any network interface other than loopback is up with an address: the desktop's "online". */
function internetAvailable(): boolean {
  return Object.values(os.networkInterfaces()).some((addresses) => addresses?.some((a) => !a.internal));
}

function checkedName(name: string): string {
  try {
    return assertProfileName(name);
  } catch (err) {
    throw invalidArgs(errorMessage(err));
  }
}

export class MsyncdInterface extends dbus.interface.Interface {
  constructor(private readonly daemon: SyncDaemon) {
    super(MSYNCD_INTERFACE);
    daemon.on('syncStatus', (profile, status, message, details) => this.syncStatus(profile, status, message, details));
    daemon.on('profileChanged', (profile, change, xml) => this.signalProfileChanged(profile, change, xml));
    daemon.on('resultsAvailable', (profile, xml) => this.resultsAvailable(profile, xml));
    daemon.on('transferProgress', (profile, t) =>
      this.transferProgress(profile, t.database, t.type, t.mime, t.committed),
    );
    daemon.on('backupRestore', (event) => this[event]());
    daemon.on('syncStatus', (profile, status) => {
      if (accountStatusTriggers.has(status)) this.announceAccountStatus(profile);
    });
  }

  startSync(name: string): boolean {
    return this.daemon.startSync(checkedName(name));
  }

  abortSync(name: string): void {
    this.daemon.abortSync(checkedName(name));
  }

  runningSyncs(): string[] {
    return this.daemon.runningSyncs();
  }

  syncProfile(name: string): string {
    try {
      return this.daemon.profiles.load(checkedName(name))?.toXml() ?? '';
    } catch (err) {
      if (err instanceof dbus.DBusError) throw err;
      return '';
    }
  }

  allVisibleSyncProfiles(): string[] {
    return this.daemon.profiles
      .list()
      .filter((p) => !p.hidden)
      .map((p) => p.toXml());
  }

  syncProfilesByKey(key: string, value: string): string[] {
    return this.daemon.profiles
      .list()
      .filter((p) => p.keyValues(key).includes(value))
      .map((p) => p.toXml());
  }

  /** The profile names of that type (synchronizer.cpp:1817-1822); profilesByType gives their XML. */
  syncProfilesByType(type: string): string[] {
    return this.daemon.profiles
      .list()
      .filter((p) => p.type === type)
      .map((p) => p.name);
  }

  profilesByType(type: string): string[] {
    return this.daemon.profiles
      .list()
      .filter((p) => p.type === type)
      .map((p) => p.toXml());
  }

  /** Stores a results entry a client made (synchronizer.cpp:365-377); false for an unknown profile. */
  saveSyncResults(name: string, resultsXml: string): boolean {
    const checked = checkedName(name);
    if (resultsXml.length > MAX_XML) throw invalidArgs('The results are larger than 1 MiB');
    let results;
    try {
      const el = parseXml(resultsXml);
      if (el.tag !== 'syncresults') throw new InputError(`expected <syncresults>, got <${el.tag}>`);
      results = resultsFromElement(el);
    } catch (err) {
      throw invalidArgs(`Not valid sync results: ${errorMessage(err)}`);
    }
    return this.daemon.saveResults(checked, results);
  }

  isConnectivityAvailable(type: number): boolean {
    return type === CONNECTIVITY_INTERNET && internetAvailable();
  }

  getBackUpRestoreState(): boolean {
    return this.daemon.backupRestoreState;
  }

  syncingAccounts(): number[] {
    return syncingAccounts(this.daemon);
  }

  /** 0 running, 1 done, 2 failed; the failed reason (a minor code) only means something with 2. */
  status(accountId: number): unknown[] {
    const s = accountStatus(this.daemon, checkedAccount(accountId));
    return [s.status, s.failedReason, BigInt(s.prevSyncTime), BigInt(s.nextSyncTime)];
  }

  private announceAccountStatus(profile: string): void {
    let accountId: number | undefined;
    try {
      accountId = this.daemon.profiles.load(profile)?.accountId;
    } catch {
      // a damaged profile is recorded in profiles.problems; no account to announce
      return;
    }
    if (accountId === undefined) return;
    const s = accountStatus(this.daemon, accountId);
    this.statusChanged(accountId, s.status, s.failedReason, BigInt(s.prevSyncTime), BigInt(s.nextSyncTime));
  }

  requestStorages(): boolean {
    throw notSupported('requestStorages');
  }
  releaseStorages(): void {
    throw notSupported('releaseStorages');
  }
  start(): void {
    throw notSupported('start');
  }
  stop(): void {
    throw notSupported('stop');
  }
  createSyncProfileForAccount(): string {
    throw notSupported('createSyncProfileForAccount (the Backup page creates the profiles)');
  }
  isSyncedExternally(): void {
    throw notSupported('isSyncedExternally');
  }

  updateProfile(xml: string): boolean {
    if (xml.length > MAX_XML) throw invalidArgs('The profile is larger than 1 MiB');
    let profile: SyncProfile;
    try {
      profile = SyncProfile.parse(xml);
      assertProfileName(profile.name);
    } catch (err) {
      throw invalidArgs(`Not a valid sync profile: ${errorMessage(err)}`);
    }
    const change = this.daemon.profiles.save(profile);
    this.signalProfileChanged(profile.name, change, profile.toXml());
    return true;
  }

  removeProfile(name: string): boolean {
    const checked = checkedName(name);
    if (this.daemon.runningSyncs().includes(checked)) return false;
    const removed = this.daemon.profiles.remove(checked);
    if (removed) this.signalProfileChanged(checked, ProfileChange.Removed, '');
    return removed;
  }

  getLastSyncResult(name: string): string {
    const results = this.daemon.lastResults(checkedName(name));
    return results ? serializeResults(results) : '';
  }

  setSyncSchedule(name: string, scheduleXml: string): boolean {
    const checked = checkedName(name);
    if (scheduleXml.length > MAX_XML) throw invalidArgs('The schedule is larger than 1 MiB');
    const profile = this.daemon.profiles.load(checked);
    if (!profile) return false;
    try {
      const el = parseXml(scheduleXml);
      if (el.tag !== 'schedule') throw new InputError(`expected <schedule>, got <${el.tag}>`);
      profile.root.children = profile.root.children.filter((c) => !('tag' in c && c.tag === 'schedule'));
      profile.root.children.push(el);
      if (!profile.schedule || elements(profile.root, 'schedule').length !== 1) throw new InputError('bad schedule');
    } catch (err) {
      throw invalidArgs(`Not a valid schedule: ${errorMessage(err)}`);
    }
    this.daemon.profiles.save(profile);
    this.signalProfileChanged(checked, ProfileChange.Modified, profile.toXml());
    return true;
  }

  syncStatus(profile: string, status: number, message: string, moreDetails: number): unknown[] {
    return [profile, status, message, moreDetails];
  }

  signalProfileChanged(profile: string, change: number, xml: string): unknown[] {
    return [profile, change, xml];
  }

  resultsAvailable(profile: string, resultsXml: string): unknown[] {
    return [profile, resultsXml];
  }

  transferProgress(profile: string, db: number, type: number, mime: string, committed: number): unknown[] {
    return [profile, db, type, mime, committed];
  }

  statusChanged(accountId: number, status: number, failedReason: number, prev: bigint, next: bigint): unknown[] {
    return [accountId, status, failedReason, prev, next];
  }
  syncedExternallyStatus(accountId: number, client: string, state: boolean): unknown[] {
    return [accountId, client, state];
  }
  backupInProgress(): unknown[] {
    return [];
  }
  backupDone(): unknown[] {
    return [];
  }
  restoreInProgress(): unknown[] {
    return [];
  }
  restoreDone(): unknown[] {
    return [];
  }
}

MsyncdInterface.configureMembers({
  methods: {
    startSync: { inSignature: 's', outSignature: 'b' },
    abortSync: { inSignature: 's', outSignature: '' },
    runningSyncs: { inSignature: '', outSignature: 'as' },
    syncProfile: { inSignature: 's', outSignature: 's' },
    allVisibleSyncProfiles: { inSignature: '', outSignature: 'as' },
    syncProfilesByKey: { inSignature: 'ss', outSignature: 'as' },
    syncProfilesByType: { inSignature: 's', outSignature: 'as' },
    updateProfile: { inSignature: 's', outSignature: 'b' },
    removeProfile: { inSignature: 's', outSignature: 'b' },
    getLastSyncResult: { inSignature: 's', outSignature: 's' },
    setSyncSchedule: { inSignature: 'ss', outSignature: 'b' },
    profilesByType: { inSignature: 's', outSignature: 'as' },
    saveSyncResults: { inSignature: 'ss', outSignature: 'b' },
    isConnectivityAvailable: { inSignature: 'i', outSignature: 'b' },
    getBackUpRestoreState: { inSignature: '', outSignature: 'b' },
    syncingAccounts: { inSignature: '', outSignature: 'au' },
    status: { inSignature: 'u', outSignature: 'iixx' },
    requestStorages: { inSignature: 'as', outSignature: 'b' },
    releaseStorages: { inSignature: 'as', outSignature: '' },
    start: { inSignature: 'u', outSignature: '' },
    stop: { inSignature: 'u', outSignature: '' },
    createSyncProfileForAccount: { inSignature: 'u', outSignature: 's' },
    isSyncedExternally: { inSignature: 'us', outSignature: '' },
  },
  signals: {
    syncStatus: { signature: 'sisi' },
    signalProfileChanged: { signature: 'sis' },
    resultsAvailable: { signature: 'ss' },
    transferProgress: { signature: 'siisi' },
    statusChanged: { signature: 'uiixx' },
    syncedExternallyStatus: { signature: 'usb' },
    backupInProgress: { signature: '' },
    backupDone: { signature: '' },
    restoreInProgress: { signature: '' },
    restoreDone: { signature: '' },
  },
});
