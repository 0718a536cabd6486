// The sync daemon's engine (what msyncd does): a queue of sync requests, one run per profile at a time,
// dispatch to client plugins, status and results. The D-Bus face is msyncdService.ts.
import { EventEmitter } from 'node:events';
import { BackupError, errorMessage, isAbortError } from '../errors.js';
import type { PluginFactory, TransferProgress } from '../plugins/ClientPlugin.js';
import { MajorCode, MinorCode, ProgressDetail, SyncStatus, statusForMinorCode } from './codes.js';
import { isScheduleDue } from './catchUp.js';
import type { ScheduledRunGate } from './connectionRule.js';
import { RunMarkers } from './runMarkers.js';
import type { ProfileManager } from './ProfileManager.js';
import { ProfileChange } from './ProfileManager.js';
import type { SyncProfile } from './SyncProfile.js';
import { serializeResults, type SyncResults } from './syncLog.js';

export interface SyncDaemonEvents {
  syncStatus: [profile: string, status: SyncStatus, message: string, moreDetails: number];
  transferProgress: [profile: string, progress: TransferProgress];
  profileChanged: [profile: string, change: ProfileChange, xml: string];
  resultsAvailable: [profile: string, resultsXml: string];
}

/** The progress message of a transfer: machine-readable "<done>/<total> bytes" (total empty when unknown). */
export function transferMessage(progress: TransferProgress): string {
  return `${progress.done}/${progress.total ?? ''} bytes`;
}

export function parseTransferMessage(message: string): { done: number; total: number | undefined } | undefined {
  const m = /^(\d+)\/(\d*) bytes$/.exec(message);
  if (!m) return undefined;
  return { done: Number(m[1]), total: m[2] ? Number(m[2]) : undefined };
}

export interface Clock {
  now(): Date;
}

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
  clock?: Clock;
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

  constructor(
    readonly profiles: ProfileManager,
    private readonly plugins: PluginFactory,
    options: SyncDaemonOptions = {},
  ) {
    super();
    this.clock = options.clock ?? { now: () => new Date() };
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

  /** Queues a run; false when the profile is unknown, disabled, has no plugin, or is already queued or running. */
  startSync(name: string, scheduled = false): boolean {
    if (this.stopped || this.running.has(name) || this.queue.some((r) => r.name === name)) return false;
    let profile: SyncProfile | undefined;
    try {
      profile = this.profiles.load(name);
    } catch {
      return false;
    }
    if (!profile || !profile.enabled) return false;
    const client = profile.clientPlugin;
    if (!client || !this.plugins.create(client)) return false;
    this.queue.push({ name, scheduled, exclusive: this.plugins.isExclusive(client) });
    this.emit('syncStatus', name, SyncStatus.Queued, '', 0);
    this.pump();
    return true;
  }

  abortSync(name: string): void {
    const queued = this.queue.findIndex((r) => r.name === name);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.emit('syncStatus', name, SyncStatus.Cancelled, 'Cancelled before it started', MinorCode.Aborted);
      return;
    }
    const run = this.running.get(name);
    if (run && !run.controller.signal.aborted) {
      this.emit('syncStatus', name, SyncStatus.Stopping, '', 0);
      run.controller.abort(BackupError.aborted());
    }
  }

  private pump(): void {
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
        continue;
      }
      const message = `Interrupted: the sync daemon stopped during this run (started ${run.started}).`;
      this.finish(
        run.profile,
        {
          time: run.started,
          majorCode: MajorCode.Failed,
          minorCode: MinorCode.Aborted,
          scheduled: false,
          message,
          targets: [],
        },
        SyncStatus.Aborted,
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
      this.markers.clear(request.name);
      this.running.delete(request.name);
      this.pump();
    });
    this.running.set(request.name, { controller, exclusive, done });
  }

  private async execute(request: Request, controller: AbortController): Promise<void> {
    const { name } = request;
    let lastActivity = Date.now();
    let lastTransferSignal = 0;
    const watchdog = setInterval(
      () => {
        if (Date.now() - lastActivity > this.pluginTimeoutMs) {
          controller.abort(
            new BackupError(
              MinorCode.PluginTimeout,
              `No progress for ${Math.round(this.pluginTimeoutMs / 1000)} s; the operation was stopped.`,
            ),
          );
        }
      },
      Math.min(1000, this.pluginTimeoutMs),
    );
    watchdog.unref();
    const started = this.clock.now();
    let results: SyncResults;
    try {
      const profile: SyncProfile | undefined = this.profiles.load(name);
      const client = profile?.clientPlugin ?? '';
      const plugin = this.plugins.create(client);
      if (!profile || !plugin) throw new BackupError(MinorCode.PluginError, `No client plugin for profile ${name}`);
      this.emit('syncStatus', name, SyncStatus.Started, '', 0);
      const outcome = await plugin.run({
        profile,
        signal: controller.signal,
        scheduled: request.scheduled,
        progress: (detail: ProgressDetail, message = '') => {
          lastActivity = Date.now();
          this.emit('syncStatus', name, SyncStatus.Progress, message, detail);
        },
        transfer: (progress) => {
          const now = Date.now();
          lastActivity = now;
          // Signals at most ten times a second, and always the last one.
          const complete = progress.total !== undefined && progress.done >= progress.total;
          if (!complete && now - lastTransferSignal < 100) return;
          lastTransferSignal = now;
          this.emit('transferProgress', name, progress);
          const detail = progress.direction === 'upload' ? ProgressDetail.Sending : ProgressDetail.Receiving;
          this.emit('syncStatus', name, SyncStatus.Progress, transferMessage(progress), detail);
        },
      });
      if (controller.signal.aborted) throw controller.signal.reason;
      results = {
        time: started.toISOString(),
        majorCode: MajorCode.Success,
        minorCode: MinorCode.NoError,
        scheduled: request.scheduled,
        targets: [{ name: client, local: outcome.local, remote: outcome.remote }],
        ...(outcome.message ? { message: outcome.message } : {}),
      };
      this.finish(name, results, SyncStatus.Done, outcome.message ?? '', 0);
    } catch (caught) {
      const reason: unknown = controller.signal.aborted ? controller.signal.reason : caught;
      const err =
        reason instanceof BackupError
          ? reason
          : isAbortError(reason)
            ? BackupError.aborted()
            : new BackupError(MinorCode.InternalError, errorMessage(reason), { cause: reason });
      const cancelled = err.minorCode === MinorCode.Aborted;
      results = {
        time: started.toISOString(),
        majorCode: cancelled ? MajorCode.Cancelled : MajorCode.Failed,
        minorCode: err.minorCode,
        scheduled: request.scheduled,
        message: err.message,
        targets: [],
      };
      this.finish(name, results, statusForMinorCode(err.minorCode), err.message, err.minorCode);
    } finally {
      clearInterval(watchdog);
    }
  }

  private finish(name: string, results: SyncResults, status: SyncStatus, message: string, details: number): void {
    try {
      this.profiles.appendResults(name, results);
      this.emit('profileChanged', name, ProfileChange.Logs, '');
    } catch {
      // A results log that cannot be written must not hide the outcome of the run.
    }
    this.emit('resultsAvailable', name, serializeResults(results));
    this.emit('syncStatus', name, status, message, details);
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
