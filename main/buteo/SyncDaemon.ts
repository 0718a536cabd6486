// The sync daemon's engine (what msyncd does): a queue of sync requests, one run per profile at a time,
// dispatch to client plugins, status and results. The D-Bus face is msyncdService.ts.
import { EventEmitter } from 'node:events';
import { BackupError } from '../errors.js';
import type { PluginFactory, TransferProgress } from './ClientPlugin.js';
import { MajorCode, MinorCode, SyncStatus } from './codes.js';
import { isScheduleDue } from './catchUp.js';
import type { ScheduledRunGate } from './connectionRule.js';
import { runClientPlugin, systemClock, type Clock } from './pluginRun.js';
import type { TransferSignal } from './transferItems.js';
import { RunMarkers } from './runMarkers.js';
import type { ProfileManager } from './ProfileManager.js';
import { ProfileChange } from './ProfileManager.js';
import type { SyncProfile } from './SyncProfile.js';
import { buteoTime, serializeResults, type SyncResults } from './syncLog.js';
import { logger } from '../log.js';

const log = logger('msyncd');

export interface SyncDaemonEvents {
  syncStatus: [profile: string, status: SyncStatus, message: string, moreDetails: number];
  /** Buteo's transferProgress: items committed (SyncDBusInterface.h), sent when a run commits them. */
  transferProgress: [profile: string, transfer: TransferSignal];
  /** This app's own: the bytes a running transfer has moved (transferService.ts). */
  bytesTransferred: [profile: string, progress: TransferProgress];
  profileChanged: [profile: string, change: ProfileChange, xml: string];
  resultsAvailable: [profile: string, resultsXml: string];
  /** A device backup or restore started or ended (com.nokia.backupclient); syncs wait meanwhile. */
  backupRestore: [event: 'backupInProgress' | 'backupDone' | 'restoreInProgress' | 'restoreDone'];
}

export type { Clock } from './pluginRun.js';

interface Request {
  name: string;
  scheduled: boolean;
  /** Whether its plugin needs the backup service to itself; fixed when the request is queued. */
  exclusive: boolean;
}

interface Running {
  controller: AbortController;
  exclusive: boolean;
  done: Promise<void>;
}

export interface SyncDaemonOptions {
  /** The daemon's time and the plugin watchdog's tick (systemClock unless a test drives them). */
  clock?: Partial<Clock>;
  /** A run that reports nothing for this long is aborted with Buteo's plugin-timeout code. */
  pluginTimeoutMs?: number;
  scheduleCheckMs?: number;
  /** Asked before a scheduled run starts (the connection rule); a refused run stays due and waits. */
  gate?: ScheduledRunGate;
}

export class SyncDaemon extends EventEmitter<SyncDaemonEvents> {
  private readonly queue: Request[] = [];
  private readonly running = new Map<string, Running>();
  private readonly clock: Clock;
  private readonly pluginTimeoutMs: number;
  private readonly startedAt: Date;
  private scheduleTimer: NodeJS.Timeout | undefined;
  private readonly markers: RunMarkers;
  private readonly gate: ScheduledRunGate | undefined;
  /** Scheduled runs that are due but refused by the gate, said once each. */
  private readonly waiting = new Set<string>();
  private stopped = false;
  /** Set while a device backup or restore runs (SyncBackup::getBackUpRestoreState). */
  private backupRestore: 'backup' | 'restore' | undefined;

  constructor(
    readonly profiles: ProfileManager,
    private readonly plugins: PluginFactory,
    options: SyncDaemonOptions = {},
  ) {
    super();
    this.clock = { ...systemClock, ...options.clock };
    this.pluginTimeoutMs = options.pluginTimeoutMs ?? 10 * 60_000;
    this.startedAt = this.clock.now();
    this.markers = new RunMarkers(profiles.profileDir);
    this.gate = options.gate;
    if (options.scheduleCheckMs !== 0) {
      this.scheduleTimer = setInterval(() => this.checkSchedules(), options.scheduleCheckMs ?? 30_000);
      this.scheduleTimer.unref();
    }
  }

  runningSyncs(): string[] {
    return [...this.running.keys()];
  }

  queuedSyncs(): string[] {
    return this.queue.map((r) => r.name);
  }

  /** Scheduled runs that are due and wait for the gate (an allowed connection). */
  waitingSyncs(): string[] {
    return [...this.waiting];
  }

