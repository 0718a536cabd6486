// The pieces behind folder targets: the mount table as the kernel writes it, the folders a backup file
// holds (read from its headers, long names too), the backups found in a folder, and browser mode's folder
// browser, which never shows anything outside the home folder and the drives.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { archiveUnits } from '../../main/vault/archiveUnits.js';
import { createFolder, listFolder } from '../../main/targets/folderBrowser.js';
import { listLocalBackups } from '../../main/targets/localBackups.js';
import { describeLocation, isMediaMount, parseMountinfo } from '../../main/targets/mountinfo.js';
import { typedFolder } from '../../main/targets/FolderTargets.js';
import { createArchive } from '../../main/vault/archive.js';
import { tempDir } from '../helpers/processes.js';

describe('the mount table', () => {
  const text = [
    '22 1 8:2 / / rw,relatime shared:1 - ext4 /dev/sda2 rw,errors=remount-ro',
    '98 22 8:17 / /media/alice/My\\040Stick rw,nosuid shared:50 - vfat /dev/sdb1 rw,uid=1000',
    '99 22 179:1 / /run/media/bob/CARD optional:1 shared:51 - exfat /dev/mmcblk0p1 rw',
    '100 22 0:5 / /mediafiles rw - ext4 /dev/sdc1 rw',
    'garbage line',
  ].join('\n');

  it('reads mount points with their escapes, file system and source', () => {
    expect(parseMountinfo(text).map((m) => [m.mountPoint, m.fsType, m.source])).toEqual([
      ['/', 'ext4', '/dev/sda2'],
      ['/media/alice/My Stick', 'vfat', '/dev/sdb1'],
      ['/run/media/bob/CARD', 'exfat', '/dev/mmcblk0p1'],
      ['/mediafiles', 'ext4', '/dev/sdc1'],
    ]);
  });

  it('knows media mounts, and names a folder by the drive it is on', () => {
    const mounts = parseMountinfo(text);
    expect(mounts.filter((m) => isMediaMount(m.mountPoint)).map((m) => m.mountPoint)).toEqual([
      '/media/alice/My Stick',
      '/run/media/bob/CARD',
    ]);
    expect(describeLocation('/media/alice/My Stick/Backups', mounts)).toBe(
      'the drive "My Stick" (/media/alice/My Stick/Backups)',
    );
    expect(describeLocation('/home/alice/Sailfish OS backups', mounts)).toBe('/home/alice/Sailfish OS backups');
  });
});

describe('the folders a backup file holds', () => {
  it('are the top-level folders with entries, long names included, read from the headers alone', async () => {
    const root = tempDir();
    const long = 'A folder with a name much longer than the hundred bytes a tar header holds for a name, really';
    mkdirSync(path.join(root, 'Documents', long, 'deeper'), { recursive: true });
    writeFileSync(path.join(root, 'Documents', long, 'deeper', 'file.txt'), 'x');
    mkdirSync(path.join(root, 'Pictures'));
    const file = path.join(tempDir(), 'sailfish_backup_2026-01-01T00-00-00Z.tar');
    await createArchive(
      [
        { name: 'Documents', path: path.join(root, 'Documents') },
        { name: 'Pictures', path: path.join(root, 'Pictures') },
      ],
      file,
    );
    expect((await archiveUnits(file)).sort()).toEqual(['Documents', 'Pictures']);
  });

  it('as GNU tar writes them too; a top-level file (a manifest) is not a folder', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'People'));
    writeFileSync(path.join(root, 'People', 'all.vcf'), 'BEGIN:VCARD\n');
    writeFileSync(path.join(root, 'manifest.json'), '{}');
    const file = path.join(tempDir(), 'device.tar');
    execFileSync('tar', ['-cf', file, '-C', root, 'People', 'manifest.json']);
    expect(await archiveUnits(file)).toEqual(['People']);
  });

  it('past GNU sparse files with extension blocks, pax headers, and inside a gzip-compressed backup', async () => {
    const root = tempDir();
    mkdirSync(path.join(root, 'Sparse'));
    // Many holes: an old GNU sparse map holds 4 regions in the header, the rest in extension blocks.
    const holes = path.join(root, 'Sparse', 'holes.img');
    const fd = openSync(holes, 'w');
    for (let i = 0; i < 40; i++) writeSync(fd, Buffer.from('data'), 0, 4, i * 65536);
    closeSync(fd);
    mkdirSync(path.join(root, 'Later'));
    writeFileSync(path.join(root, 'Later', 'note.txt'), 'x');
    const gnu = path.join(tempDir(), 'gnu.tar');
    execFileSync('tar', ['--format=gnu', '--sparse', '-cf', gnu, '-C', root, 'Sparse', 'Later']);
    expect((await archiveUnits(gnu)).sort()).toEqual(['Later', 'Sparse']);
    const pax = path.join(tempDir(), 'pax.tar');
    execFileSync('tar', ['--format=pax', '--sparse', '-cf', pax, '-C', root, 'Sparse', 'Later']);
    expect((await archiveUnits(pax)).sort()).toEqual(['Later', 'Sparse']);
    const gzip = path.join(tempDir(), 'device.tar.gz');
    execFileSync('tar', ['-czf', gzip, '-C', root, 'Sparse', 'Later']);
    expect((await archiveUnits(gzip)).sort()).toEqual(['Later', 'Sparse']);
  });
});

