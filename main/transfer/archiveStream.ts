// What goes through a stream endpoint (streamEndpoints.ts) between the vault and this app's plugins:
// a head line, the archive's bytes, and for a backup a tail line with its SHA-256.
//   backup (vault → plugin):  "SFBACKUP-ARCHIVE 1 <size> <file name>\n" <size bytes> "SHA256 <hex>\n"
//   restore (plugin → vault): "SFBACKUP-RESTORE 1 <sha256 or -> <size or -> <file name>\n" <bytes until the end>

import { StreamClosedError } from './transferPipe.js';

const BACKUP_HEAD = /^SFBACKUP-ARCHIVE 1 (\d{1,16}) (sailfish_backup_[^/\s]{1,200})$/;
const BACKUP_TAIL = /^SHA256 ([0-9a-f]{64})$/;
const RESTORE_HEAD = /^SFBACKUP-RESTORE 1 ([0-9a-f]{64}|-) (\d{1,16}|-) ([^/\s]{1,255})$/;
const MAX_LINE = 512;

export function backupHead(size: number, name: string): Buffer {
  return Buffer.from(`SFBACKUP-ARCHIVE 1 ${size} ${name}\n`);
}

export function backupTail(sha256: string): Buffer {
  return Buffer.from(`SHA256 ${sha256}\n`);
}

export function restoreHead(sha256: string | undefined, size: number | undefined, name: string): Buffer {
  return Buffer.from(`SFBACKUP-RESTORE 1 ${sha256 ?? '-'} ${size ?? '-'} ${name}\n`);
}

/** Reads a framed stream: lines and a body, in order. */
export class FramedReader {
  private readonly source: AsyncIterator<Buffer>;
  private rest: Buffer = Buffer.alloc(0);

  constructor(source: AsyncIterable<Buffer>) {
    this.source = source[Symbol.asyncIterator]();
  }

  /** The next line, without its newline; undefined when the stream ends first. */
  async line(): Promise<string | undefined> {
    for (;;) {
      const newline = this.rest.indexOf(0x0a);
      if (newline >= 0) {
        const text = this.rest.subarray(0, newline).toString('utf8');
        this.rest = this.rest.subarray(newline + 1);
        return text;
      }
      if (this.rest.length > MAX_LINE) throw new Error('the transfer does not start as expected');
      const next = await this.source.next();
      if (next.done) return undefined;
      this.rest = Buffer.concat([this.rest, next.value]);
    }
  }

  /** The body: exactly `size` bytes, or (without a size) everything to the end of the stream. */
  async *body(size?: number): AsyncGenerator<Buffer> {
    let left = size ?? Infinity;
    if (this.rest.length > 0) {
      const part = this.rest.subarray(0, Math.min(this.rest.length, left));
      this.rest = this.rest.subarray(part.length);
      left -= part.length;
      if (part.length > 0) yield part;
    }
    while (left > 0) {
      const next = await this.source.next();
      if (next.done) {
        if (size === undefined) return;
        throw new TransferCutError(size - left, size);
      }
      const chunk = next.value;
      if (chunk.length <= left) {
        left -= chunk.length;
        yield chunk;
      } else {
        this.rest = chunk.subarray(left);
        const part = chunk.subarray(0, left);
        left = 0;
        yield part;
      }
    }
  }
}

/** The stream ended before the body was complete. */
export class TransferCutError extends Error {
  constructor(
    readonly got: number,
    readonly size: number,
  ) {
    super(`the archive stopped after ${got} of its ${size} bytes`);
    this.name = 'TransferCutError';
  }
}

export function parseBackupHead(line: string | undefined): { size: number; name: string } | undefined {
  const m = BACKUP_HEAD.exec(line ?? '');
  return m ? { size: Number(m[1]), name: m[2]! } : undefined;
}

export function parseBackupTail(line: string | undefined): string | undefined {
  return BACKUP_TAIL.exec(line ?? '')?.[1];
}

export function parseRestoreHead(
  line: string | undefined,
): { sha256?: string; size?: number; name: string } | undefined {
  const m = RESTORE_HEAD.exec(line ?? '');
  if (!m) return undefined;
  return { ...(m[1] !== '-' ? { sha256: m[1]! } : {}), ...(m[2] !== '-' ? { size: Number(m[2]) } : {}), name: m[3]! };
}

/** Whether an error only says the stream stopped early: the other side's own outcome says why. */
export function isTransferEnd(err: unknown): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return (
    err instanceof TransferCutError ||
    err instanceof StreamClosedError ||
    code === 'ECONNRESET' ||
    code === 'EPIPE' ||
    code === 'ERR_STREAM_PREMATURE_CLOSE'
  );
}
