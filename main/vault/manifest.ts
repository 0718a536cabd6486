// The manifest: the last member of every archive we write, a dot-named top-level file
// (`.sailfish-backup-manifest.jsonl`) that a restore of an older app or a device skips as "not a unit".
// JSON Lines: a head line, one line per archive member in archive order (path, type, size, mode, mtime,
// link target, SHA-256 of the content), an end line. Written as the archive is written and checked as
// it is read, so neither side needs the whole archive at once.
import { isUtf8 } from 'node:buffer';
import { z } from 'zod';
import type { FileNote } from './notes.js';

export const MANIFEST_NAME = '.sailfish-backup-manifest.jsonl';
export const MANIFEST_FORMAT = 'sailfish-backup-manifest';

export type ManifestType = 'file' | 'dir' | 'symlink' | 'hardlink';

export interface ManifestEntry {
  /** The member's path in the archive, without a trailing slash. */
  path: Buffer;
  type: ManifestType;
  /** A file's size in bytes (a sparse file's real size); 0 otherwise. */
  size: number;
  /** Permission bits, as stored in the header. */
  mode: number;
  /** Seconds since the epoch with nanoseconds: "1700000000.123456789". */
  mtime: string;
  sha256?: string;
  /** A symlink's target, or the earlier member a hard link points to. */
  link?: Buffer;
  sparse?: boolean;
  /** Why the stored file differs from the one on disk (it shrank while it was read). */
  note?: string;
}

export interface ManifestHead {
  format: typeof MANIFEST_FORMAT;
  version: 1;
  created: string;
  units: string[];
}

/** Names go in as text when they are UTF-8, as base64 bytes when not: JSON cannot hold raw bytes. */
function bytesField(key: string, value: Buffer): string {
  return isUtf8(value)
    ? `"${key}":${JSON.stringify(value.toString('utf8'))}`
    : `"${key}Base64":"${value.toString('base64')}"`;
}

export function headLine(units: string[], created = new Date()): string {
  const head: ManifestHead = { format: MANIFEST_FORMAT, version: 1, created: created.toISOString(), units };
  return JSON.stringify(head) + '\n';
}

/** One member's line, the same JSON as stringifying it would give, built as text: a backup writes one per file. */
export function entryLine(e: ManifestEntry): string {
  let line = `{${bytesField('path', e.path)},"type":"${e.type}","size":${e.size},"mode":${e.mode},"mtime":"${e.mtime}"`;
  if (e.sha256) line += `,"sha256":"${e.sha256}"`;
  if (e.link) line += `,${bytesField('link', e.link)}`;
  if (e.sparse) line += ',"sparse":true';
  if (e.note) line += `,"note":${JSON.stringify(e.note)}`;
  return line + '}\n';
}

export function endLine(entries: number, notes: FileNote[]): string {
  return JSON.stringify({ end: true, entries, notes }) + '\n';
}

const headSchema = z.object({
  format: z.literal(MANIFEST_FORMAT),
  version: z.literal(1),
  created: z.string(),
  units: z.array(z.string()),
});

const entrySchema = z.object({
  path: z.string().optional(),
  pathBase64: z.string().optional(),
  type: z.enum(['file', 'dir', 'symlink', 'hardlink']),
  size: z.number().int().nonnegative(),
  mode: z.number().int().nonnegative(),
  mtime: z.string().regex(/^-?\d+\.\d{9}$/),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  link: z.string().optional(),
  linkBase64: z.string().optional(),
  sparse: z.boolean().optional(),
  note: z.string().optional(),
});

const endSchema = z.object({ end: z.literal(true), entries: z.number().int().nonnegative() });

export type ManifestLine =
  { kind: 'head'; head: ManifestHead } | { kind: 'entry'; entry: ManifestEntry } | { kind: 'end'; entries: number };

/** Parses one line; throws on anything that is not a manifest line of this version. */
export function parseLine(line: string): ManifestLine {
  const json: unknown = JSON.parse(line);
  const head = headSchema.safeParse(json);
  if (head.success) return { kind: 'head', head: head.data };
  const end = endSchema.safeParse(json);
  if (end.success) return { kind: 'end', entries: end.data.entries };
  const e = entrySchema.parse(json);
  const path = e.path !== undefined ? Buffer.from(e.path, 'utf8') : Buffer.from(e.pathBase64 ?? '', 'base64');
  const link =
    e.link !== undefined ? Buffer.from(e.link, 'utf8') : e.linkBase64 ? Buffer.from(e.linkBase64, 'base64') : undefined;
  return {
    kind: 'entry',
    entry: {
      path,
      type: e.type,
      size: e.size,
      mode: e.mode,
      mtime: e.mtime,
      ...(e.sha256 ? { sha256: e.sha256 } : {}),
      ...(link ? { link } : {}),
      ...(e.sparse ? { sparse: true } : {}),
      ...(e.note ? { note: e.note } : {}),
    },
  };
}

/** "1700000000.123456789" from nanoseconds since the epoch (negative times too). */
export function mtimeText(ns: bigint): string {
  let sec = ns / 1_000_000_000n;
  let frac = ns % 1_000_000_000n;
  if (frac < 0n) {
    sec -= 1n;
    frac += 1_000_000_000n;
  }
  return `${sec}.${frac.toString().padStart(9, '0')}`;
}

export function mtimeSeconds(text: string): number {
  return Number(text.slice(0, text.indexOf('.')));
}
