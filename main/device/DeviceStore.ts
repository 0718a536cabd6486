// The devices the Settings UI remembers: `devices.json` in the data dir, host, user and port only. The
// app keeps no password for a device: ssh signs in with the user's own keys and agent.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../fsAtomic.js';
import type { DeviceView } from '../ipc/contract.js';
import { checkHost, checkPort, checkUser, deviceLabel } from './deviceAddress.js';

const fileSchema = z.object({
  devices: z.array(z.object({ host: z.string(), user: z.string(), port: z.number() })).max(100),
});

export function deviceView(d: { host: string; user: string; port: number }): DeviceView {
  return { id: deviceLabel(d), host: d.host, user: d.user, port: d.port };
}

/** A device as the form gave it, each part checked (everything here ends up on ssh's command line). */
export function checkedDeviceView(d: { host: string; user: string; port: number }): DeviceView {
  return deviceView({ host: checkHost(d.host), user: checkUser(d.user), port: checkPort(d.port) });
}

export class DeviceStore {
  constructor(private readonly file: string) {}

  static inDataDir(dataDir: string): DeviceStore {
    return new DeviceStore(path.join(dataDir, 'devices.json'));
  }

  /** The remembered devices; a damaged or foreign file reads as none (and is replaced on the next change). */
  list(): DeviceView[] {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      // missing or damaged: no devices remembered (the file is replaced on the next change)
      return [];
    }
    const parsed = fileSchema.safeParse(data);
    if (!parsed.success) return [];
    const valid: DeviceView[] = [];
    for (const d of parsed.data.devices) {
      try {
        valid.push(checkedDeviceView(d));
      } catch {
        // skip an entry no one could connect to
      }
    }
    return valid;
  }

  /** Remembers a device (first in the list); returns its view. */
  remember(device: { host: string; user: string; port: number }): DeviceView {
    const view = checkedDeviceView(device);
    const others = this.list().filter((d) => d.id !== view.id);
    this.save([view, ...others]);
    return view;
  }

  forget(id: string): void {
    this.save(this.list().filter((d) => d.id !== id));
  }

  private save(devices: DeviceView[]): void {
    const data = { devices: devices.map(({ host, user, port }) => ({ host, user, port })) };
    writeFileAtomic(this.file, JSON.stringify(data, null, 2) + '\n', 0o600);
  }
}