  /**
   * Queues a run, as msyncd's Synchronizer::startSync (synchronizer.cpp:387-500): true when it is
   * running or queued already; false, with an error status (and a results entry for a profile that
   * exists), when it is unknown, disabled, has no plugin, or a device backup or restore is running.
   */
  startSync(name: string, scheduled = false): boolean {
    if (this.stopped) return false;
    if (this.backupRestore) {
      this.refuse(name, SyncStatus.NotPossible, 'Backup in progress, cannot start sync', MinorCode.BackupInProgress);
      return false;
    }
    if (this.running.has(name)) return true;
    if (this.queue.some((r) => r.name === name)) {
      this.emit('syncStatus', name, SyncStatus.Queued, '', 0);
      return true;
    }
    let profile: SyncProfile | undefined;
    try {
      profile = this.profiles.load(name);
    } catch {
      // a damaged profile is recorded in profiles.problems and refused below
      profile = undefined;
    }
    const client = profile?.clientPlugin;
    if (!profile || !profile.enabled || !client || !this.plugins.create(client)) {
      this.refuse(name, SyncStatus.Error, 'Internal Error', MinorCode.InternalError);
      return false;
    }
    this.queue.push({ name, scheduled, exclusive: this.plugins.isExclusive(client) });
    this.emit('syncStatus', name, SyncStatus.Queued, '', 0);
    this.pump();
    return true;
  }

  /** A refused start: a failed results entry when the profile exists, and the status msyncd sends. */
  private refuse(name: string, status: SyncStatus, message: string, minor: number): void {
    this.saveResults(name, this.daemonResults(MajorCode.Failed, minor));
    this.emit('syncStatus', name, status, message, minor);
  }

  /** A results entry msyncd writes itself: local time without a zone. */
  private daemonResults(majorCode: MajorCode, minorCode: number): SyncResults {
    return { time: buteoTime(this.clock.now(), 'local'), majorCode, minorCode, scheduled: false, targets: [] };
  }

  /**
   * synchronizer.cpp:790-806: a running sync is aborted through its plugin (no "stopping" status);
   * otherwise a queued request is dropped, and either way a cancelled entry is logged and status 6 sent.
   */
  abortSync(name: string): void {
    const run = this.running.get(name);
    if (run) {
      if (!run.controller.signal.aborted) run.controller.abort(BackupError.aborted());
      return;
    }
    const queued = this.queue.findIndex((r) => r.name === name);
    if (queued >= 0) this.queue.splice(queued, 1);
    this.saveResults(name, this.daemonResults(MajorCode.Cancelled, MinorCode.Aborted));
    this.emit('syncStatus', name, SyncStatus.Cancelled, '', MinorCode.Aborted);
  }

  get backupRestoreState(): boolean {
    return this.backupRestore !== undefined;
  }

  /**
   * A device backup or restore starts (SyncBackup backupStarts/restoreStarts): running syncs are
   * aborted and new ones refused until it finishes. Resolves once the running ones have ended.
   */
  async beginBackupRestore(kind: 'backup' | 'restore'): Promise<void> {
    this.backupRestore = kind;
    this.emit('backupRestore', kind === 'backup' ? 'backupInProgress' : 'restoreInProgress');
    const runs = [...this.running.values()];
    for (const run of runs) run.controller.abort(BackupError.aborted('A device backup or restore started.'));
    await Promise.allSettled(runs.map((r) => r.done));
  }

  endBackupRestore(kind: 'backup' | 'restore'): void {
    this.backupRestore = undefined;
    this.emit('backupRestore', kind === 'backup' ? 'backupDone' : 'restoreDone');
    this.pump();
  }

  private pump(): void {
    if (this.backupRestore) return;
    for (let i = 0; i < this.queue.length;) {
      const request = this.queue[i]!;
      if (request.exclusive && [...this.running.values()].some((r) => r.exclusive)) {
        i++;
        continue;
      }
      this.queue.splice(i, 1);
      this.begin(request, request.exclusive);
    }
  }

  /** Logs runs a previous daemon left unfinished (it was killed); call once at start. */
  recoverInterruptedRuns(): string[] {
    const runs = this.markers.takeInterrupted();
    for (const run of runs) {
      try {
        if (!this.profiles.load(run.profile)) continue;
      } catch {
        // a damaged profile is recorded in profiles.problems; nothing to log into
        continue;
      }
      const message = `Interrupted: the sync daemon stopped during this run (started ${run.started}).`;
      const started = new Date(run.started);
      this.finish(
        run.profile,
        {
          time: Number.isNaN(started.getTime()) ? run.started : buteoTime(started, 'utc'),
          majorCode: MajorCode.Failed,
          minorCode: MinorCode.Aborted,
          scheduled: false,
          message,
          targets: [],
        },
        SyncStatus.Error,
        message,
        MinorCode.Aborted,
      );
    }
    return runs.map((r) => r.profile);
  }

