// The daemon's queue and schedules, driven through its plugin interface with plugins the test controls.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MinorCode, SyncStatus } from '../../main/buteo/codes.js';
import { ProfileManager } from '../../main/buteo/ProfileManager.js';
import { SyncDaemon } from '../../main/buteo/SyncDaemon.js';
import { BackupError } from '../../main/errors.js';
import type { ClientPlugin, PluginContext, PluginFactory, PluginOutcome } from '../../main/plugins/ClientPlugin.js';
import { findAssetsDir } from '../../main/paths.js';
import { tempDir } from '../helpers/processes.js';

const none = { added: 0, deleted: 0, modified: 0 };

/** A plugin that runs until the test releases it, or fails as told. */
class GatedPlugin implements ClientPlugin {
  static running = new Map<string, { release: () => void; ctx: PluginContext }>();
  static concurrent = 0;
  static maxConcurrent = 0;
  constructor(private readonly failWith?: BackupError) {}
  async run(ctx: PluginContext): Promise<PluginOutcome> {
    if (this.failWith) throw this.failWith;
    GatedPlugin.concurrent++;
    GatedPlugin.maxConcurrent = Math.max(GatedPlugin.maxConcurrent, GatedPlugin.concurrent);
    try {
      await new Promise<void>((resolve, reject) => {
        GatedPlugin.running.set(ctx.profile.name, { release: resolve, ctx });
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

function setup(options: { failures?: Record<string, BackupError>; now?: () => Date; timeoutMs?: number } = {}) {
  const profiles = new ProfileManager(tempDir(), path.join(findAssetsDir(), 'buteo', 'sync'));
  for (const id of [1, 2]) profiles.createForAccount({ id, provider: 'webdav', name: `A${id}` });
  const daemon = new SyncDaemon(profiles, factory(options.failures), {
    scheduleCheckMs: 0,
    ...(options.now ? { clock: { now: options.now } } : {}),
    ...(options.timeoutMs ? { pluginTimeoutMs: options.timeoutMs } : {}),
  });
  const statuses: Array<[string, number, number]> = [];
  daemon.on('syncStatus', (p, s, _m, d) => statuses.push([p, s, d]));
  return { daemon, profiles, statuses };
}

const tick = () => new Promise((r) => setTimeout(r, 20));

describe('the sync daemon', () => {
  it('refuses a second start of a running profile and queues other exclusive runs', async () => {
    GatedPlugin.maxConcurrent = 0;
    const { daemon, statuses } = setup();
    expect(daemon.startSync('webdav.Backup-1')).toBe(true);
    expect(daemon.startSync('webdav.Backup-1')).toBe(false);
    expect(daemon.startSync('webdav.BackupRestore-2')).toBe(true);
    expect(daemon.startSync('webdav.BackupQuery-2')).toBe(true); // listing does not wait for the backup
    await tick();
    expect(daemon.runningSyncs().sort()).toEqual(['webdav.Backup-1', 'webdav.BackupQuery-2']);
    expect(daemon.queuedSyncs()).toEqual(['webdav.BackupRestore-2']);
    GatedPlugin.running.get('webdav.Backup-1')!.release();
    await tick();
    expect(daemon.runningSyncs().sort()).toEqual(['webdav.BackupQuery-2', 'webdav.BackupRestore-2']);
    GatedPlugin.running.get('webdav.BackupRestore-2')!.release();
    GatedPlugin.running.get('webdav.BackupQuery-2')!.release();
    await tick();
    expect(daemon.runningSyncs()).toEqual([]);
    const backup = statuses.filter(([p]) => p === 'webdav.Backup-1').map(([, s]) => s);
    expect(backup).toEqual([SyncStatus.Queued, SyncStatus.Started, SyncStatus.Done]);
    expect(daemon.lastResults('webdav.Backup-1')).toMatchObject({ majorCode: 0, minorCode: 0, scheduled: false });
    await daemon.stop();
  });

  it('refuses unknown and disabled profiles', () => {
    const { daemon, profiles } = setup();
    expect(daemon.startSync('webdav.Backup-9')).toBe(false);
    const p = profiles.load('webdav.Backup-2')!;
    p.setKey('enabled', 'false');
    profiles.save(p);
    expect(daemon.startSync('webdav.Backup-2')).toBe(false);
  });

  it('turns plugin errors into Buteo statuses and results', async () => {
    const { daemon, statuses } = setup({
      failures: { 'webdav-backup': new BackupError(MinorCode.AuthenticationFailure, 'wrong password') },
    });
    daemon.startSync('webdav.Backup-1');
    await tick();
    expect(statuses.at(-1)).toEqual(['webdav.Backup-1', SyncStatus.AuthenticationFailure, 402]);
    expect(daemon.lastResults('webdav.Backup-1')).toMatchObject({
      majorCode: 1,
      minorCode: 402,
      message: 'wrong password',
    });
  });

  it('aborts a running profile and cancels a queued one', async () => {
    const { daemon, statuses } = setup();
    daemon.startSync('webdav.Backup-1');
    daemon.startSync('webdav.Backup-2');
    await tick();
    daemon.abortSync('webdav.Backup-2');
    daemon.abortSync('webdav.Backup-1');
    await tick();
    expect(statuses.filter(([p]) => p === 'webdav.Backup-2').map(([, s]) => s)).toEqual([
      SyncStatus.Queued,
      SyncStatus.Cancelled,
    ]);
    expect(statuses.filter(([p]) => p === 'webdav.Backup-1').at(-1)).toEqual([
      'webdav.Backup-1',
      SyncStatus.Aborted,
      501,
    ]);
    expect(daemon.lastResults('webdav.Backup-1')).toMatchObject({ majorCode: 2, minorCode: 501 });
  });

  it('stops a run that reports nothing for too long with the plugin-timeout code', async () => {
    const { daemon } = setup({ timeoutMs: 100 });
    daemon.startSync('webdav.Backup-1');
    await new Promise((r) => setTimeout(r, 1500));
    expect(daemon.lastResults('webdav.Backup-1')).toMatchObject({ majorCode: 1, minorCode: 405 });
  });

  it('runs enabled schedules when they come due, by its clock', async () => {
    let now = new Date(2026, 10, 26, 1, 0);
    const { daemon, profiles } = setup({ now: () => now });
    const p = profiles.load('webdav.Backup-1')!;
    p.setSchedule({ enabled: true, time: '02:00:00', interval: 0, days: [1, 2, 3, 4, 5, 6, 7] });
    profiles.save(p);
    expect(daemon.checkSchedules()).toEqual([]);
    now = new Date(2026, 10, 26, 2, 0, 30);
    expect(daemon.checkSchedules()).toEqual(['webdav.Backup-1']);
    await tick();
    GatedPlugin.running.get('webdav.Backup-1')!.release();
    await tick();
    expect(daemon.lastResults('webdav.Backup-1')).toMatchObject({ majorCode: 0, scheduled: true });
    expect(daemon.checkSchedules()).toEqual([]);
    now = new Date(2026, 10, 27, 2, 1);
    expect(daemon.checkSchedules()).toEqual(['webdav.Backup-1']);
    await daemon.stop();
  });
});
