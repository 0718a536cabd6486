// One run of a client plugin, as msyncd's SyncSession sees it: the plugin's progress passed on (its
// stages as syncStatus, its bytes as data), a watchdog for a plugin that stops reporting, and its end
// turned into a results entry and the status msyncd sends (3, or 8 for an unsupported sync type, with
// the minor code; 4 when done).
import { BackupError, errorMessage, isAbortError } from '../errors.js';
import type { ClientPlugin, TransferProgress } from './ClientPlugin.js';
import type { ProgressDetail } from './codes.js';
import { MajorCode, MinorCode, SyncStatus, statusForMinorCode } from './codes.js';
import type { SyncProfile } from './SyncProfile.js';
import { buteoTime, type SyncResults } from './syncLog.js';
import { committedItems, type TransferSignal } from './transferItems.js';

/** The daemon's time: its clock, and the watchdog's tick (a test drives both by hand). */
export interface Clock {
  now(): Date;
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

export const systemClock: Clock = {
  now: () => new Date(),
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

export interface PluginRunEnd {
  results: SyncResults;
  status: SyncStatus;
  message: string;
  details: number;
  /** What the run committed, for transferProgress. */
  items: TransferSignal[];
}

export interface PluginRun {
  plugin: ClientPlugin;
  profile: SyncProfile;
  client: string;
  scheduled: boolean;
  controller: AbortController;
  /** A run that reports nothing for this long is aborted with Buteo's plugin-timeout code. */
  timeoutMs: number;
  started: Date;
  clock: Clock;
  /** Progress statuses (2) while it runs. */
  onProgress(message: string, detail: ProgressDetail): void;
  /** Bytes moved so far, at most ten times a second and always the last. */
  onTransfer(progress: TransferProgress): void;
}

export async function runClientPlugin(run: PluginRun): Promise<PluginRunEnd> {
  const { controller, timeoutMs, clock } = run;
  const now = () => clock.now().getTime();
  let lastActivity = now();
  let lastTransferSignal = 0;
  const stopWatchdog = clock.every(Math.min(1000, timeoutMs), () => {
    if (now() - lastActivity > timeoutMs)
      controller.abort(
        new BackupError(
          MinorCode.PluginTimeout,
          `No progress for ${Math.round(timeoutMs / 1000)} s; the operation was stopped.`,
        ),
      );
  });
  const time = buteoTime(run.started, 'utc');
  try {
    const outcome = await run.plugin.run({
      profile: run.profile,
      signal: controller.signal,
      scheduled: run.scheduled,
      progress: (detail: ProgressDetail, message = '') => {
        lastActivity = now();
        run.onProgress(message, detail);
      },
      transfer: (progress) => {
        const at = now();
        lastActivity = at;
        // Signals at most ten times a second, and always the last one.
        const complete = progress.total !== undefined && progress.done >= progress.total;
        if (!complete && at - lastTransferSignal < 100) return;
        lastTransferSignal = at;
        // Bytes are data of their own (transferService.ts); Buteo's transferProgress counts items.
        run.onTransfer(progress);
      },
    });
    if (controller.signal.aborted) throw controller.signal.reason;
    return {
      results: {
        time,
        majorCode: MajorCode.Success,
        minorCode: MinorCode.NoError,
        scheduled: run.scheduled,
        targets: [{ name: run.client, local: outcome.local, remote: outcome.remote }],
        ...(outcome.message ? { message: outcome.message } : {}),
      },
      status: SyncStatus.Done,
      message: outcome.message ?? '',
      details: 0,
      items: committedItems(outcome),
    };
  } catch (caught) {
    const reason: unknown = controller.signal.aborted ? controller.signal.reason : caught;
    const err =
      reason instanceof BackupError
        ? reason
        : isAbortError(reason)
          ? BackupError.aborted()
          : new BackupError(MinorCode.InternalError, errorMessage(reason), { cause: reason });
    return {
      results: {
        time,
        majorCode: err.minorCode === MinorCode.Aborted ? MajorCode.Cancelled : MajorCode.Failed,
        minorCode: err.minorCode,
        scheduled: run.scheduled,
        message: err.message,
        targets: [],
      },
      status: statusForMinorCode(err.minorCode),
      message: err.message,
      details: err.minorCode,
      items: [],
    };
  } finally {
    stopWatchdog();
  }
}
