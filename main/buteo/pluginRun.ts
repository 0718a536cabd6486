// One run of a client plugin, as msyncd's SyncSession sees it: the plugin's progress passed on, a
// watchdog for a plugin that stops reporting, and its end turned into a results entry and the status
// msyncd sends (3, or 8 for an unsupported sync type, with the minor code; 4 when done).
import { BackupError, errorMessage, isAbortError } from '../errors.js';
import type { ClientPlugin, TransferProgress } from '../plugins/ClientPlugin.js';
import { MajorCode, MinorCode, ProgressDetail, SyncStatus, statusForMinorCode } from './codes.js';
import type { SyncProfile } from './SyncProfile.js';
import { buteoTime, type SyncResults } from './syncLog.js';
import { committedItems, type TransferSignal } from './transferItems.js';

/** The progress message of a transfer: machine-readable "<done>/<total> bytes" (total empty when unknown). */
export function transferMessage(progress: TransferProgress): string {
  return `${progress.done}/${progress.total ?? ''} bytes`;
}

export function parseTransferMessage(message: string): { done: number; total: number | undefined } | undefined {
  const m = /^(\d+)\/(\d*) bytes$/.exec(message);
  if (!m) return undefined;
  return { done: Number(m[1]), total: m[2] ? Number(m[2]) : undefined };
}

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
  /** Progress statuses (2) while it runs. */
  onProgress(message: string, detail: ProgressDetail): void;
}

export async function runClientPlugin(run: PluginRun): Promise<PluginRunEnd> {
  const { controller, timeoutMs } = run;
  let lastActivity = Date.now();
  let lastTransferSignal = 0;
  const watchdog = setInterval(
    () => {
      if (Date.now() - lastActivity > timeoutMs)
        controller.abort(
          new BackupError(
            MinorCode.PluginTimeout,
            `No progress for ${Math.round(timeoutMs / 1000)} s; the operation was stopped.`,
          ),
        );
    },
    Math.min(1000, timeoutMs),
  );
  watchdog.unref();
  const time = buteoTime(run.started, 'utc');
  try {
    const outcome = await run.plugin.run({
      profile: run.profile,
      signal: controller.signal,
      scheduled: run.scheduled,
      progress: (detail: ProgressDetail, message = '') => {
        lastActivity = Date.now();
        run.onProgress(message, detail);
      },
      transfer: (progress) => {
        const now = Date.now();
        lastActivity = now;
        // Signals at most ten times a second, and always the last one.
        const complete = progress.total !== undefined && progress.done >= progress.total;
        if (!complete && now - lastTransferSignal < 100) return;
        lastTransferSignal = now;
        // Bytes travel in this app's own progress message; transferProgress counts items.
        const detail = progress.direction === 'upload' ? ProgressDetail.Sending : ProgressDetail.Receiving;
        run.onProgress(transferMessage(progress), detail);
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
    clearInterval(watchdog);
  }
}
