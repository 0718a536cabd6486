// Removable drives from UDisks2 on the system bus (org.freedesktop.UDisks2, its ObjectManager): block
// devices with a mounted filesystem whose drive is removable, or that UDisks2 would mount by itself
// (HintAuto), and not hidden from the user (HintIgnore). Their label, size and mount point; changes
// arrive as InterfacesAdded/InterfacesRemoved and PropertiesChanged (MountPoints) signals.
import dbus from 'dbus-next';
import type { DBusClient } from '../dbus/DBusClient.js';

export const UDISKS_SERVICE = 'org.freedesktop.UDisks2';
export const UDISKS_PATH = '/org/freedesktop/UDisks2';
const BLOCK = 'org.freedesktop.UDisks2.Block';
const FILESYSTEM = 'org.freedesktop.UDisks2.Filesystem';
const DRIVE = 'org.freedesktop.UDisks2.Drive';
const OBJECT_MANAGER = 'org.freedesktop.DBus.ObjectManager';

export interface UDisksMount {
  /** The block device's object path: stable while the drive is plugged in. */
  object: string;
  mountPath: string;
  label: string;
  /** Bytes, from the block device. */
  size: number;
  device: string;
}

type Props = Record<string, unknown>;
type Managed = Record<string, Record<string, Props>>;

function value(props: Props | undefined, name: string): unknown {
  const v = props?.[name];
  return v instanceof dbus.Variant ? (v.value as unknown) : v;
}

/** "ay" values: bytes with a trailing NUL, as UDisks2 stores paths. */
function bytesText(v: unknown): string {
  if (Buffer.isBuffer(v)) return v.toString('utf8').replace(/\0+$/, '');
  if (Array.isArray(v))
    return Buffer.from(v as number[])
      .toString('utf8')
      .replace(/\0+$/, '');
  return '';
}

function numberOf(v: unknown): number {
  if (typeof v === 'bigint') return Number(v);
  return typeof v === 'number' ? v : 0;
}

/** The mounted removable filesystems in a GetManagedObjects answer. */
export function removableMounts(objects: Managed): UDisksMount[] {
  const mounts: UDisksMount[] = [];
  for (const [object, ifaces] of Object.entries(objects)) {
    const block = ifaces[BLOCK];
    const fs = ifaces[FILESYSTEM];
    if (!block || !fs) continue;
    const points = value(fs, 'MountPoints');
    const mountPath = Array.isArray(points) && points.length > 0 ? bytesText(points[0]) : '';
    if (!mountPath || value(block, 'HintIgnore') === true) continue;
    const driveObject = value(block, 'Drive');
    const drive = typeof driveObject === 'string' ? objects[driveObject]?.[DRIVE] : undefined;
    const removable = value(drive, 'Removable') === true || value(drive, 'MediaRemovable') === true;
    if (!removable && value(block, 'HintAuto') !== true) continue;
    const vendorModel = [value(drive, 'Vendor'), value(drive, 'Model')]
      .filter((s): s is string => typeof s === 'string' && s.trim() !== '')
      .join(' ')
      .trim();
    const label =
      [value(block, 'HintName'), value(block, 'IdLabel')].find((s): s is string => typeof s === 'string' && s !== '') ??
      (vendorModel || mountPath.split('/').pop() || mountPath);
    mounts.push({
      object,
      mountPath,
      label,
      size: numberOf(value(block, 'Size')),
      device: bytesText(value(block, 'PreferredDevice')) || bytesText(value(block, 'Device')),
    });
  }
  return mounts.sort((a, b) => a.mountPath.localeCompare(b.mountPath));
}

/** Reads UDisks2's objects; throws when UDisks2 is not on the bus (and cannot be started). */
export async function readUDisks(client: DBusClient): Promise<UDisksMount[]> {
  const [objects] = await client.call(UDISKS_SERVICE, UDISKS_PATH, OBJECT_MANAGER, 'GetManagedObjects');
  return removableMounts((objects ?? {}) as Managed);
}

/** Calls `onChange` whenever UDisks2 says a device, a filesystem or a mount changed; returns the unsubscribe. */
export async function followUDisks(client: DBusClient, onChange: () => void): Promise<() => Promise<void>> {
  const ours = (message: dbus.Message) => (message.path ?? '').startsWith(UDISKS_PATH);
  const offs = [
    await client.subscribe({ interface: OBJECT_MANAGER, sender: UDISKS_SERVICE }, (_b, m) => ours(m) && onChange()),
    await client.subscribe(
      { interface: 'org.freedesktop.DBus.Properties', member: 'PropertiesChanged', sender: UDISKS_SERVICE },
      (_b, m) => ours(m) && onChange(),
    ),
    await client.subscribe(
      { interface: 'org.freedesktop.DBus', member: 'NameOwnerChanged', sender: 'org.freedesktop.DBus' },
      (body) => body[0] === UDISKS_SERVICE && onChange(),
    ),
  ];
  return async () => {
    for (const off of offs) await off();
  };
}
