// A Buteo sync profile (buteo-syncfw Profile/SyncProfile XML): <profile name type> with <key name value/>,
// optional <field>s, nested sub-profiles and a <schedule>. Wraps the XML tree, so unknown content survives.
import { cloneElement, element, elements, parseXml, serializeXml, type XmlElement } from './xmlTree.js';

export const KEY_ENABLED = 'enabled';
export const KEY_HIDDEN = 'hidden';
export const KEY_DISPLAY_NAME = 'displayname';
export const KEY_ACCOUNT_ID = 'accountid';
export const KEY_USE_ACCOUNTS = 'use_accounts';
export const KEY_DESTINATION_TYPE = 'destinationtype';
export const KEY_RESTORE_FILE = 'sfos-backuprestore-file';
/** This app's own key: where its BackupRestore plugin may stream the download to the vault instead. */
export const KEY_RESTORE_STREAM = 'sfbackup-restore-stream';
export const KEY_CONNECTION_TYPES = 'internet_connection_types';

/** Buteo's special schedule intervals, in minutes. */
export const INTERVAL_MONTHLY = 1051200;
export const INTERVAL_FIRST_DAY_OF_MONTH = 1051201;
export const INTERVAL_LAST_DAY_OF_MONTH = 1051202;

export interface Schedule {
  enabled: boolean;
  /** HH:MM:SS, or undefined when the schedule is interval-only. */
  time: string | undefined;
  /** Minutes between runs; 0 with a time means "at that time on the given days". */
  interval: number;
  /** 1 = Monday … 7 = Sunday. */
  days: number[];
}

export class ProfileFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProfileFormatError';
  }
}

export class SyncProfile {
  constructor(readonly root: XmlElement) {
    if (root.tag !== 'profile') throw new ProfileFormatError(`root element is <${root.tag}>, expected <profile>`);
    if (!root.attrs.name) throw new ProfileFormatError('the profile has no name');
  }

  static parse(xml: string): SyncProfile {
    try {
      return new SyncProfile(parseXml(xml));
    } catch (err) {
      if (err instanceof ProfileFormatError) throw err;
      throw new ProfileFormatError(err instanceof Error ? err.message : String(err));
    }
  }

  static create(name: string, type: string): SyncProfile {
    return new SyncProfile(element('profile', { name, type }));
  }

  toXml(): string {
    return serializeXml(this.root);
  }

  clone(): SyncProfile {
    return new SyncProfile(cloneElement(this.root));
  }

  get name(): string {
    return this.root.attrs.name ?? '';
  }
  set name(value: string) {
    this.root.attrs.name = value;
  }

  get type(): string {
    return this.root.attrs.type ?? '';
  }

  key(name: string): string | undefined {
    return elements(this.root, 'key').find((k) => k.attrs.name === name)?.attrs.value;
  }

  /** Keys may repeat in Buteo profiles; this returns every value in order. */
  keyValues(name: string): string[] {
    return elements(this.root, 'key')
      .filter((k) => k.attrs.name === name)
      .map((k) => k.attrs.value ?? '');
  }

  keys(): Array<[string, string]> {
    return elements(this.root, 'key').map((k) => [k.attrs.name ?? '', k.attrs.value ?? '']);
  }

  /** Sets the first key of that name, or adds one after the last key. */
  setKey(name: string, value: string): void {
    const keys = elements(this.root, 'key');
    const existing = keys.find((k) => k.attrs.name === name);
    if (existing) {
      existing.attrs.value = value;
      return;
    }
    const last = keys.at(-1);
    const at = last ? this.root.children.indexOf(last) + 1 : 0;
    this.root.children.splice(at, 0, element('key', { name, value }));
  }

  removeKey(name: string): void {
    this.root.children = this.root.children.filter((c) => !('tag' in c && c.tag === 'key' && c.attrs.name === name));
  }

  /** As Buteo's Profile::boolKey (Profile.cpp:165): "true" in any letter case is true, anything else false. */
  boolKey(name: string, fallback = false): boolean {
    const value = this.key(name);
    return value === undefined ? fallback : value.toLowerCase() === 'true';
  }

  get enabled(): boolean {
    return this.boolKey(KEY_ENABLED, true);
  }

  get hidden(): boolean {
    return this.boolKey(KEY_HIDDEN, false);
  }

  get displayName(): string {
    return this.key(KEY_DISPLAY_NAME) ?? this.name;
  }

  get accountId(): number | undefined {
    const value = Number(this.key(KEY_ACCOUNT_ID));
    return Number.isInteger(value) && value > 0 ? value : undefined;
  }

  subProfiles(type?: string): SyncProfile[] {
    return elements(this.root, 'profile')
      .filter((p) => type === undefined || p.attrs.type === type)
      .map((p) => new SyncProfile(p));
  }

  /** The client plugin that runs this profile: its `<profile type="client">` sub-profile's name. */
  get clientPlugin(): string | undefined {
    return this.subProfiles('client')[0]?.name;
  }

  get schedule(): Schedule | undefined {
    const el = elements(this.root, 'schedule')[0];
    if (!el) return undefined;
    const days = (el.attrs.days ?? '')
      .split(',')
      .map((d) => Number(d.trim()))
      .filter((d) => Number.isInteger(d) && d >= 1 && d <= 7);
    const interval = Number(el.attrs.interval ?? 0);
    return {
      enabled: el.attrs.enabled === 'true',
      time: el.attrs.time || undefined,
      interval: Number.isFinite(interval) && interval > 0 ? interval : 0,
      days,
    };
  }

  /**
   * Rewrites the schedule's own attributes; its children (<rush>) and unknown attributes stay.
   * `configuredTime` is when the user set it (toButeoSchedule: setScheduleConfiguredTime(now)).
   */
  setSchedule(schedule: Schedule, configuredTime?: string): void {
    let el = elements(this.root, 'schedule')[0];
    if (!el) {
      el = element('schedule');
      this.root.children.push(el);
    }
    el.attrs.enabled = String(schedule.enabled);
    el.attrs.interval = String(schedule.interval);
    if (schedule.time) el.attrs.time = schedule.time;
    else delete el.attrs.time;
    el.attrs.days = [...new Set(schedule.days)].sort((a, b) => a - b).join(',');
    if (configuredTime !== undefined) el.attrs.syncconfiguredtime = configuredTime;
    else el.attrs.syncconfiguredtime ??= '';
  }
}
