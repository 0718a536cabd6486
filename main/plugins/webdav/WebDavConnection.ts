// One account's WebDAV server: folders, streamed transfers with Content-Length and byte counting, MOVE
// into place, and lean PROPFIND listings. Every request runs under a watchdog (transferWatch.ts).
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type http from 'node:http';
import type https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { MinorCode } from '../../buteo/codes.js';
import { BackupError } from '../../errors.js';
import { DavHttp } from './davHttp.js';
import { httpStatusOf, toBackupError } from './errors.js';
import { parseMultistatus, type RemoteEntry } from './multistatus.js';
import { FOREIGN_ORIGIN, originBoundAgents } from './originAgents.js';
import { DEFAULT_TRANSFER_LIMITS, TransferWatch, type TransferLimits, type TransferSignals } from './transferWatch.js';

export type { TransferLimits } from './transferWatch.js';
export { nestingDepth, parseMultistatus, type RemoteEntry } from './multistatus.js';

export interface ConnectionSettings {
  serverAddress: string;
  username: string;
  password: string;
  ignoreSslErrors: boolean;
  /** A request that moves no bytes for this long is aborted (shorthand for limits.idleTimeoutMs). */
  idleTimeoutMs?: number;
  limits?: Partial<TransferLimits>;
}

export type ByteProgress = (done: number, total: number | undefined) => void;

/** An upload's body: exactly `size` bytes, in chunks the connection may keep until they are sent. */
export interface UploadBody {
  size: number;
  chunks: AsyncIterable<Buffer> | Iterable<Buffer>;
  /** Told of each chunk once it is written out: its buffer may be used again. */
  release?: (chunk: Buffer) => void;
}

/** Transfer buffer size: 1 MiB reads and writes keep streaming within reach of curl's speed. */
const CHUNK = 1 << 20;

/** A listing larger than this is refused rather than held in memory (10,000 backups take ~2 MB). */
const MAX_LISTING = 64 << 20;
const PROPFIND_BODY =
  '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:getcontentlength/><d:getlastmodified/></d:prop></d:propfind>';
const PROPFIND_HEADERS = { 'Content-Type': 'application/xml; charset=utf-8' };

function causeCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as never, i++)
    if (typeof e.code === 'string') return e.code;
  return undefined;
}

export class WebDavConnection {
  readonly server: string;
  private readonly origin: string;
  private readonly limits: TransferLimits;
  private readonly agents: { httpAgent: http.Agent; httpsAgent: https.Agent };
  private readonly http: DavHttp;

  constructor(settings: ConnectionSettings) {
    const url = new URL(settings.serverAddress);
    this.server = url.host;
    this.origin = url.origin;
    this.limits = {
      ...DEFAULT_TRANSFER_LIMITS,
      ...(settings.idleTimeoutMs ? { idleTimeoutMs: settings.idleTimeoutMs } : {}),
      ...settings.limits,
    };
    // The password goes to the account's own origin only: a redirect elsewhere is refused.
    this.agents = originBoundAgents(url.origin, { rejectUnauthorized: !settings.ignoreSslErrors });
    this.http = new DavHttp(new URL(url.origin), this.agents, settings.username, settings.password);
  }

  /** Closes the kept-alive sockets. */
  close(): void {
    this.agents.httpAgent.destroy();
    this.agents.httpsAgent.destroy();
  }

  /** Runs one request under its watchdog (transferWatch.ts); the request reports bytes and answers to it. */
  private async guarded<T>(
    doing: string,
    signal: AbortSignal,
    work: (signal: AbortSignal, watch: TransferSignals) => Promise<T>,
    answerMs?: number,
  ): Promise<T> {
    const watch = new TransferWatch(this.limits, this.server, doing, answerMs);
    const combined = AbortSignal.any([signal, watch.signal]);
    try {
      return await work(combined, watch);
    } catch (err) {
      if (watch.signal.aborted) throw watch.signal.reason;
      if (signal.aborted) throw BackupError.aborted();
      if (causeCode(err) === FOREIGN_ORIGIN)
        throw new BackupError(
          MinorCode.ConnectionError,
          `The server ${this.server} redirected to another address while ${doing}; the password is only ever sent to ${this.origin}. If the server has moved, change the account's server address.`,
          { cause: err },
        );
      throw toBackupError(err, doing, this.server);
    } finally {
      watch.stop();
    }
  }

