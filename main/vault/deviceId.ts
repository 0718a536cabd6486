// The folder name a device's backups live under: "<model with spaces as '-'>_<12 chars of
// base64url(sha256(device uid))>" (DESIGN.md §2). On a desktop the machine id is the device uid.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';

function firstReadable(files: string[]): string | undefined {
  for (const file of files) {
    try {
      const text = readFileSync(file, 'utf8').trim();
      if (text) return text;
    } catch {
      // try the next one
    }
  }
  return undefined;
}

export function deviceId(model: string, uid: string): string {
  const safeModel =
    model
      .trim()
      .replace(/\s+/g, '-')
      .replace(/[^\p{L}\p{N}._-]/gu, '') || 'Desktop';
  const hash = createHash('sha256').update(uid).digest('base64url').slice(0, 12);
  return `${safeModel}_${hash}`;
}

export function localDeviceId(): string {
  const model = firstReadable(['/sys/class/dmi/id/product_name']) ?? os.hostname();
  const uid = firstReadable(['/etc/machine-id', '/var/lib/dbus/machine-id']) ?? os.hostname();
  return deviceId(model, uid);
}
