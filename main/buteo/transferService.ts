// This app's own D-Bus signal beside msyncd's interface: the bytes a running transfer has moved, as
// numbers. Buteo's transferProgress counts committed items, and its syncStatus message is a sentence,
// so neither can carry them; a daemon that is not this app's simply never sends it.
import dbus from 'dbus-next';
import { TRANSFER_INTERFACE } from './msyncdNames.js';
import type { SyncDaemon } from './SyncDaemon.js';

export class TransferInterface extends dbus.interface.Interface {
  constructor(daemon: SyncDaemon) {
    super(TRANSFER_INTERFACE);
    daemon.on('bytesTransferred', (profile, p) =>
      this.BytesTransferred(profile, p.direction, BigInt(p.done), BigInt(p.total ?? -1)),
    );
  }

  BytesTransferred(profile: string, direction: string, done: bigint, total: bigint): unknown[] {
    return [profile, direction, done, total];
  }
}

TransferInterface.configureMembers({
  signals: { BytesTransferred: { signature: 'sstx' } },
});
