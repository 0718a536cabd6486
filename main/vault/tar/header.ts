// Tar headers as bytes (POSIX ustar + pax, with the GNU extensions GNU tar writes and reads): names stay
// raw bytes end to end, so a file name that is not UTF-8 comes back exactly as it was. node-tar decodes
// every name as UTF-8 text (losing such bytes) and has no sparse files, hence this small codec.
import { isUtf8 } from 'node:buffer';

export const BLOCK = 512;

/** Entry types, by their typeflag byte. */
export const TypeFlag = {
  File: '0',
  OldFile: '\0',
  HardLink: '1',
  SymLink: '2',
  CharDevice: '3',
  BlockDevice: '4',
  Directory: '5',
  Fifo: '6',
  Contiguous: '7',
  PaxHeader: 'x',
  PaxGlobal: 'g',
  GnuLongName: 'L',
  GnuLongLink: 'K',
  GnuSparse: 'S',
} as const;

export interface HeaderFields {
  path: Buffer;
  typeflag: string;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Whole seconds; pax records carry finer times. */
  mtime: number;
  linkpath: Buffer;
  uname: string;
  gname: string;
}

export interface DecodedHeader extends HeaderFields {
  /** "ustar\0" + "00" (POSIX) or "ustar  \0" (old GNU: no prefix field, GNU sparse fields instead). */
  format: 'posix' | 'gnu' | 'v7';
  block: Buffer;
}

function cString(buf: Buffer): Buffer {
  const end = buf.indexOf(0);
  return Buffer.from(end < 0 ? buf : buf.subarray(0, end));
}

/** Octal, or GNU base-256 (first byte 0x80 positive, 0xff negative) for values octal cannot hold. */
export function decodeNumber(field: Buffer): number {
  const first = field[0]!;
  if (first & 0x80) {
    const negative = first === 0xff;
    let value = 0;
    for (let i = 0; i < field.length; i++) {
      let byte = field[i]!;
      if (i === 0) byte &= 0x7f;
      if (negative) byte = 0xff - byte;
      value = value * 256 + byte;
    }
    return negative ? -(value + 1) : value;
  }
  const text = field
    .toString('latin1')
    .replace(/[\0 ]+$/g, '')
    .replace(/\0.*$/, '')
    .trim();
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new Error(`"${text}" is not an octal number`);
  return parseInt(text, 8);
}

function encodeNumber(buf: Buffer, off: number, size: number, value: number): void {
  const v = Math.floor(value);
  if (v >= 0 && v < 8 ** (size - 1)) {
    buf.write(v.toString(8).padStart(size - 1, '0') + '\0', off, size, 'latin1');
    return;
  }
  // Base-256, big-endian two's complement with the marker bit (GNU tar, star, libarchive read it).
  let rest = BigInt(v);
  const negative = rest < 0n;
  if (negative) rest = (1n << BigInt(8 * size)) + rest;
  for (let i = size - 1; i >= 0; i--) {
    buf[off + i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  buf[off] = negative ? 0xff : buf[off]! | 0x80;
}

function checksum(block: Buffer): { unsigned: number; signed: number } {
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i]!;
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  return { unsigned, signed };
}

export function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/** Reads one 512-byte header; throws if its checksum is wrong (a damaged or misaligned archive). */
export function decodeHeader(block: Buffer): DecodedHeader {
  const stored = decodeNumber(block.subarray(148, 156));
  const sums = checksum(block);
  if (stored !== sums.unsigned && stored !== sums.signed) throw new Error('a tar header has a wrong checksum');
  const magic = block.subarray(257, 265).toString('latin1');
  const format = magic === 'ustar\x0000' ? 'posix' : magic === 'ustar  \0' ? 'gnu' : 'v7';
  let path = cString(block.subarray(0, 100));
  if (format === 'posix') {
    const prefix = cString(block.subarray(345, 500));
    if (prefix.length > 0) path = Buffer.concat([prefix, Buffer.from('/'), path]);
  }
  const flag = String.fromCharCode(block[156]!);
  return {
    path,
    typeflag: flag === '\0' ? TypeFlag.File : flag,
    mode: decodeNumber(block.subarray(100, 108)),
    uid: decodeNumber(block.subarray(108, 116)),
    gid: decodeNumber(block.subarray(116, 124)),
    size: decodeNumber(block.subarray(124, 136)),
    mtime: decodeNumber(block.subarray(136, 148)),
    linkpath: cString(block.subarray(157, 257)),
    uname: cString(block.subarray(265, 297)).toString('utf8'),
    gname: cString(block.subarray(297, 329)).toString('utf8'),
    format,
    block,
  };
}

/** Splits a name into ustar prefix (≤155 bytes) and name (≤100 bytes) at a slash, if it can be. */
function splitName(path: Buffer): { name: Buffer; prefix: Buffer } | undefined {
  if (path.length <= 100) return { name: path, prefix: Buffer.alloc(0) };
  for (let i = path.length - 1; i >= 0; i--) {
    if (path[i] !== 0x2f) continue;
    if (path.length - i - 1 > 100) return undefined;
    if (i <= 155 && i > 0 && path.length - i - 1 > 0)
      return { name: path.subarray(i + 1), prefix: path.subarray(0, i) };
  }
  return undefined;
}

/** One pax record: "<length> <key>=<value>\n", the length counting itself. */
function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')]);
  let length = body.length + 1;
  while (String(length).length + body.length > length) length++;
  return Buffer.concat([Buffer.from(String(length)), body]);
}

