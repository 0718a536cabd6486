// What the sync daemon asks of a client plugin: Buteo's startSync() → success()/error(), as a promise.
import type { SyncProfile } from './SyncProfile.js';
import type { ProgressDetail } from './codes.js';
import type { ItemCounts } from './syncLog.js';

export interface TransferProgress {
  direction: 'upload' | 'download';
  /** Bytes moved so far. */
  done: number;
  /** Bytes in all, when known. */
  total: number | undefined;
}

export interface PluginContext {
  profile: SyncProfile;
  /** Aborted by abortSync, the daemon's timeout watchdog or shutdown. */
  signal: AbortSignal;
  scheduled: boolean;
  progress(detail: ProgressDetail, message?: string): void;
  transfer(progress: TransferProgress): void;
}

export interface PluginOutcome {
  local: ItemCounts;
  remote: ItemCounts;
  message?: string;
}

export interface ClientPlugin {
  /** Runs the operation; resolves on success, throws a BackupError on failure. */
  run(context: PluginContext): Promise<PluginOutcome>;
}

export interface PluginFactory {
  /** The plugin for a client sub-profile name (e.g. "nextcloud-backup"), or undefined. */
  create(clientName: string): ClientPlugin | undefined;
  /** Whether runs of this plugin need the backup service to themselves (backup and restore do). */
  isExclusive(clientName: string): boolean;
}
