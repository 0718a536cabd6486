// What the benchmark backs up: "mixed" sets of a given size (half random bytes, half text, in 1 MiB
// files, as photos and documents would be), 20,000 small files of 1–16 KiB, and 10,000 backups in a
// device folder for the listing.
import { randomBytes } from 'node:crypto';
import { chownSync, closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';

const LINE = 'The quick brown fox jumps over the lazy backup daemon. 0123456789\n';
const TEXT = Buffer.from(LINE.repeat(Math.ceil((1 << 20) / LINE.length))).subarray(0, 1 << 20);

/** `<dir>/random` and `<dir>/text`, `mib` MiB together. */
export function makeMixed(dir: string, mib: number): string[] {
  const units = [path.join(dir, 'random'), path.join(dir, 'text')];
  for (const unit of units) mkdirSync(unit, { recursive: true });
  for (let i = 0; i < mib / 2; i++) {
    const fd = openSync(path.join(units[0]!, `r${String(i).padStart(5, '0')}.bin`), 'w');
    writeSync(fd, randomBytes(1 << 20));
    closeSync(fd);
    writeFileSync(path.join(units[1]!, `t${String(i).padStart(5, '0')}.txt`), TEXT);
  }
  return units;
}

/** `count` files of 1–16 KiB (half random, half text) in folders of 500, as a unit `<dir>/small`. */
export function makeSmallFiles(dir: string, count: number): string {
  const unit = path.join(dir, 'small');
  for (let i = 0; i < count; i++) {
    const folder = path.join(unit, `d${String(Math.floor(i / 500)).padStart(3, '0')}`);
    if (i % 500 === 0) mkdirSync(folder, { recursive: true });
    const size = 1024 + ((i * 7919) % (15 * 1024 + 1));
    const data = i % 2 === 0 ? randomBytes(size) : TEXT.subarray(i % 1024, (i % 1024) + size);
    writeFileSync(path.join(folder, `f${String(i).padStart(5, '0')}.${i % 2 === 0 ? 'bin' : 'txt'}`), data);
  }
  return unit;
}

/** `count` empty backups in `folder` on the server's disk, owned as Apache's files are. */
export function makeBackupListing(folder: string, count: number, owner?: { uid: number; gid: number }): void {
  mkdirSync(folder, { recursive: true });
  for (let i = 0; i < count; i++) {
    const day = String(1 + (i % 28)).padStart(2, '0');
    const secs = String(i % 60).padStart(2, '0');
    const mins = String(Math.floor(i / 60) % 60).padStart(2, '0');
    const hours = String(Math.floor(i / 3600) % 24).padStart(2, '0');
    writeFileSync(path.join(folder, `sailfish_backup_2026-01-${day}T${hours}-${mins}-${secs}Z.tar`), '');
  }
  if (owner) {
    chownSync(folder, owner.uid, owner.gid);
    for (let dir = path.dirname(folder); dir.length > 1 && !dir.endsWith('/files'); dir = path.dirname(dir))
      chownSync(dir, owner.uid, owner.gid);
  }
}
