// GNU sparse files in tar: the map of data regions in GNU's pax format 1.0 (written and read) and in
// the old GNU header format (read: what GNU tar writes by default with --sparse).
import { BLOCK, decodeNumber, type DecodedHeader } from './header.js';

export interface SparseRegion {
  offset: number;
  length: number;
}

type ReadExactly = (n: number) => Promise<Buffer>;

/** Pax 1.0: decimal numbers, one per line (count, then offset and length per region), padded to a block. */
export function encodeSparseMap(regions: SparseRegion[]): Buffer {
  const text = [regions.length, ...regions.flatMap((r) => [r.offset, r.length])].join('\n') + '\n';
  const bytes = Buffer.from(text, 'latin1');
  return Buffer.concat([bytes, Buffer.alloc((BLOCK - (bytes.length % BLOCK)) % BLOCK)]);
}

export async function parseSparseMap(read: ReadExactly): Promise<{ regions: SparseRegion[]; bytes: number }> {
  const numbers: number[] = [];
  let text = '';
  let bytes = 0;
  let wanted = Infinity;
  while (numbers.length < wanted) {
    if (bytes > 64 * 1024 * 1024) throw new Error('The backup is damaged: a sparse map is too large');
    text += (await read(BLOCK)).toString('latin1');
    bytes += BLOCK;
    let newline: number;
    while (numbers.length < wanted && (newline = text.indexOf('\n')) >= 0) {
      const line = text.slice(0, newline);
      text = text.slice(newline + 1);
      if (!/^\d+$/.test(line)) throw new Error('The backup is damaged: a sparse map is malformed');
      numbers.push(Number(line));
      if (numbers.length === 1) wanted = 1 + 2 * numbers[0]!;
    }
  }
  const regions: SparseRegion[] = [];
  for (let i = 1; i < numbers.length; i += 2) regions.push({ offset: numbers[i]!, length: numbers[i + 1]! });
  return { regions, bytes };
}

function oldEntries(block: Buffer, start: number, count: number, into: SparseRegion[]): void {
  for (let i = 0; i < count; i++) {
    const at = start + i * 24;
    if (block[at] === 0) return;
    into.push({
      offset: decodeNumber(block.subarray(at, at + 12)),
      length: decodeNumber(block.subarray(at + 12, at + 24)),
    });
  }
}

/** Old GNU ('S'): four regions in the header, more in extension blocks that follow it. */
export async function readOldGnuSparse(
  header: DecodedHeader,
  read: ReadExactly,
): Promise<{ regions: SparseRegion[]; realSize: number }> {
  const regions: SparseRegion[] = [];
  oldEntries(header.block, 386, 4, regions);
  let extended = header.block[482] !== 0;
  while (extended) {
    const block = await read(BLOCK);
    oldEntries(block, 0, 21, regions);
    extended = block[504] !== 0;
  }
  return { regions, realSize: decodeNumber(header.block.subarray(483, 495)) };
}