  private begin(request: Request, exclusive: boolean): void {
    const controller = new AbortController();
    this.markers.mark(request.name, this.clock.now());
    const done = this.execute(request, controller).finally(() => {
      // A new run of the same profile may have started once this one's end was told.
      const current = this.running.get(request.name);
      if (!current || current.controller === controller) {
        this.markers.clear(request.name);
        this.running.delete(request.name);
      }
      this.pump();
    });
    this.running.set(request.name, { controller, exclusive, done });
  }

  private async execute(request: Request, controller: AbortController): Promise<void> {
    const { name } = request;
    const started = this.clock.now();
    let profile: SyncProfile | undefined;
    try {
      profile = this.profiles.load(name);
    } catch {
      // a damaged profile is recorded in profiles.problems and fails the run below
      profile = undefined;
    }
    const client = profile?.clientPlugin ?? '';
    const plugin = this.plugins.create(client);
    if (!profile || !plugin) {
      const message = `No client plugin for profile ${name}`;
      const results = { ...this.daemonResults(MajorCode.Failed, MinorCode.InternalError), message };
      this.finish(name, results, SyncStatus.Error, message, MinorCode.InternalError);
      return;
    }
    this.emit('syncStatus', name, SyncStatus.Started, '', 0);
    const end = await runClientPlugin({
      plugin,
      profile,
      client,
      scheduled: request.scheduled,
      controller,
      timeoutMs: this.pluginTimeoutMs,
      started,
      clock: this.clock,
      onProgress: (message, detail) => this.emit('syncStatus', name, SyncStatus.Progress, message, detail),
      onTransfer: (progress) => this.emit('bytesTransferred', name, progress),
    });
    for (const item of end.items) this.emit('transferProgress', name, item);
    this.finish(name, end.results, end.status, end.message, end.details);
  }

  private finish(name: string, results: SyncResults, status: SyncStatus, message: string, details: number): void {
    // No longer running once its end is told (synchronizer.cpp onSessionFinished): a startSync right
    // after the final status starts a new run instead of joining the one that ended.
    this.running.delete(name);
    this.saveResults(name, results);
    this.emit('resultsAvailable', name, serializeResults(results));
    this.emit('syncStatus', name, status, message, details);
  }

  /** ProfileManager::saveSyncResults: logged only for a profile that exists, then "logs changed" with its XML. */
  saveResults(name: string, results: SyncResults): boolean {
    try {
      const profile = this.profiles.load(name);
      if (!profile) return false;
      this.profiles.appendResults(name, results);
      this.emit('profileChanged', name, ProfileChange.Logs, profile.toXml());
      return true;
    } catch (err) {
      // A results log that cannot be written must not hide the outcome of the run: it is still signalled.
      log.warn(`could not write the results log of ${name}`, err);
      return false;
    }
  }

  lastResults(name: string): SyncResults | undefined {
    return this.profiles.results(name).at(-1);
  }

  /**
   * Starts every enabled schedule that has come due since its last run, including one missed while no
   * daemon ran (once, however many slots passed: catchUp.ts). A due run the gate refuses stays due.
   */
  checkSchedules(): string[] {
    const now = this.clock.now();
    const started: string[] = [];
    if (this.stopped) return started;
    for (const profile of this.profiles.list()) {
      const { name } = profile;
      if (this.running.has(name) || this.queue.some((r) => r.name === name)) continue;
      const last = this.lastResults(name)?.time;
      if (!isScheduleDue(profile, this.profiles.file(name), last, this.startedAt, now)) {
        this.waiting.delete(name);
        continue;
      }
      const verdict = this.gate?.mayRunScheduled(profile) ?? { allowed: true };
      if (!verdict.allowed) {
        // msyncd says NOTPOSSIBLE with OFFLINE_MODE once and keeps the run on its waiting list.
        if (!this.waiting.has(name))
          this.emit('syncStatus', name, SyncStatus.NotPossible, verdict.reason, MinorCode.Offline);
        this.waiting.add(name);
        continue;
      }
      this.waiting.delete(name);
      if (this.startSync(name, true)) started.push(name);
    }
    return started;
  }

  /** Aborts everything and waits for the runs to end, so nothing is left half-done. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.scheduleTimer) clearInterval(this.scheduleTimer);
    for (const request of this.queue.splice(0)) {
      this.saveResults(request.name, this.daemonResults(MajorCode.Cancelled, MinorCode.Aborted));
      this.emit(
        'syncStatus',
        request.name,
        SyncStatus.Cancelled,
        'The sync daemon is shutting down',
        MinorCode.Aborted,
      );
    }
    for (const run of this.running.values())
      run.controller.abort(BackupError.aborted('The sync daemon is shutting down.'));
    await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }
}