  private async propfind(path: string, depth: '0' | '1', signal: AbortSignal, watch: TransferSignals) {
    const res = await this.http.request({
      method: 'PROPFIND',
      path,
      headers: { ...PROPFIND_HEADERS, Depth: depth },
      body: PROPFIND_BODY,
      signal,
    });
    watch.answered();
    return readCapped(res, MAX_LISTING, this.server, watch);
  }

  /** PROPFIND Depth 1 of a folder; undefined when the folder does not exist. */
  async list(folder: string, signal: AbortSignal): Promise<RemoteEntry[] | undefined> {
    return this.guarded('listing backups', signal, async (s, watch) => {
      try {
        return parseMultistatus(await this.propfind(folder, '1', s, watch), folder);
      } catch (err) {
        if (httpStatusOf(err) === 404) return undefined;
        throw err;
      }
    });
  }

  async exists(remotePath: string, signal: AbortSignal): Promise<boolean> {
    return this.guarded(`checking the folder ${remotePath}`, signal, async (s, watch) => {
      try {
        await this.propfind(remotePath, '0', s, watch);
        return true;
      } catch (err) {
        if (httpStatusOf(err) === 404) return false;
        throw err;
      }
    });
  }

  /** Creates the folder and its missing parents, one MKCOL per segment (servers refuse deeper ones). */
  async ensureFolder(folder: string, signal: AbortSignal): Promise<void> {
    const segments = folder.split('/').filter(Boolean);
    let existing = segments.length;
    while (existing > 0 && !(await this.exists('/' + segments.slice(0, existing).join('/'), signal))) existing--;
    for (let i = existing + 1; i <= segments.length; i++) {
      const dir = '/' + segments.slice(0, i).join('/');
      await this.guarded(`creating the folder ${dir}`, signal, async (s) => {
        try {
          await this.http.call({ method: 'MKCOL', path: `${dir}/`, signal: s });
        } catch (err) {
          if (httpStatusOf(err) !== 405) throw err; // Apache: 405 when it already exists
        }
      });
    }
  }

