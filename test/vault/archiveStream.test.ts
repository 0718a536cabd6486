// A streamed archive announces its length before its first byte (the upload's Content-Length), and
// keeps to it to the byte whatever happens to the files meanwhile: files that shrink, grow or disappear,
// a hard link whose first name disappears, a folder that appears. GNU tar reads it, and our restore
// verifies it against its own checksum and manifest.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  ftruncateSync,
  linkSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeArchive } from '../../main/vault/archive.js';
import { FramedReader, TransferCutError, backupHead, parseBackupHead } from '../../main/transfer/archiveStream.js';
import { MemoryPipe } from '../../main/transfer/transferPipe.js';
import { listingDifferences, listTree } from '../helpers/listing.js';
import { tempDir } from '../helpers/processes.js';
import { restoreInto } from '../helpers/restore.js';

/** Writes a streamed archive into memory; `during` runs as each chunk goes out. */
async function stream(unit: string, during: (sent: number) => void = () => {}) {
  const chunks: Buffer[] = [];
  let announced = -1;
  const result = await writeArchive(
    [{ name: 'Unit', path: unit }],
    {
      exact: true,
      begin: (size) => {
        announced = size;
        return Promise.resolve();
      },
      sink: (chunk) => {
        chunks.push(Buffer.from(chunk));
        during(chunks.reduce((n, c) => n + c.length, 0));
        return Promise.resolve();
      },
    },
    path.join(tempDir(), 'scratch'),
  );
  return { data: Buffer.concat(chunks), announced, result };
}

/** The archive as a file with its checksum beside it, as a download would leave it. */
function saved(data: Buffer): string {
  const file = path.join(tempDir(), 'sailfish_backup_2026-01-01T00-00-00Z.tar');
  writeFileSync(file, data);
  writeFileSync(`${file}.sha256`, `${createHash('sha256').update(data).digest('hex')}  x\n`);
  return file;
}

