// Backups to a folder or drive (Sailfish's memory card) through the vault: the file has its final name only
// once it is complete; progress says bytes, rate and time left; cancel, a full drive, and a drive pulled
// out mid-write end with a clear error and nothing under the final name. Mounting small tmpfs drives
// needs root; those cases are skipped otherwise.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bootTag, identityTag } from '../../main/processIdentity.js';
import { commitBackupFile } from '../../main/vault/fileTargets.js';
import { backupFileName } from '../../main/backupNames.js';
import type { Vault } from '../../main/vault/Vault.js';
import type { VaultState } from '../../main/vault/vaultTypes.js';
import { tempDir } from '../helpers/processes.js';
import { readTree } from '../helpers/tree.js';
import { startWorld, type World } from '../helpers/world.js';

const asRoot = process.getuid?.() === 0;

function mount(dir: string, size: string): boolean {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
function probeMount(): boolean {
  const dir = tempDir('sfb-probe-');
  if (!mount(dir, '1m')) return false;
  execFileSync('umount', [dir]);
  return true;
}
const canMount = asRoot && probeMount();

/** Runs one backup to `folder` and waits for its end: the final state and every status line on the way. */
async function backUp(vault: Vault, folder: string, during?: (state: VaultState) => void) {
  const file = path.join(folder, backupFileName(new Date()));
  const lines: string[] = [];
  let seenFinalEarly = false;
  const done = new Promise<VaultState>((resolve) => {
    const onChange = (changed: Partial<VaultState>) => {
      const state = vault.snapshot;
      if (changed.statusText) lines.push(changed.statusText);
      if (state.status === 'Preparing' && existsSync(file)) seenFinalEarly = true;
      if (state.status === 'Preparing') during?.(state);
      if (['Finished', 'Error', 'Canceled'].includes(state.status)) {
        vault.off('stateChanged', onChange);
        resolve(state);
      }
    };
    vault.on('stateChanged', onChange);
  });
  await vault.backupToFile(file);
  const end = await done;
  return { file, end, lines, seenFinalEarly };
}

describe('backups to a folder or drive', () => {
  let world: World;
  let vault: Vault;
  let unit: string;
  const mounted: string[] = [];

  beforeAll(async () => {
    world = await startWorld();
    vault = world.session.engine!.vault;
    unit = path.join(tempDir(), 'Photos');
    mkdirSync(path.join(unit, 'Summer'), { recursive: true });
    for (let i = 0; i < 8; i++) writeFileSync(path.join(unit, 'Summer', `IMG_${i}.jpg`), randomBytes(4 << 20));
    writeFileSync(path.join(unit, 'notes.txt'), 'holiday\n');
    world.stores.units.add(unit);
  });

  afterEach(() => {
    for (const dir of mounted.splice(0)) execFileSync('umount', ['-l', dir]);
  });

  afterAll(async () => {
    await world?.close();
  });

  const drive = (size: string) => {
    const dir = tempDir('sfb-drive-');
    if (!mount(dir, size)) throw new Error('mount failed');
    mounted.push(dir);
    return dir;
  };

  it('names the file only once it is complete, says bytes written, and restores byte for byte', async () => {
    const folder = tempDir('sfb-card-');
    const run = await backUp(vault, folder);
    expect(run.end.status).toBe('Finished');
    expect(run.seenFinalEarly).toBe(false);
    // The archive and its checksum, in sha256sum's format under the backup's own name.
    const name = path.basename(run.file);
    expect(readdirSync(folder).sort()).toEqual([name, `${name}.sha256`]);
    expect(execFileSync('sha256sum', ['-c', `${name}.sha256`], { cwd: folder, encoding: 'utf8' })).toBe(
      `${name}: OK\n`,
    );
    expect(run.lines).toContain('Checking free space');
    expect(run.lines.some((l) => /^Backing up: Photos · [\d.]+ [kMG]?B of [\d.]+ MB/.test(l))).toBe(true);
    // GNU tar reads it: one folder per unit, as on a Sailfish memory card.
    const members = execFileSync('tar', ['-tf', run.file], { encoding: 'utf8' }).split('\n');
    expect(members).toContain('Photos/Summer/IMG_7.jpg');

    const into = tempDir('sfb-into-');
    const restored = new Promise<string>((resolve) =>
      vault.on('fileBackupStatusChanged', (_f, status) => ['Finished', 'Error'].includes(status) && resolve(status)),
    );
    await vault.restoreFromFile(run.file, into);
    expect(await restored).toBe('Finished');
    expect(vault.snapshot.warnings).toEqual([]); // verified: checksum and manifest
    expect(readTree(path.join(into, 'Photos'))).toEqual(readTree(unit));
    expect(readdirSync(folder).sort()).toEqual([name, `${name}.sha256`]);
  });

  it('a backup file damaged on the drive is refused, and nothing is restored', async () => {
    const folder = tempDir('sfb-card-');
    const run = await backUp(vault, folder);
    expect(run.end.status).toBe('Finished');
    // One byte of a photo flipped, as a failing memory card does.
    const at = execFileSync('grep', ['-obUaP', 'IMG_3', run.file], { encoding: 'latin1' }).split(':')[0];
    const fd = openSync(run.file, 'r+');
    const byte = Buffer.alloc(1);
    readSync(fd, byte, 0, 1, Number(at) + 4096);
    writeSync(fd, Buffer.from([byte[0]! ^ 0xff]), 0, 1, Number(at) + 4096);
    closeSync(fd);
    const into = tempDir('sfb-into-');
    const ended = new Promise<string>((resolve) =>
      vault.on('fileBackupStatusChanged', (_f, status) => ['Finished', 'Error'].includes(status) && resolve(status)),
    );
    await vault.restoreFromFile(run.file, into);
    expect(await ended).toBe('Error');
    expect(vault.snapshot.error).toMatch(/SHA-256/);
    expect(readdirSync(into)).toEqual([]);
  });

  it('a restore whose folders this computer does not back up names them all and changes nothing', async () => {
    const folder = tempDir('sfb-card-');
    const run = await backUp(vault, folder);
    expect(run.end.status).toBe('Finished');
    // A second folder in the backup, made by GNU tar beside ours (a device's backup has several).
    const other = tempDir('sfb-other-');
    mkdirSync(path.join(other, 'Music'));
    writeFileSync(path.join(other, 'Music', 'song.ogg'), 'la');
    const device = path.join(folder, backupFileName(new Date(Date.now() + 60_000)));
    execFileSync('tar', ['-cf', device, '-C', other, 'Music', '-C', path.dirname(unit), 'Photos']);
    world.stores.units.remove(unit);
    try {
      const ended = new Promise<string>((resolve) =>
        vault.on('fileBackupStatusChanged', (_f, status) => ['Finished', 'Error'].includes(status) && resolve(status)),
      );
      const before = readTree(path.dirname(unit));
      await vault.restoreFromFile(device);
      expect(await ended).toBe('Error');
      expect(vault.snapshot).toMatchObject({
        errorCode: 'NeedsFolder',
        error: 'Could not restore the backup: The backup holds folders this computer does not back up (Music, Photos).',
      });
      expect(readTree(path.dirname(unit))).toEqual(before);
    } finally {
      world.stores.units.add(unit);
    }
  });

  it('cancelled while writing: no file is left, under any name', async () => {
    const folder = tempDir('sfb-card-');
    let cancelled = false;
    const run = await backUp(vault, folder, (state) => {
      if (!cancelled && state.statusText.startsWith('Backing up:')) {
        cancelled = true;
        void vault.cancel();
      }
    });
    expect(run.end.status).toBe('Canceled');
    expect(readdirSync(folder)).toEqual([]);
  });

  it('the folder removed while writing: a clear error and nothing under the final name', async () => {
    const parent = tempDir('sfb-card-');
    const folder = path.join(parent, 'USB STICK');
    mkdirSync(folder);
    let removed = false;
    const run = await backUp(vault, folder, (state) => {
      if (!removed && state.statusText.startsWith('Backing up:')) {
        removed = true;
        rmSync(folder, { recursive: true, force: true });
      }
    });
    expect(removed).toBe(true);
    expect(run.end.status).toBe('Error');
    expect(run.end.error).toMatch(/is gone: was the drive removed\? Nothing was left under the backup's name\./);
    expect(existsSync(run.file)).toBe(false);
  });

  it('refuses a folder inside a folder that is backed up: the backup would hold itself', async () => {
    const inside = path.join(unit, 'Backups');
    mkdirSync(inside);
    try {
      await expect(vault.backupToFile(path.join(inside, backupFileName(new Date())))).rejects.toThrow(
        /is inside "Photos".*the backup would hold itself/,
      );
    } finally {
      rmSync(inside, { recursive: true });
    }
  });

  it('never replaces a file of the same name, even one that appeared while writing', async () => {
    const folder = tempDir('sfb-card-');
    const temporary = path.join(folder, '.x.tmp');
    const final = path.join(folder, backupFileName(new Date(0)));
    writeFileSync(temporary, 'new');
    writeFileSync(final, 'someone else');
    await expect(commitBackupFile(temporary, final)).rejects.toThrow(/already exists; it is not overwritten/);
    expect(readdirSync(folder).sort()).toEqual(['.x.tmp', path.basename(final)]);
    expect(execFileSync('cat', [final], { encoding: 'utf8' })).toBe('someone else');
  });

  it('removes what a writer that is gone left, and keeps what a live one writes', async () => {
    const folder = tempDir('sfb-card-');
    const name = backupFileName(new Date(0));
    const dead = `.${name}.sfb-${bootTag()}-999999999-1.part`;
    const otherBoot = `.${name}.sfb-00000000-${identityTag()}`;
    const live = `.${name}.sfb-${bootTag()}-${identityTag()}.part`;
    for (const f of [dead, otherBoot, live, 'holiday.txt']) writeFileSync(path.join(folder, f), 'x');
    const run = await backUp(vault, folder);
    expect(run.end.status).toBe('Finished');
    const made = path.basename(run.file);
    expect(readdirSync(folder).sort()).toEqual([live, made, `${made}.sha256`, 'holiday.txt'].sort());
  });

  describe.skipIf(!canMount)('on a small drive (tmpfs)', () => {
    it('a drive too small: refused before writing, saying what is needed and what is free', async () => {
      const folder = drive('8m');
      const run = await backUp(vault, folder);
      expect(run.end.status).toBe('Error');
      expect(run.end.error).toMatch(
        /^There is not enough free space on .+: the backup needs about 3\d\.\d MB, and [\d.]+ MB is free\.$/,
      );
      expect(readdirSync(folder)).toEqual([]);
    });

    it('a drive that fills up while writing: a clear error, and the partial file is removed', async () => {
      const folder = drive('48m');
      let filled = false;
      const run = await backUp(vault, folder, (state) => {
        if (!filled && state.statusText.startsWith('Backing up:')) {
          filled = true;
          writeFileSync(path.join(folder, 'filler'), Buffer.alloc(30 << 20));
        }
      });
      expect(filled).toBe(true);
      expect(run.end.status).toBe('Error');
      expect(run.end.error).toMatch(/not enough free space on/);
      expect(readdirSync(folder)).toEqual(['filler']);
    });

    it('a drive pulled out while writing: not Finished, and nothing under the final name where it was', async () => {
      const folder = drive('64m');
      let pulled = false;
      const run = await backUp(vault, folder, (state) => {
        if (!pulled && state.statusText.startsWith('Backing up:')) {
          pulled = true;
          // Lazily, as the kernel does when a device goes: open files keep writing into nothing.
          execFileSync('umount', ['-l', folder]);
          mounted.splice(mounted.indexOf(folder), 1);
        }
      });
      expect(pulled).toBe(true);
      expect(run.end.status).toBe('Error');
      expect(run.end.error).toMatch(/was the drive removed\?/);
      expect(readdirSync(folder)).toEqual([]);
    });
  });
});