describe('backups in a folder', () => {
  it('are the backup files right in it, newest first; hidden, partial and other files are not', async () => {
    const dir = tempDir();
    for (const name of [
      'sailfish_backup_2026-01-02T10-00-00Z.tar',
      'sailfish_backup_2026-03-01T08-30-00Z.tar',
      'sailfish_backup_2025-12-31T23-59-59Z.tar.gz',
      '.sailfish_backup_2026-04-01T00-00-00Z.tar.sfb-abcdef01-1-2.part',
      'sailfish_backup_2026-04-01T00-00-00Z.tar.part',
      'holiday.jpg',
    ])
      writeFileSync(path.join(dir, name), 'x');
    mkdirSync(path.join(dir, 'sailfish_backup_2026-05-01T00-00-00Z.tar'));
    expect((await listLocalBackups(dir)).map((b) => b.name)).toEqual([
      'sailfish_backup_2026-03-01T08-30-00Z.tar',
      'sailfish_backup_2026-01-02T10-00-00Z.tar',
      'sailfish_backup_2025-12-31T23-59-59Z.tar.gz',
    ]);
  });
});

describe('the folder browser of browser mode', () => {
  const home = tempDir('sfb-home-');
  const drive = tempDir('sfb-drive-');
  const outside = tempDir('sfb-outside-');
  mkdirSync(path.join(home, 'Documents', 'Letters'), { recursive: true });
  mkdirSync(path.join(home, '.cache'));
  mkdirSync(path.join(drive, 'Backups'));
  symlinkSync(outside, path.join(home, 'escape'));
  symlinkSync(path.join(drive, 'Backups'), path.join(home, 'to-drive'));
  writeFileSync(path.join(home, 'notes.txt'), 'not a folder');
  const roots = [
    { label: 'Home', path: home },
    { label: 'SFB STICK', path: drive },
  ];

  it('lists the folders inside, without hidden ones, files or links that lead out', async () => {
    const listing = await listFolder(home, roots);
    expect(listing.folders.map((f) => f.name)).toEqual(['Documents', 'to-drive']);
    expect(listing.parent).toBeNull();
    expect(listing.roots.map((r) => r.label)).toEqual(['Home', 'SFB STICK']);
    const inner = await listFolder(path.join(home, 'Documents'), roots);
    expect(inner.parent).toBe(home);
    expect(inner.folders.map((f) => f.path)).toEqual([path.join(home, 'Documents', 'Letters')]);
  });

  it('refuses ".." and anything outside the home folder and the drives, however it is reached', async () => {
    await expect(listFolder(`${home}/Documents/../..`, roots)).rejects.toThrow(/may not contain "\.\."/);
    await expect(listFolder(outside, roots)).rejects.toThrow(/outside your home folder and the mounted drives/);
    await expect(listFolder(path.join(home, 'escape'), roots)).rejects.toThrow(/outside your home folder/);
    await expect(listFolder('/etc', roots)).rejects.toThrow(/outside your home folder/);
    await expect(listFolder('relative', roots)).rejects.toThrow(/absolute path/);
    await expect(listFolder(path.join(home, 'notes.txt'), roots)).rejects.toThrow(/is not a folder/);
  });

  it('makes a new folder only inside, with a plain name', async () => {
    expect(await createFolder(drive, 'Restored', roots)).toBe(path.join(drive, 'Restored'));
    await expect(createFolder(drive, '../x', roots)).rejects.toThrow(/cannot be a folder name/);
    await expect(createFolder(outside, 'x', roots)).rejects.toThrow(/outside/);
  });
});

describe('folders typed in the page', () => {
  it('expands ~ to the home folder and refuses paths relative to nothing', () => {
    const env = { HOME: '/home/alice' };
    expect(typedFolder('~', env)).toBe('/home/alice');
    expect(typedFolder('~/Documents', env)).toBe('/home/alice/Documents');
    expect(typedFolder(' /srv/photos/ ', env)).toBe('/srv/photos');
    expect(() => typedFolder('relative/path', env)).toThrow(/is not a full path/);
  });
});