export function parsePaxRecords(data: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  let pos = 0;
  while (pos < data.length) {
    if (data[pos] === 0) break;
    const space = data.indexOf(0x20, pos);
    const length = space > pos ? Number(data.subarray(pos, space).toString('latin1')) : NaN;
    if (!Number.isInteger(length) || length <= 0 || pos + length > data.length || data[pos + length - 1] !== 0x0a)
      throw new Error('a pax extended header is malformed');
    const record = data.subarray(space + 1, pos + length - 1);
    const eq = record.indexOf(0x3d);
    if (eq <= 0) throw new Error('a pax extended header is malformed');
    out.set(record.subarray(0, eq).toString('utf8'), Buffer.from(record.subarray(eq + 1)));
    pos += length;
  }
  return out;
}

function rawHeader(h: HeaderFields, name: Buffer, prefix: Buffer, linkpath: Buffer): Buffer {
  const block = Buffer.alloc(BLOCK);
  name.copy(block, 0, 0, Math.min(100, name.length));
  encodeNumber(block, 100, 8, h.mode & 0o7777);
  encodeNumber(block, 108, 8, h.uid);
  encodeNumber(block, 116, 8, h.gid);
  encodeNumber(block, 124, 12, h.size);
  encodeNumber(block, 136, 12, h.mtime);
  block.write(h.typeflag, 156, 1, 'latin1');
  linkpath.copy(block, 157, 0, Math.min(100, linkpath.length));
  block.write('ustar\x0000', 257, 8, 'latin1');
  block.write(h.uname.slice(0, 31), 265, 32, 'utf8');
  block.write(h.gname.slice(0, 31), 297, 32, 'utf8');
  encodeNumber(block, 329, 8, 0);
  encodeNumber(block, 337, 8, 0);
  prefix.copy(block, 345, 0, Math.min(155, prefix.length));
  block.write(checksum(block).unsigned.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
  return block;
}

/**
 * A stand-in ustar name for an entry whose real name is in a pax record, as GNU tar makes them
 * (`<dir>/PaxHeaders/<name>`, `<dir>/GNUSparseFile.0/<name>`): a reader without pax support puts it
 * beside the real file, inside its unit folder.
 */
function placeholder(path: Buffer, marker: string): Buffer {
  const trimmed = path[path.length - 1] === 0x2f ? path.subarray(0, -1) : path;
  const slash = trimmed.lastIndexOf(0x2f);
  const ascii = (b: Buffer) => b.toString('latin1').replace(/[^\x20-\x7e]/g, '_');
  const base = ascii(trimmed.subarray(slash + 1)).slice(-40);
  const dir = slash > 0 ? ascii(trimmed.subarray(0, slash)) : '';
  const full =
    dir && dir.length + marker.length + base.length + 2 <= 99 ? `${dir}/${marker}/${base}` : `${marker}/${base}`;
  return Buffer.from(full.slice(0, 99), 'latin1');
}

const OCTAL_12_MAX = 8 ** 11;

/**
 * Whether an entry's header is the ustar block alone (no pax extended header before it): what most
 * entries are, and the size of an archive can be counted without building their headers.
 */
export function fitsUstar(h: Pick<HeaderFields, 'path' | 'linkpath' | 'size'>, sparse = false): boolean {
  if (sparse || h.size >= OCTAL_12_MAX || h.linkpath.length > 100) return false;
  if (!isUtf8(h.path) || !isUtf8(h.linkpath)) return false;
  return splitName(h.path) !== undefined;
}

/**
 * The blocks for one entry's header: a pax extended header first when ustar cannot hold the entry
 * exactly (a long or non-UTF-8 name, a size of 8 GiB or more, a sparse file), then the ustar header.
 * A sparse file is written in GNU's pax format 1.0: its real name and size in GNU.sparse.* records,
 * its data area starting with the map of data regions (GNU tar and libarchive read it).
 */
export function encodeHeader(h: HeaderFields, options: { sparseRealSize?: number } = {}): Buffer {
  const records: Array<[string, Buffer]> = [];
  const binary = !isUtf8(h.path) || !isUtf8(h.linkpath);
  let name: Buffer;
  let prefix: Buffer = Buffer.alloc(0);
  if (options.sparseRealSize !== undefined) {
    records.push(
      ['GNU.sparse.major', Buffer.from('1')],
      ['GNU.sparse.minor', Buffer.from('0')],
      ['GNU.sparse.name', h.path],
      ['GNU.sparse.realsize', Buffer.from(String(options.sparseRealSize))],
    );
    name = placeholder(h.path, 'GNUSparseFile.0');
  } else {
    const split = binary ? undefined : splitName(h.path);
    if (!split) records.push(['path', h.path]);
    name = split?.name ?? (h.path.length <= 100 ? h.path : placeholder(h.path, 'PaxName'));
    prefix = split?.prefix ?? prefix;
  }
  if (h.linkpath.length > 100 || (binary && h.linkpath.length > 0)) records.push(['linkpath', h.linkpath]);
  if (h.size >= OCTAL_12_MAX) records.push(['size', Buffer.from(String(h.size))]);
  // hdrcharset=BINARY: the names are bytes, not UTF-8 (POSIX pax; GNU tar and libarchive honour it).
  if (binary) records.unshift(['hdrcharset', Buffer.from('BINARY')]);
  const link = h.linkpath.length <= 100 ? h.linkpath : placeholder(h.linkpath, 'PaxLink');
  const main = rawHeader(h, name, prefix, link);
  if (records.length === 0) return main;
  const body = Buffer.concat(records.map(([k, v]) => paxRecord(k, v)));
  const paxHeader = rawHeader(
    { ...h, typeflag: TypeFlag.PaxHeader, mode: 0o644, size: body.length, linkpath: Buffer.alloc(0) },
    placeholder(h.path, 'PaxHeaders'),
    Buffer.alloc(0),
    Buffer.alloc(0),
  );
  return Buffer.concat([paxHeader, body, padding(body.length), main]);
}

export function padding(size: number): Buffer {
  return Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK);
}
