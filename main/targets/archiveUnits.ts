// The folders (units) a backup file holds, read from its tar headers alone: each header says how far
// the next one is, so a large backup on a slow memory card is not read through. Used to ask, before a
// restore, where folders this computer does not back up should go.
import { open } from 'node:fs/promises';

const BLOCK = 512;
const MAX_HEADERS = 2_000_000;

function text(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const end = raw.indexOf(0);
  return (end === -1 ? raw : raw.subarray(0, end)).toString('utf8');
}

/** Octal, or base-256 when the top bit of the first byte is set (GNU and star for large sizes). */
function sizeField(block: Buffer): number {
  const field = block.subarray(124, 136);
  if (field[0]! & 0x80) {
    let n = 0;
    for (let i = 1; i < field.length; i++) n = n * 256 + field[i]!;
    return n;
  }
  const digits = text(block, 124, 12).trim();
  return digits ? parseInt(digits, 8) : 0;
}

function paxPath(data: Buffer): string | undefined {
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    if (space === -1) break;
    const length = parseInt(data.subarray(at, space).toString('ascii'), 10);
    if (!Number.isFinite(length) || length <= 0) break;
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    if (record.startsWith('path=')) return record.slice(5);
    at += length;
  }
  return undefined;
}

/** Top-level folders of the archive that hold entries (a top-level file, like a manifest, is no unit). */
export async function archiveUnits(file: string): Promise<string[]> {
  const handle = await open(file, 'r');
  const units = new Set<string>();
  try {
    const block = Buffer.alloc(BLOCK);
    let offset = 0;
    let longName: string | undefined;
    for (let count = 0; count < MAX_HEADERS; count++) {
      const { bytesRead } = await handle.read(block, 0, BLOCK, offset);
      if (bytesRead < BLOCK || block.every((b) => b === 0)) break;
      const type = String.fromCharCode(block[156]!) || '0';
      const size = sizeField(block);
      const dataStart = offset + BLOCK;
      offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'x' || type === 'L') {
        const data = Buffer.alloc(Math.min(size, 1 << 20));
        await handle.read(data, 0, data.length, dataStart);
        longName = type === 'L' ? text(data, 0, data.length) : paxPath(data);
        continue;
      }
      if (type === 'g' || type === 'K') continue;
      const prefix = text(block, 257, 6) === 'ustar' ? text(block, 345, 155) : '';
      const name = longName ?? (prefix ? `${prefix}/${text(block, 0, 100)}` : text(block, 0, 100));
      longName = undefined;
      const parts = name.split('/').filter((p) => p !== '' && p !== '.');
      if (parts.length > 1 || (parts.length === 1 && type === '5')) units.add(parts[0]!);
    }
  } finally {
    await handle.close();
  }
  return [...units];
}
