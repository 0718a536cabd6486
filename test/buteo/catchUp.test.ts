// Missed schedules and the connection rule, on the daemon's own queue with an injected clock.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MinorCode, SyncStatus } from '../../main/buteo/codes.js';
import type { ConnectionState, ScheduledRunGate } from '../../main/buteo/connectionRule.js';
import { connectionGate } from '../../main/buteo/connectionRule.js';
import { ProfileManager } from '../../main/buteo/ProfileManager.js';
import { buteoTime } from '../../main/buteo/syncLog.js';
import { SyncDaemon } from '../../main/buteo/SyncDaemon.js';
import type { PluginContext, PluginFactory } from '../../main/buteo/ClientPlugin.js';
import { findAssetsDir } from '../../main/paths.js';
import { tempDir } from '../helpers/processes.js';

const none = { added: 0, deleted: 0, modified: 0 };
const BACKUP = 'webdav.Backup-1';

/** Runs until the test releases it. */
function gatedPlugins() {
  const running = new Map<string, () => void>();
  const factory: PluginFactory = {
    create: (client) =>
      client.startsWith('webdav-')
        ? {
            run: (ctx: PluginContext) =>
              new Promise((resolve, reject) => {
                running.set(ctx.profile.name, () => resolve({ local: none, remote: none }));
                ctx.signal.addEventListener('abort', () => reject(ctx.signal.reason as Error));
              }),
          }
        : undefined,
    isExclusive: () => true,
  };
  return { factory, running };
}

function setup(options: { now: () => Date; gate?: ScheduledRunGate }) {
  const profiles = new ProfileManager(tempDir(), path.join(findAssetsDir(), 'buteo', 'sync'));
  profiles.createForAccount({ id: 1, provider: 'webdav', name: 'A1' });
  const p = profiles.load(BACKUP)!;
  p.setSchedule({ enabled: true, time: '08:40:00', interval: 0, days: [1, 2, 3, 4, 5, 6, 7] });
  p.setKey('internet_connection_types', '2'); // "WLAN only", as the Backup page writes it
  profiles.save(p);
  const { factory, running } = gatedPlugins();
  const start = () =>
    new SyncDaemon(profiles, factory, {
      scheduleCheckMs: 0,
      clock: { now: options.now },
      ...(options.gate ? { gate: options.gate } : {}),
    });
  return { profiles, running, start };
}

const tick = () => new Promise((r) => setTimeout(r, 20));
const day = (d: number, h: number, m = 0) => new Date(2026, 9, d, h, m);

describe('missed schedules', () => {
  it('runs a daily schedule missed for three days once when the daemon starts, marked scheduled', async () => {
    let now = day(1, 8, 41);
    const { profiles, running, start } = setup({ now: () => now });
    // The last backup ran on the 1st at 08:40; the laptop was off on the 2nd, 3rd and 4th at 08:40.
    profiles.appendResults(BACKUP, {
      time: day(1, 8, 40).toISOString(),
      majorCode: 0,
      minorCode: 0,
      scheduled: true,
      targets: [],
    });
    now = day(4, 19, 5);
    const daemon = start();
    expect(daemon.checkSchedules()).toEqual([BACKUP]);
    expect(daemon.checkSchedules()).toEqual([]); // running: not started twice
    await tick();
    running.get(BACKUP)!();
    await tick();
    now = day(4, 19, 6);
    expect(daemon.checkSchedules()).toEqual([]); // one run for three missed days
    const log = profiles.results(BACKUP);
    expect(log).toHaveLength(2);
    expect(log.at(-1)).toMatchObject({ majorCode: 0, scheduled: true, time: buteoTime(day(4, 19, 5), 'utc') });
    now = day(5, 8, 41);
    expect(daemon.checkSchedules()).toEqual([BACKUP]); // and the next slot as usual
    await daemon.stop();
  });

  it('does not catch up a schedule whose slot has not come since the last run', async () => {
    let now = day(4, 8, 50);
    const { profiles, start } = setup({ now: () => now });
    profiles.appendResults(BACKUP, {
      time: day(4, 8, 45).toISOString(),
      majorCode: 1,
      minorCode: 502,
      scheduled: true,
      targets: [],
    });
    now = day(4, 19, 0);
    const daemon = start();
    expect(daemon.checkSchedules()).toEqual([]);
    await daemon.stop();
  });
});

describe('the connection rule', () => {
  it('keeps a due scheduled run waiting on mobile data, says so once, and runs it on Wi-Fi', async () => {
    let connection: ConnectionState = { kind: 'mobile', description: 'mobile data (gsm, metered)' };
    const now = day(4, 19, 5);
    const { profiles, running, start } = setup({ now: () => now, gate: connectionGate(() => connection) });
    profiles.appendResults(BACKUP, {
      time: day(3, 8, 40).toISOString(),
      majorCode: 0,
      minorCode: 0,
      scheduled: true,
      targets: [],
    });
    const daemon = start();
    const statuses: Array<[string, number, string, number]> = [];
    daemon.on('syncStatus', (...s) => statuses.push(s));
    expect(daemon.checkSchedules()).toEqual([]);
    expect(daemon.checkSchedules()).toEqual([]);
    expect(daemon.waitingSyncs()).toEqual([BACKUP]);
    expect(statuses).toEqual([
      [BACKUP, SyncStatus.NotPossible, expect.stringMatching(/WLAN.*mobile data/), MinorCode.Offline],
    ]);
    expect(profiles.results(BACKUP)).toHaveLength(1);

    connection = { kind: 'wlan', description: 'Wi-Fi' };
    expect(daemon.checkSchedules()).toEqual([BACKUP]);
    expect(daemon.waitingSyncs()).toEqual([]);
    await tick();
    running.get(BACKUP)!();
    await tick();
    expect(profiles.results(BACKUP).at(-1)).toMatchObject({ majorCode: 0, scheduled: true });
    await daemon.stop();
  });

  it('lets "WLAN only" run on Ethernet and waits while offline', () => {
    const wlanOnly = new ProfileManager(tempDir(), path.join(findAssetsDir(), 'buteo', 'sync'));
    const profile = wlanOnly.createForAccount({ id: 1, provider: 'webdav', name: 'A1' }).Backup;
    // Upstream's templates leave the key out (every bearer allowed); "WLAN only" on the page writes 2.
    expect(profile.key('internet_connection_types')).toBeUndefined();
    profile.setKey('internet_connection_types', '2');
    const verdict = (c: ConnectionState) => connectionGate(() => c).mayRunScheduled(profile).allowed;
    expect(verdict({ kind: 'ethernet', description: 'Ethernet' })).toBe(true);
    expect(verdict({ kind: 'offline', description: 'offline' })).toBe(false);
    expect(verdict({ kind: 'unknown', description: 'no NetworkManager' })).toBe(true);
    profile.removeKey('internet_connection_types');
    expect(verdict({ kind: 'mobile', description: 'mobile data' })).toBe(true);
  });
});
