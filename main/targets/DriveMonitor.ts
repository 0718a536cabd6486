// The removable drives the desktop has mounted: from UDisks2 on the system bus, followed live through
// its signals; where there is no UDisks2, from the kernel's mount table (media mounts), re-read every
// few seconds, said once. Size and free space come from the mounted filesystem itself.
import { EventEmitter } from 'node:events';
import { statfs } from 'node:fs/promises';
import path from 'node:path';
import { connectBus, waitConnected, type MessageBus } from '../dbus/bus.js';
import { DBusClient } from '../dbus/DBusClient.js';
import { errorMessage } from '../errors.js';
import { systemBusAddress } from '../system/networkManager.js';
import { isMediaMount, readMounts } from './mountinfo.js';
import { followUDisks, readUDisks, type UDisksMount } from './udisks2.js';
import { logger } from '../log.js';

const log = logger('targets');

export interface Drive {
  /** Where the drive is mounted; backups go right there, as on a Sailfish memory card. */
  mountPath: string;
  label: string;
  /** Bytes in all, and free for this user; null when the filesystem cannot say. */
  size: number | null;
  free: number | null;
  device: string;
}

export type DriveSource = 'udisks2' | 'mountinfo';

const MOUNTINFO_POLL_MS = 2000;

async function withSpace(mount: Omit<Drive, 'free'>): Promise<Drive> {
  try {
    const s = await statfs(mount.mountPath);
    return { ...mount, size: mount.size || s.blocks * s.bsize, free: s.bavail * s.bsize };
  } catch {
    // a drive being unmounted has no free space to say
    return { ...mount, free: null };
  }
}

function mediaMounts(file?: string): Array<Omit<Drive, 'free'>> {
  return readMounts(file)
    .filter((m) => isMediaMount(m.mountPoint))
    .map((m) => ({ mountPath: m.mountPoint, label: path.basename(m.mountPoint), size: null, device: m.source }));
}

export class DriveMonitor extends EventEmitter<{ change: [] }> {
  private mounts: Array<Omit<Drive, 'free'>> = [];
  private unfollow: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> = Promise.resolve();

  private constructor(
    readonly source: DriveSource,
    private readonly bus: MessageBus | undefined,
    private readonly note: (text: string) => void,
    private readonly mountinfoFile: string | undefined,
  ) {
    super();
  }

  /**
   * UDisks2 when it answers on the system bus, else the mount table; `note` hears once which, when it is
   * the fallback.
   */
  static async start(
    env: NodeJS.ProcessEnv,
    note: (text: string) => void,
    options: { mountinfoFile?: string } = {},
  ): Promise<DriveMonitor> {
    const address = systemBusAddress(env);
    let cause = 'no system bus';
    if (address) {
      const bus = connectBus(address);
      bus.on('error', () => {});
      try {
        await waitConnected(bus);
        const client = new DBusClient(bus);
        const monitor = new DriveMonitor('udisks2', bus, note, options.mountinfoFile);
        monitor.mounts = toDrives(await readUDisks(client));
        monitor.unfollow = await followUDisks(client, () => monitor.refreshUDisks(client));
        return monitor;
      } catch (err) {
        cause = errorMessage(err).split('\n')[0] ?? 'it did not answer';
        bus.disconnect();
      }
    }
    note(
      `UDisks2 is not available (${cause}): removable drives are found in /proc/self/mountinfo (mounts under /media and /run/media).`,
    );
    const monitor = new DriveMonitor('mountinfo', undefined, note, options.mountinfoFile);
    monitor.mounts = mediaMounts(options.mountinfoFile);
    monitor.timer = setInterval(() => monitor.pollMountinfo(), MOUNTINFO_POLL_MS);
    monitor.timer.unref();
    return monitor;
  }

  private refreshUDisks(client: DBusClient): void {
    this.refreshing = this.refreshing
      .then(async () => {
        const next = await readUDisks(client).then(toDrives, () => []);
        this.replace(next);
      })
      .catch(log.ignored('refreshing the drives from UDisks2'));
  }

  private pollMountinfo(): void {
    this.replace(mediaMounts(this.mountinfoFile));
  }

  private replace(next: Array<Omit<Drive, 'free'>>): void {
    const key = (list: Array<Omit<Drive, 'free'>>) => JSON.stringify(list);
    if (key(next) === key(this.mounts)) return;
    this.mounts = next;
    this.emit('change');
  }

  /** The drives mounted now, with their free space as of now. */
  async drives(): Promise<Drive[]> {
    await this.refreshing;
    return Promise.all(this.mounts.map(withSpace));
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.unfollow?.().catch(log.ignored('unsubscribing from UDisks2'));
    this.bus?.disconnect();
    this.removeAllListeners();
  }
}

function toDrives(mounts: UDisksMount[]): Array<Omit<Drive, 'free'>> {
  return mounts.map(({ mountPath, label, size, device }) => ({ mountPath, label, size: size || null, device }));
}