describe('streamed archives', () => {
  it('are exactly as long as announced, and restore verified to the same tree', async () => {
    const unit = path.join(tempDir(), 'Unit');
    mkdirSync(path.join(unit, 'sub'), { recursive: true });
    for (let i = 0; i < 50; i++) writeFileSync(path.join(unit, 'sub', `f${i}.txt`), `file ${i}\n`.repeat(i * 40));
    writeFileSync(path.join(unit, 'big.bin'), Buffer.alloc(3 << 20, 7));
    // Entries whose headers need pax records: long and non-UTF-8 names, long link targets, holes.
    const long = path.join(unit, 'a'.repeat(120), 'b'.repeat(150));
    mkdirSync(long, { recursive: true });
    writeFileSync(path.join(long, 'c'.repeat(200)), 'deep\n');
    writeFileSync(Buffer.from(`${unit}/latin1_\xe9t\xe9.txt`, 'latin1'), 'été\n');
    symlinkSync('t'.repeat(300), path.join(unit, 'long-link'));
    const fd = openSync(path.join(unit, 'holes.bin'), 'w');
    writeSync(fd, Buffer.alloc(4096, 1), 0, 4096, 8 << 20);
    ftruncateSync(fd, 16 << 20);
    closeSync(fd);
    const { data, announced, result } = await stream(unit);
    expect(data.length).toBe(announced);
    expect(createHash('sha256').update(data).digest('hex')).toBe(result.sha256);
    const out = tempDir();
    const restored = await restoreInto(saved(data), out);
    expect(restored.verified).toBe(true);
    expect(listingDifferences(listTree(unit), listTree(path.join(out, 'Unit')))).toEqual([]);
    expect(readFileSync(path.join(out, 'Unit', 'big.bin')).equals(readFileSync(path.join(unit, 'big.bin')))).toBe(true);
  });

  it('keep their announced length when files shrink, grow and disappear, and a hard link loses its first name', async () => {
    const unit = path.join(tempDir(), 'Unit');
    mkdirSync(unit);
    writeFileSync(path.join(unit, 'a-shrinks.log'), Buffer.alloc(4 << 20, 'x'));
    writeFileSync(path.join(unit, 'b-grows.log'), 'start\n');
    writeFileSync(path.join(unit, 'c-first.txt'), 'linked content\n'.repeat(1000));
    linkSync(path.join(unit, 'c-first.txt'), path.join(unit, 'd-second.txt'));
    for (let i = 0; i < 200; i++) writeFileSync(path.join(unit, `e-${String(i).padStart(3, '0')}.txt`), `${i}\n`);
    let changed = false;
    const { data, announced, result } = await stream(unit, () => {
      if (changed) return;
      changed = true; // while the first file is being read: everything after it changes under the writer
      truncateSync(path.join(unit, 'a-shrinks.log'), 100);
      appendFileSync(path.join(unit, 'b-grows.log'), 'more\n'.repeat(10_000));
      rmSync(path.join(unit, 'c-first.txt'));
      for (let i = 100; i < 200; i++) rmSync(path.join(unit, `e-${String(i).padStart(3, '0')}.txt`));
      mkdirSync(path.join(unit, 'f-new-folder'));
    });
    expect(changed).toBe(true);
    expect(data.length).toBe(announced);
    const reasons = result.notes.list.map((n) => `${path.basename(n.path)}: ${n.reason}`);
    expect(reasons).toContainEqual(expect.stringMatching(/^a-shrinks\.log: it shrank by \d+ bytes/));
    expect(reasons).toContainEqual(expect.stringMatching(/^b-grows\.log: it changed while it was read/));
    expect(reasons).toContainEqual(expect.stringMatching(/^c-first\.txt: it disappeared/));
    expect(reasons.filter((r) => /^e-1\d\d\.txt: it disappeared/.test(r))).toHaveLength(100);
    // GNU tar reads it to its end, and the second name of the hard link now holds the content itself.
    const file = saved(data);
    const listed = execFileSync('tar', ['-tvf', file]).toString();
    expect(listed).toMatch(/^-.* Unit\/d-second\.txt$/m);
    const out = tempDir();
    const restored = await restoreInto(file, out);
    expect(restored.verified).toBe(true);
    expect(readFileSync(path.join(out, 'Unit', 'd-second.txt'), 'utf8')).toBe('linked content\n'.repeat(1000));
    expect(readFileSync(path.join(out, 'Unit', 'b-grows.log'), 'utf8')).toBe('start\n');
  });

  it('are refused by the plugin when the stream ends before its announced length', async () => {
    const pipe = new MemoryPipe();
    await pipe.send(backupHead(10_000, 'sailfish_backup_2026-01-01T00-00-00Z.tar'));
    const reader = new FramedReader(pipe);
    expect(parseBackupHead(await reader.line())).toEqual({
      size: 10_000,
      name: 'sailfish_backup_2026-01-01T00-00-00Z.tar',
    });
    await pipe.send(Buffer.alloc(4000));
    pipe.close(); // the vault gave up
    const read = async () => {
      for await (const chunk of reader.body(10_000)) void chunk;
    };
    await expect(read()).rejects.toBeInstanceOf(TransferCutError);
  });

  it('still hear a cancel while they go through a large hole of a sparse file', async () => {
    // A disk image: 4 KiB of data, then a 1 GiB hole whose zeros the file's SHA-256 still covers.
    const unit = path.join(tempDir(), 'Unit');
    mkdirSync(unit);
    const fd = openSync(path.join(unit, 'disk.img'), 'w');
    writeSync(fd, Buffer.alloc(4096, 1), 0, 4096, 0);
    ftruncateSync(fd, 2 ** 30 + 4096);
    closeSync(fd);
    const cancel = new AbortController();
    const written = writeArchive(
      [{ name: 'Unit', path: unit }],
      {
        exact: true,
        // Cancelled as the first bytes go out: heard while the hole is hashed, not after it.
        begin: () => {
          setTimeout(() => cancel.abort(), 0);
          return Promise.resolve();
        },
        sink: () => Promise.resolve(),
      },
      path.join(tempDir(), 'scratch'),
      { signal: cancel.signal },
    );
    await expect(written).rejects.toThrow(/abort/i);
  });
});
