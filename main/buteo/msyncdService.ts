// com.meego.msyncd at /synchronizer on the session bus: Buteo's sync daemon interface (DESIGN.md §2).
import dbus from 'dbus-next';
import { InputError, errorMessage } from '../errors.js';
import { assertProfileName, ProfileChange } from './ProfileManager.js';
import type { SyncDaemon } from './SyncDaemon.js';
import { SyncProfile } from './SyncProfile.js';
import { resultsFromElement, serializeResults } from './syncLog.js';
import { parseXml, elements } from './xmlTree.js';

export const MSYNCD_SERVICE = 'com.meego.msyncd';
export const MSYNCD_PATH = '/synchronizer';
export const MSYNCD_INTERFACE = 'com.meego.msyncd';

/** Larger profile documents are refused outright. */
const MAX_XML = 1 << 20;
/** Transfer progress travels as KiB in Buteo's int32 `committed` argument. */
const INT32_MAX = 2147483647;

function invalidArgs(message: string): dbus.DBusError {
  return new dbus.DBusError('org.freedesktop.DBus.Error.InvalidArgs', message);
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
    daemon.on('transferProgress', (profile, p) => {
      const kib = Math.min(INT32_MAX, Math.floor(p.done / 1024));
      this.transferProgress(profile, p.direction === 'upload' ? 1 : 0, 1, 'application/x-tar', kib);
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

  syncProfilesByType(type: string): string[] {
    return this.daemon.profiles
      .list()
      .filter((p) => p.type === type)
      .map((p) => p.toXml());
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

  /** Buteo's saveSyncResults: another component (the vault, after a restore) adds to a results log. */
  saveSyncResults(name: string, resultsXml: string): boolean {
    const checked = checkedName(name);
    if (resultsXml.length > MAX_XML) throw invalidArgs('The results are larger than 1 MiB');
    let root;
    try {
      root = parseXml(resultsXml);
    } catch {
      return false;
    }
    if (root.tag !== 'syncresults' || !this.daemon.profiles.load(checked)) return false;
    this.daemon.saveResults(checked, resultsFromElement(root));
    return true;
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
    saveSyncResults: { inSignature: 'ss', outSignature: 'b' },
    setSyncSchedule: { inSignature: 'ss', outSignature: 'b' },
  },
  signals: {
    syncStatus: { signature: 'sisi' },
    signalProfileChanged: { signature: 'sis' },
    resultsAvailable: { signature: 'ss' },
    transferProgress: { signature: 'siisi' },
  },
});
