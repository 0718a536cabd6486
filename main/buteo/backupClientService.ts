// com.nokia.backupclient at /backup, beside /synchronizer: how a device backup tells msyncd that it
// starts and ends (msyncd SyncBackupAdaptor.h). Syncs stop meanwhile; msyncd's backupInProgress,
// backupDone, restoreInProgress and restoreDone signals follow.
import dbus from 'dbus-next';
import type { SyncDaemon } from './SyncDaemon.js';

export const BACKUP_CLIENT_PATH = '/backup';
export const BACKUP_CLIENT_INTERFACE = 'com.nokia.backupclient';

export class BackupClientInterface extends dbus.interface.Interface {
  constructor(private readonly daemon: SyncDaemon) {
    super(BACKUP_CLIENT_INTERFACE);
  }

  /** Replies once running syncs have stopped, as msyncd's delayed reply does; 0 is success. */
  async backupStarts(): Promise<number> {
    await this.daemon.beginBackupRestore('backup');
    return 0;
  }

  backupFinished(): number {
    this.daemon.endBackupRestore('backup');
    return 0;
  }

  async restoreStarts(): Promise<number> {
    await this.daemon.beginBackupRestore('restore');
    return 0;
  }

  restoreFinished(): number {
    this.daemon.endBackupRestore('restore');
    return 0;
  }

  getBackUpRestoreState(): boolean {
    return this.daemon.backupRestoreState;
  }
}

BackupClientInterface.configureMembers({
  methods: {
    backupStarts: { inSignature: '', outSignature: 'y' },
    backupFinished: { inSignature: '', outSignature: 'y' },
    restoreStarts: { inSignature: '', outSignature: 'y' },
    restoreFinished: { inSignature: '', outSignature: 'y' },
    getBackUpRestoreState: { inSignature: '', outSignature: 'b' },
  },
});
