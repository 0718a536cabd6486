// Archives to restore are untrusted: whatever they hold, nothing lands outside the staging folder.
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Header } from 'tar';
import { describe, expect, it } from 'vitest';
import { createArchive } from '../../main/vault/archive.js';
import { tempDir } from '../helpers/processes.js';
import { restoreInto } from '../helpers/restore.js';
import { makeUnitTree, readTree } from '../helpers/tree.js';

type Entry = {
  path: string;
  type: 'File' | 'Directory' | 'SymbolicLink' | 'CharacterDevice' | 'Link';
  body?: string;
  linkpath?: string;
};

/** A tar file written header by header, so it can hold what a well-behaved tool never writes. */
function craftTar(file: string, entries: Entry[]): void {
  const blocks: Buffer[] = [];
  for (const e of entries) {
    const body = Buffer.from(e.body ?? '');
    const header = Buffer.alloc(512);
    new Header({
      path: e.path,
      type: e.type,
      size: e.type === 'File' ? body.length : 0,
      mode: e.type === 'Directory' ? 0o755 : 0o644,
      mtime: new Date(),
      ...(e.linkpath ? { linkpath: e.linkpath } : {}),
      ...(e.type === 'CharacterDevice' ? { devmaj: 1, devmin: 3 } : {}),
    }).encode(header, 0);
    blocks.push(header);
    if (e.type === 'File') blocks.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  writeFileSync(file, Buffer.concat(blocks));
}

describe('backup archives', () => {
  it('hold one folder per unit and unpack to the same bytes', async () => {
    const base = tempDir();
    const docs = path.join(base, 'home', 'Documents');
    const music = path.join(base, 'media', 'Music');
    makeUnitTree(docs, 100_000);
    mkdirSync(music, { recursive: true });
    writeFileSync(path.join(music, 'song.ogg'), 'la la la');
    const file = path.join(base, 'b.tar');
    const progress = await createArchive(
      [
        { name: 'Documents', path: docs },
        { name: 'Music', path: music },
      ],
      file,
    );
    expect(progress.files).toBe(5);
    const out = tempDir();
    const result = await restoreInto(file, out);
    expect(result.units.sort()).toEqual(['Documents', 'Music']);
    expect(result.verified).toBe(true);
    expect(result.notes.list).toEqual([]);
    expect(readTree(path.join(out, 'Documents'))).toEqual(readTree(docs));
    expect(readTree(path.join(out, 'Music'))).toEqual(readTree(music));
    expect(existsSync(`${file}.part`)).toBe(false);
  });

  it('leave no file behind when cancelled', async () => {
    const base = tempDir();
    makeUnitTree(path.join(base, 'unit'), 20_000_000);
    const controller = new AbortController();
    const file = path.join(base, 'b.tar');
    const run = createArchive([{ name: 'unit', path: path.join(base, 'unit') }], file, {
      signal: controller.signal,
      onProgress: () => controller.abort(),
    });
    await expect(run).rejects.toThrow();
    expect(existsSync(file)).toBe(false);
    expect(existsSync(`${file}.part`)).toBe(false);
  });

  it('refuse entries that would land outside the restore folder, hard links out of their unit and device files', async () => {
    const base = tempDir();
    const evil = path.join(base, 'evil.tar');
    craftTar(evil, [
      { path: 'Documents/', type: 'Directory' },
      { path: 'Documents/ok.txt', type: 'File', body: 'fine' },
      { path: 'Documents/../../escaped.txt', type: 'File', body: 'escape' },
      { path: '/tmp/absolute-evil.txt', type: 'File', body: 'absolute' },
      { path: 'Documents/passwd', type: 'SymbolicLink', linkpath: '/etc/passwd' },
      { path: 'Documents/up', type: 'SymbolicLink', linkpath: '../../..' },
      { path: 'Documents/null', type: 'CharacterDevice' },
      { path: 'Documents/hard', type: 'Link', linkpath: '/etc/shadow' },
      { path: 'loose.txt', type: 'File', body: 'not in a unit' },
    ]);
    const staging = path.join(base, 'stage');
    mkdirSync(staging);
    const result = await restoreInto(evil, staging);
    expect(result.units).toEqual(['Documents']);
    expect(result.verified).toBe(false);
    // Symlinks are data: restored as links, never followed; everything else that could escape is refused.
    expect(readTree(staging)).toEqual({
      Documents: '/',
      'Documents/ok.txt': Buffer.from('fine').toString('base64'),
      'Documents/passwd': '-> /etc/passwd',
      'Documents/up': '-> ../../..',
    });
    expect(result.notes.skipped).toBe(5);
    expect(existsSync(path.join(base, 'escaped.txt'))).toBe(false);
    expect(existsSync('/tmp/absolute-evil.txt')).toBe(false);
    expect(lstatSync(path.join(staging, 'Documents', 'passwd')).isSymbolicLink()).toBe(true);
    expect(readdirSync(staging)).toEqual(['Documents']);
  });

  it('are refused, with nothing restored, when cut anywhere or damaged in a header', async () => {
    const base = tempDir();
    const unit = path.join(base, 'Docs');
    makeUnitTree(unit, 50_000);
    const file = path.join(base, 'b.tar');
    await createArchive([{ name: 'Docs', path: unit }], file);
    const whole = readFileSync(file);
    const end = whole.length - 1024; // just before the end-of-archive marker
    const cases: Array<[string, Buffer, RegExp]> = [
      ['in its end-of-archive marker', whole.subarray(0, end + 512), /incomplete/],
      ['before its end-of-archive marker', whole.subarray(0, end), /incomplete/],
      ['in the middle of a file', whole.subarray(0, 20_000), /incomplete/],
      [
        'with a changed header byte',
        Buffer.concat([whole.subarray(0, 600), Buffer.from('X'), whole.subarray(601)]),
        /damaged|verification/,
      ],
    ];
    for (const [what, bytes, error] of cases) {
      const broken = path.join(base, 'broken.tar');
      writeFileSync(broken, bytes);
      const out = tempDir();
      await expect(restoreInto(broken, out), what).rejects.toThrow(error);
      expect(readdirSync(out), what).toEqual([]);
    }
  });

  it('fail clearly on a file that is not a tar archive', async () => {
    const base = tempDir();
    writeFileSync(path.join(base, 'junk.tar'), 'this is not a tar file at all'.repeat(40));
    const out = tempDir();
    await expect(restoreInto(path.join(base, 'junk.tar'), out)).rejects.toThrow(/damaged/);
    expect(readdirSync(out)).toEqual([]);
  });
});
