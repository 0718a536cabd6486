// The daemon's queue and schedules, driven through its plugin interface with plugins the test controls.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MinorCode, SyncStatus } from '../../main/buteo/codes.js';
import type { Clock } from '../../main/buteo/pluginRun.js';
import { ProfileManager } from '../../main/buteo/ProfileManager.js';
import { SyncDaemon } from '../../main/buteo/SyncDaemon.js';
import { BackupError } from '../../main/errors.js';
import type { ClientPlugin, PluginContext, PluginFactory, PluginOutcome } from '../../main/buteo/ClientPlugin.js';
import { findAssetsDir } from '../../main/paths.js';
import { tempDir } from '../helpers/processes.js';

const none = { added: 0, deleted: 0, modified: 0 };

/** A plugin that runs until the test releases it, or fails as told. */
class GatedPlugin implements ClientPlugin {
  static running = new Map<string, { release: () => void; ctx: PluginContext }>();
  static concurrent = 0;
  static maxConcurrent = 0;
  /** Resolves when the profile's plugin has started (and waits to be released). */
  static started(name: string): Promise<void> {
    if (GatedPlugin.running.has(name)) return Promise.resolve();
    return new Promise((resolve) => GatedPlugin.waiting.set(name, resolve));
  }
  private static readonly waiting = new Map<string, () => void>();
  constructor(private readonly failWith?: BackupError) {}
  async run(ctx: PluginContext): Promise<PluginOutcome> {
    if (this.failWith) throw this.failWith;
    GatedPlugin.concurrent++;
    GatedPlugin.maxConcurrent = Math.max(GatedPlugin.maxConcurrent, GatedPlugin.concurrent);
    try {
      await new Promise<void>((resolve, reject) => {
        GatedPlugin.running.set(ctx.profile.name, { release: resolve, ctx });
        GatedPlugin.waiting.get(ctx.profile.name)?.();
        GatedPlugin.waiting.delete(ctx.profile.name);
        ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error));
      });
      return { local: none, remote: none };
    } finally {
      GatedPlugin.concurrent--;
      GatedPlugin.running.delete(ctx.profile.name);
    }
  }
}

const factory = (failures: Record<string, BackupError> = {}): PluginFactory => ({
  create: (client) => (/-backup(query|restore)?$/.test(client) ? new GatedPlugin(failures[client]) : undefined),
  isExclusive: (client) => !client.endsWith('-backupquery'),
});

function setup(options: { failures?: Record<string, BackupError>; clock?: Partial<Clock>; timeoutMs?: number } = {}) {
  const profiles = new ProfileManager(tempDir(), path.join(findAssetsDir(), 'buteo', 'sync'));
  for (const id of [1, 2]) profiles.createForAccount({ id, provider: 'webdav', name: `A${id}` });
  const daemon = new SyncDaemon(profiles, factory(options.failures), {
    scheduleCheckMs: 0,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.timeoutMs ? { pluginTimeoutMs: options.timeoutMs } : {}),
  });
  const statuses: Array<[string, number, number]> = [];
  daemon.on('syncStatus', (p, s, _m, d) => statuses.push([p, s, d]));
  return { daemon, profiles, statuses };
}

const final = new Set<number>([SyncStatus.Done, SyncStatus.Error, SyncStatus.Cancelled, SyncStatus.NotPossible]);

/** Resolves when the daemon says the profile's run ended (its results are written by then). */
function ended(daemon: SyncDaemon, name: string): Promise<void> {
  return new Promise((resolve) => {
    const listener = (profile: string, status: number) => {
      if (profile !== name || !final.has(status)) return;
      daemon.off('syncStatus', listener);
      resolve();
    };
    daemon.on('syncStatus', listener);
  });
}

/** Time that moves only when the test says, and a watchdog tick the test fires. */
function handClock(start = new Date(2026, 10, 26, 1, 0)) {
  let now = start;
  const ticks = new Set<() => void>();
  return {
    now: () => now,
    every: (_ms: number, tick: () => void) => {
      ticks.add(tick);
      return () => ticks.delete(tick);
    },
    set(date: Date) {
      now = date;
    },
    advance(ms: number) {
      now = new Date(now.getTime() + ms);
      for (const tick of [...ticks]) tick();
    },
    get watchdogs() {
      return ticks.size;
    },
  };
}

