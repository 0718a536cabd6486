// Backup archives: one tar, one top-level folder per backup unit (Sailfish's layout: People/…, Calendar/…).
import { createReadStream, createWriteStream, realpathSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { Pack, Unpack, type ReadEntry, type WriteEntry } from 'tar';
import type { Stats } from 'node:fs';

export interface ArchiveUnit {
  name: string;
  path: string;
}

export interface ArchiveProgress {
  unit: string;
  files: number;
  bytes: number;
}

export interface CreateOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ArchiveProgress) => void;
}

/** Unit folder names inside the archive: a plain name, no separators. */
export function isUnitName(name: string): boolean {
  return /^[^/\\\0]{1,255}$/.test(name) && name !== '.' && name !== '..' && !/\p{Cc}/u.test(name);
}

/**
 * Writes the units into `file` through a temporary `.part` name, so a cancelled or failed run never
 * leaves something that looks like a finished archive.
 */
export async function createArchive(
  units: ArchiveUnit[],
  file: string,
  options: CreateOptions = {},
): Promise<ArchiveProgress> {
  const roots = units.map((u) => ({ name: u.name, rel: realpathSync(u.path).replace(/^\/+/, '') }));
  roots.sort((a, b) => b.rel.length - a.rel.length);
  const progress: ArchiveProgress = { unit: '', files: 0, bytes: 0 };
  let lastReport = 0;
  const report = (force = false) => {
    const now = Date.now();
    if (force || now - lastReport > 100) {
      lastReport = now;
      options.onProgress?.({ ...progress });
    }
  };
  const pack = new Pack({
    cwd: '/',
    portable: false,
    // Large reads: node-tar's default 16 KiB reads make archiving several times slower than GNU tar.
    maxReadSize: 1 << 20,
    // Regular files, folders and symlinks only: device files and sockets have no place in a backup.
    filter: (_p: string, stat: Stats | ReadEntry) => {
      const s = stat as Stats;
      return s.isFile() || s.isDirectory() || s.isSymbolicLink();
    },
    onWriteEntry: (entry: WriteEntry) => {
      const rel = entry.path.replace(/^\/+/, '').replace(/\/$/, '');
      const root = roots.find((r) => rel === r.rel || rel.startsWith(r.rel + '/'));
      if (!root) return;
      entry.path = root.name + rel.slice(root.rel.length) + (entry.type === 'Directory' ? '/' : '');
      if (progress.unit !== root.name) {
        progress.unit = root.name;
        report(true);
      }
      if (entry.type === 'File') progress.files++;
    },
  });
  const part = `${file}.part`;
  const out = createWriteStream(part, { mode: 0o600, highWaterMark: 1 << 20 });
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (err: unknown) => {
        pack.removeAllListeners('data');
        pack.unpipe(out);
        pack.destroy();
        out.destroy();
        reject(err instanceof Error ? err : new Error(String(err)));
      };
      const signal = options.signal;
      const onAbort = () => fail(signal?.reason ?? new Error('aborted'));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      pack.on('data', (chunk: Buffer) => {
        progress.bytes += chunk.length;
        report();
      });
      pack.on('error', fail);
      out.on('error', fail);
      out.on('finish', () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      for (const root of [...roots].reverse()) pack.add(root.rel);
      pack.end();
      // A minipass pipe into a Node stream keeps backpressure without an async-iterator hop.
      pack.pipe(out);
    });
    await rename(part, file);
  } catch (err) {
    out.destroy();
    await rm(part, { force: true });
    throw err;
  }
  report(true);
  return progress;
}

export interface ExtractResult {
  units: string[];
  files: number;
  /** Entries refused for safety: escaping paths, links out of their unit, device files. */
  refused: string[];
}

const allowedTypes = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink']);

function refusalReason(entry: ReadEntry): string | undefined {
  const p = entry.path;
  if (p.startsWith('/') || /^[a-zA-Z]:/.test(p)) return 'absolute path';
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  if (parts.includes('..')) return 'path leaves the archive';
  if (parts.length === 0 || !isUnitName(parts[0]!)) return 'not inside a unit folder';
  if (parts.length === 1 && entry.type !== 'Directory') return 'not inside a unit folder';
  if (!allowedTypes.has(entry.type)) return `${entry.type} entries are not restored`;
  if (entry.type === 'SymbolicLink') {
    const target = entry.linkpath ?? '';
    if (target.startsWith('/')) return 'symlink to an absolute path';
    const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(parts.join('/')), target));
    if (resolved === '..' || resolved.startsWith('../') || resolved.split('/')[0] !== parts[0])
      return 'symlink out of its unit';
  }
  return undefined;
}

/** Unpacks into `dir` (a fresh staging folder) and refuses anything that could land outside it. */
export async function extractArchive(
  file: string,
  dir: string,
  options: { signal?: AbortSignal; onEntry?: (unit: string, files: number) => void } = {},
): Promise<ExtractResult> {
  const result: ExtractResult = { units: [], files: 0, refused: [] };
  const units = new Set<string>();
  await new Promise<void>((resolve, reject) => {
    const source = createReadStream(file);
    const unpack = new Unpack({
      cwd: dir,
      strict: true,
      preservePaths: false,
      preserveOwner: false,
      processUmask: 0o022,
      filter: (_p: string, entry: Stats | ReadEntry) => {
        const e = entry as ReadEntry;
        const reason = refusalReason(e);
        if (reason) {
          result.refused.push(`${e.path.slice(0, 200)}: ${reason}`);
          return false;
        }
        const unit = e.path.split('/').find((s) => s !== '' && s !== '.')!;
        units.add(unit);
        if (e.type !== 'Directory') result.files++;
        options.onEntry?.(unit, result.files);
        return true;
      },
    });
    const fail = (err: unknown) => {
      source.destroy();
      reject(err instanceof Error ? err : new Error(String(err)));
    };
    const onAbort = () => {
      const reason: unknown = options.signal?.reason;
      fail(reason instanceof Error ? reason : new Error('aborted'));
    };
    if (options.signal?.aborted) return onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    source.on('error', fail);
    unpack.on('error', fail);
    unpack.on('close', () => {
      options.signal?.removeEventListener('abort', onAbort);
      resolve();
    });
    source.pipe(unpack);
  });
  result.units = [...units];
  return result;
}