  /** PUTs a local file with its Content-Length; returns its size. */
  async upload(localFile: string, remotePath: string, signal: AbortSignal, onProgress: ByteProgress): Promise<number> {
    const { size } = await stat(localFile);
    const chunks = createReadStream(localFile, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>;
    return this.uploadStream(remotePath, { size, chunks }, signal, onProgress);
  }

  /**
   * PUTs exactly `body.size` bytes with that Content-Length (servers behind FastCGI store 0 bytes for
   * a body without one). A body that ends early or runs long fails the upload.
   */
  async uploadStream(remotePath: string, body: UploadBody, signal: AbortSignal, onProgress: ByteProgress) {
    const { size } = body;
    let done = 0;
    await this.guarded('uploading the backup', signal, async (s, watch) => {
      await this.http.call({
        method: 'PUT',
        path: remotePath,
        headers: { 'Content-Length': String(size), 'Content-Type': 'application/octet-stream' },
        signal: s,
        stream: async (request, answered) => {
          for await (const chunk of body.chunks) {
            if (answered.aborted) return;
            if (done + chunk.length > size) throw new Error(`the backup grew past its announced ${size} bytes`);
            done += chunk.length;
            watch.bytes(chunk.length);
            onProgress(done, size);
            const release = body.release;
            if (!request.write(chunk, release && (() => release(chunk)))) await drained(request, answered);
          }
          if (answered.aborted) return;
          if (done !== size) throw new Error(`the backup ended after ${done} of its ${size} bytes`);
          watch.bodyDone();
        },
      });
      // A server that answers (even "201 Created") before it has read the whole body did not store it.
      if (done !== size)
        throw new BackupError(
          MinorCode.InternalError,
          `The server ${this.server} answered the upload after ${done} of its ${size} bytes, so it cannot hold the whole backup; it was not kept.`,
        );
    });
    return size;
  }

  /** MOVE; with `overwrite` false an existing target is kept and the call fails with HTTP 412. */
  async move(from: string, to: string, signal: AbortSignal, overwrite = true): Promise<void> {
    // A server may copy a large file to move it: give it the idle limit, not the answer limit.
    await this.guarded(
      'moving the backup into place',
      signal,
      (s) =>
        this.http.call({
          method: 'MOVE',
          path: from,
          headers: { Destination: this.http.url(to), Overwrite: overwrite ? 'T' : 'F' },
          signal: s,
        }),
      this.limits.idleTimeoutMs,
    );
  }

  async size(remotePath: string, signal: AbortSignal): Promise<number | undefined> {
    return this.guarded('checking the uploaded backup', signal, async (s, watch) => {
      const folder = remotePath.slice(0, remotePath.lastIndexOf('/'));
      const name = remotePath.slice(remotePath.lastIndexOf('/') + 1);
      const entries = parseMultistatus(await this.propfind(remotePath, '0', s, watch), folder);
      return entries.find((e) => e.name === name)?.size;
    });
  }

  async remove(remotePath: string, signal: AbortSignal): Promise<void> {
    await this.guarded('removing a file', signal, async (s) => {
      try {
        await this.http.call({ method: 'DELETE', path: remotePath, signal: s });
      } catch (err) {
        if (httpStatusOf(err) !== 404) throw err;
      }
    });
  }

  /**
   * GETs a file and hands its body to `consume` as it arrives (every chunk counted for progress and
   * the watchdog); fails when the body is shorter than its Content-Length. Returns the byte count.
   */
  async downloadStream(
    remotePath: string,
    signal: AbortSignal,
    onProgress: ByteProgress,
    consume: (body: AsyncIterable<Buffer>, total: number | undefined) => Promise<void>,
  ): Promise<number> {
    let done = 0;
    await this.guarded('downloading the backup', signal, async (s, watch) => {
      const res = await this.http.request({ method: 'GET', path: remotePath, signal: s });
      watch.answered();
      const total = Number(res.headers['content-length']) || undefined;
      async function* counted(): AsyncGenerator<Buffer> {
        for await (const chunk of res as AsyncIterable<Buffer>) {
          done += chunk.length;
          watch.bytes(chunk.length);
          onProgress(done, total);
          yield chunk;
        }
      }
      await consume(counted(), total);
      if (total !== undefined && done !== total)
        throw new BackupError(
          MinorCode.ConnectionError,
          `The download from ${this.server} ended early (${done} of ${total} bytes).`,
        );
    });
    return done;
  }

  /** Streams a file down into `localFile`; returns the byte count. */
  async download(
    remotePath: string,
    localFile: string,
    signal: AbortSignal,
    onProgress: ByteProgress,
  ): Promise<number> {
    return this.downloadStream(remotePath, signal, onProgress, (body) =>
      pipeline(body, createWriteStream(localFile, { mode: 0o600, highWaterMark: CHUNK })),
    );
  }
}

/** Waits until the request takes more, fails, or the server has answered (it reads no more then). */
function drained(request: http.ClientRequest, answered: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      request.off('drain', done).off('error', done);
      answered.removeEventListener('abort', stop);
      if (err) reject(err);
      else resolve();
    };
    const stop = () => done();
    request.once('drain', done).once('error', done);
    answered.addEventListener('abort', stop, { once: true });
  });
}

/** The response body as text, refused once it passes `limit` bytes; every chunk is reported to the watchdog. */
async function readCapped(
  body: AsyncIterable<Buffer> & { destroy(): void },
  limit: number,
  server: string,
  watch: TransferSignals,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    watch.bytes(chunk.length);
    if (size > limit) {
      body.destroy();
      throw new BackupError(
        MinorCode.InternalError,
        `The listing from ${server} is too large (over ${limit >> 20} MiB); refusing it.`,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
