// The folders (units) a backup file holds, read from its tar headers alone: each header says how far
// the next one is, so a large backup on a slow memory card is not read through. Used to ask, before a
// restore, where folders this computer does not back up should go. Headers are decoded by the vault's
// own tar codec (tar/header.ts); a gzip-compressed backup is read through TarReader instead.
import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { BLOCK, TypeFlag, decodeHeader, isZeroBlock, parsePaxRecords } from './tar/header.js';
import { TarReader } from './tar/TarReader.js';

const MAX_HEADERS = 2_000_000;
/** A pax header or long name bigger than this is not a name: the file is damaged. */
const MAX_META = 1 << 20;

/** The first path component of a member, when the member is inside a folder (a unit). */
function unitOf(path: Buffer, isDirectory: boolean): string | undefined {
  const parts = path
    .toString('utf8')
    .split('/')
    .filter((p) => p !== '' && p !== '.');
  return parts.length > 1 || (parts.length === 1 && isDirectory) ? parts[0] : undefined;
}

async function readAt(handle: FileHandle, length: number, position: number): Promise<Buffer> {
  const data = Buffer.alloc(length);
  const { bytesRead } = await handle.read(data, 0, length, position);
  if (bytesRead < length) throw new Error('The backup is incomplete: it ends inside a header.');
  return data;
}

async function isGzip(handle: FileHandle): Promise<boolean> {
  const head = Buffer.alloc(2);
  const { bytesRead } = await handle.read(head, 0, 2, 0);
  return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
}

async function gzipUnits(file: string): Promise<string[]> {
  const units = new Set<string>();
  const reader = new TarReader(createReadStream(file).pipe(createGunzip()) as AsyncIterable<Buffer>);
  try {
    for (let entry = await reader.next(); entry; entry = await reader.next()) {
      const unit = unitOf(entry.path, entry.kind === 'directory');
      if (unit) units.add(unit);
    }
  } finally {
    await reader.abandon(); // read for its names only: its hashing thread ends here
  }
  return [...units];
}

/** Top-level folders of the archive that hold entries (a top-level file, like a manifest, is no unit). */
export async function archiveUnits(file: string): Promise<string[]> {
  const handle = await open(file, 'r');
  try {
    if (await isGzip(handle)) return await gzipUnits(file);
    const units = new Set<string>();
    let offset = 0;
    let pax = new Map<string, Buffer>();
    let longName: Buffer | undefined;
    for (let count = 0; count < MAX_HEADERS; count++) {
      const block = Buffer.alloc(BLOCK);
      const { bytesRead } = await handle.read(block, 0, BLOCK, offset);
      if (bytesRead < BLOCK || isZeroBlock(block)) break;
      const header = decodeHeader(block);
      const flag = header.typeflag;
      let dataStart = offset + BLOCK;
      // An old GNU sparse file's map may go on in extension blocks between header and data (not in size).
      if (flag === TypeFlag.GnuSparse && block[482] !== 0)
        for (let extended = true; extended; dataStart += BLOCK)
          extended = (await readAt(handle, BLOCK, dataStart))[504] !== 0;
      const meta = () => {
        if (header.size > MAX_META) throw new Error('The backup is damaged: a header is too long.');
        return readAt(handle, header.size, dataStart);
      };
      let stored = header.size;
      if (flag === TypeFlag.PaxHeader) pax = new Map([...pax, ...parsePaxRecords(await meta())]);
      else if (flag === TypeFlag.GnuLongName) {
        const data = await meta();
        const end = data.indexOf(0);
        longName = end < 0 ? data : data.subarray(0, end);
      } else if (flag !== TypeFlag.PaxGlobal && flag !== TypeFlag.GnuLongLink) {
        const paxSize = pax.get('size');
        if (paxSize) stored = Number(paxSize.toString('latin1'));
        if (!Number.isSafeInteger(stored) || stored < 0) throw new Error('The backup is damaged: a bad size.');
        const name = pax.get('GNU.sparse.name') ?? pax.get('path') ?? longName ?? header.path;
        const unit = unitOf(name, flag === TypeFlag.Directory);
        if (unit) units.add(unit);
        pax = new Map();
        longName = undefined;
      }
      offset = dataStart + Math.ceil(stored / BLOCK) * BLOCK;
    }
    return [...units];
  } finally {
    await handle.close();
  }
}