describe('the sync daemon', () => {
  it('answers a second start of a running or queued profile with true, as msyncd, and queues other exclusive runs', async () => {
    GatedPlugin.maxConcurrent = 0;
    const { daemon, statuses } = setup();
    expect(daemon.startSync('webdav.Backup-1')).toBe(true);
    expect(daemon.startSync('webdav.BackupRestore-2')).toBe(true);
    expect(daemon.startSync('webdav.BackupQuery-2')).toBe(true); // listing does not wait for the backup
    await Promise.all([GatedPlugin.started('webdav.Backup-1'), GatedPlugin.started('webdav.BackupQuery-2')]);
    // synchronizer.cpp:417-424: running → true and nothing else; queued → QUEUED again and true.
    const before = statuses.length;
    expect(daemon.startSync('webdav.Backup-1')).toBe(true);
    expect(statuses.length).toBe(before);
    expect(daemon.startSync('webdav.BackupRestore-2')).toBe(true);
    expect(statuses.slice(before)).toEqual([['webdav.BackupRestore-2', SyncStatus.Queued, 0]]);
    expect(daemon.runningSyncs().sort()).toEqual(['webdav.Backup-1', 'webdav.BackupQuery-2']);
    expect(daemon.queuedSyncs()).toEqual(['webdav.BackupRestore-2']);
    const backupEnded = ended(daemon, 'webdav.Backup-1');
    GatedPlugin.running.get('webdav.Backup-1')!.release();
    await backupEnded;
    await GatedPlugin.started('webdav.BackupRestore-2');
    expect(daemon.runningSyncs().sort()).toEqual(['webdav.BackupQuery-2', 'webdav.BackupRestore-2']);
    const restoreEnded = ended(daemon, 'webdav.BackupRestore-2');
    const queryEnded = ended(daemon, 'webdav.BackupQuery-2');
    GatedPlugin.running.get('webdav.BackupRestore-2')!.release();
    GatedPlugin.running.get('webdav.BackupQuery-2')!.release();
    await Promise.all([restoreEnded, queryEnded]);
    expect(daemon.runningSyncs()).toEqual([]);
    // Never more than one exclusive run at a time: the listing ran beside one of them.
    expect(GatedPlugin.maxConcurrent).toBe(2);
    const backup = statuses.filter(([p]) => p === 'webdav.Backup-1').map(([, s]) => s);
    expect(backup).toEqual([SyncStatus.Queued, SyncStatus.Started, SyncStatus.Done]);
    expect(daemon.lastResults('webdav.Backup-1')).toMatchObject({ majorCode: 0, minorCode: 0, scheduled: false });
    await daemon.stop();
  });

  it('refuses unknown and disabled profiles with an internal-error status, logging the disabled one', () => {
    const { daemon, profiles, statuses } = setup();
    expect(daemon.startSync('webdav.Backup-9')).toBe(false);
    expect(statuses.at(-1)).toEqual(['webdav.Backup-9', SyncStatus.Error, MinorCode.InternalError]);
    expect(profiles.results('webdav.Backup-9')).toEqual([]);
    const p = profiles.load('webdav.Backup-2')!;
    p.setKey('enabled', 'False'); // Buteo compares booleans case-insensitively (Profile.cpp:165)
    profiles.save(p);
    expect(daemon.startSync('webdav.Backup-2')).toBe(false);
    expect(statuses.at(-1)).toEqual(['webdav.Backup-2', SyncStatus.Error, MinorCode.InternalError]);
    expect(daemon.lastResults('webdav.Backup-2')).toMatchObject({ majorCode: 1, minorCode: 401 });
    // msyncd writes its own entries in local time without a zone.
    expect(daemon.lastResults('webdav.Backup-2')!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/);
  });

  it('turns plugin errors into Buteo statuses and results', async () => {
    const { daemon, statuses } = setup({
      failures: { 'webdav-backup': new BackupError(MinorCode.AuthenticationFailure, 'wrong password') },
    });
    const end = ended(daemon, 'webdav.Backup-1');
    daemon.startSync('webdav.Backup-1');
    await end;
    // msyncd sends 3 for every plugin failure, the minor code in moreDetails (SyncSession.cpp:298-322).
    expect(statuses.at(-1)).toEqual(['webdav.Backup-1', SyncStatus.Error, 402]);
    expect(daemon.lastResults('webdav.Backup-1')).toMatchObject({
      majorCode: 1,
      minorCode: 402,
      message: 'wrong password',
    });
    expect(daemon.lastResults('webdav.Backup-1')!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('aborts a running profile and cancels a queued one', async () => {
    const { daemon, statuses } = setup();
    daemon.startSync('webdav.Backup-1');
    daemon.startSync('webdav.Backup-2');
    await GatedPlugin.started('webdav.Backup-1');
    daemon.abortSync('webdav.Backup-2');
    const end = ended(daemon, 'webdav.Backup-1');
    daemon.abortSync('webdav.Backup-1');
    await end;
    expect(statuses.filter(([p]) => p === 'webdav.Backup-2').map(([, s]) => s)).toEqual([
      SyncStatus.Queued,
      SyncStatus.Cancelled,
    ]);
    // A queued request's abort is logged as cancelled (synchronizer.cpp:790-806).
    expect(daemon.lastResults('webdav.Backup-2')).toMatchObject({ majorCode: 2, minorCode: 501 });
    // A running one ends as a plugin error with ABORTED, as msyncd reports the Nextcloud plugin's; never STOPPING.
    const running = statuses.filter(([p]) => p === 'webdav.Backup-1').map(([, s, d]) => [s, d]);
    expect(running).not.toContainEqual([SyncStatus.Stopping, 0]);
    expect(running.at(-1)).toEqual([SyncStatus.Error, 501]);
    expect(daemon.lastResults('webdav.Backup-1')).toMatchObject({ majorCode: 2, minorCode: 501 });
  });

  it('stops a run that reports nothing for too long with the plugin-timeout code, by its clock', async () => {
    const clock = handClock();
    const { daemon, statuses } = setup({ timeoutMs: 60_000, clock });
    daemon.startSync('webdav.Backup-1');
    await GatedPlugin.started('webdav.Backup-1');
    const { ctx } = GatedPlugin.running.get('webdav.Backup-1')!;
    clock.advance(59_000);
    ctx.progress(202, 'Uploading'); // activity resets the watchdog
    clock.advance(59_000);
    expect(daemon.runningSyncs()).toEqual(['webdav.Backup-1']);
    const end = ended(daemon, 'webdav.Backup-1');
    clock.advance(2_000);
    await end;
    expect(daemon.lastResults('webdav.Backup-1')).toMatchObject({ majorCode: 1, minorCode: 405 });
    expect(statuses.at(-1)).toEqual(['webdav.Backup-1', SyncStatus.Error, 405]);
    expect(clock.watchdogs).toBe(0); // the run's watchdog stopped with it
  });

  it('keeps the last success in the log beyond the last five entries, as SyncLog does', async () => {
    const { daemon, profiles } = setup({
      failures: { 'webdav-backupquery': new BackupError(MinorCode.ConnectionError, 'offline') },
    });
    const p = profiles.load('webdav.BackupQuery-1')!;
    profiles.appendResults(p.name, {
      time: '2026-01-01T00:00:00Z',
      majorCode: 0,
      minorCode: 0,
      scheduled: true,
      targets: [],
    });
    for (let i = 0; i < 7; i++) {
      const end = ended(daemon, p.name);
      daemon.startSync(p.name);
      await end;
    }
    const log = profiles.results(p.name);
    expect(log).toHaveLength(6);
    expect(log[0]).toMatchObject({ time: '2026-01-01T00:00:00Z', majorCode: 0 });
    expect(log.slice(1).every((r) => r.majorCode === 1 && r.minorCode === 502)).toBe(true);
  });

  it('refuses syncs while a device backup runs, and aborts the running ones', async () => {
    const { daemon, statuses } = setup();
    const events: string[] = [];
    daemon.on('backupRestore', (e) => events.push(e));
    daemon.startSync('webdav.Backup-1');
    await GatedPlugin.started('webdav.Backup-1');
    await daemon.beginBackupRestore('backup');
    expect(daemon.runningSyncs()).toEqual([]);
    expect(daemon.startSync('webdav.Backup-2')).toBe(false);
    expect(statuses.at(-1)).toEqual(['webdav.Backup-2', SyncStatus.NotPossible, MinorCode.BackupInProgress]);
    daemon.endBackupRestore('backup');
    expect(events).toEqual(['backupInProgress', 'backupDone']);
    expect(daemon.startSync('webdav.Backup-2')).toBe(true);
    await GatedPlugin.started('webdav.Backup-2');
    await daemon.stop();
  });

  it('runs enabled schedules when they come due, by its clock', async () => {
    const clock = handClock(new Date(2026, 10, 26, 1, 0));
    const { daemon, profiles } = setup({ clock });
    const p = profiles.load('webdav.Backup-1')!;
    p.setSchedule({ enabled: true, time: '02:00:00', interval: 0, days: [1, 2, 3, 4, 5, 6, 7] });
    profiles.save(p);
    expect(daemon.checkSchedules()).toEqual([]);
    clock.set(new Date(2026, 10, 26, 2, 0, 30));
    expect(daemon.checkSchedules()).toEqual(['webdav.Backup-1']);
    await GatedPlugin.started('webdav.Backup-1');
    const end = ended(daemon, 'webdav.Backup-1');
    GatedPlugin.running.get('webdav.Backup-1')!.release();
    await end;
    expect(daemon.lastResults('webdav.Backup-1')).toMatchObject({ majorCode: 0, scheduled: true });
    expect(daemon.checkSchedules()).toEqual([]);
    clock.set(new Date(2026, 10, 27, 2, 1));
    expect(daemon.checkSchedules()).toEqual(['webdav.Backup-1']);
    await daemon.stop();
  });
});
