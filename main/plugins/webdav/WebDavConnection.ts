// One account's WebDAV server, built on the `webdav` client: folders, streamed transfers with
// Content-Length and byte counting, MOVE into place, and lean PROPFIND listings.
import { createReadStream, createWriteStream } from 'node:fs';
import type http from 'node:http';
import type https from 'node:https';
import { stat } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createClient, type WebDAVClient } from 'webdav';
import { MinorCode } from '../../buteo/codes.js';
import { BackupError } from '../../errors.js';
import { httpStatusOf, toBackupError } from './errors.js';
import { FOREIGN_ORIGIN, originBoundAgents } from './originAgents.js';
import { DEFAULT_TRANSFER_LIMITS, TransferWatch, type TransferLimits, type TransferSignals } from './transferWatch.js';

export type { TransferLimits } from './transferWatch.js';

export interface ConnectionSettings {
  serverAddress: string;
  username: string;
  password: string;
  ignoreSslErrors: boolean;
  /** A request that moves no bytes for this long is aborted (shorthand for limits.idleTimeoutMs). */
  idleTimeoutMs?: number;
  limits?: Partial<TransferLimits>;
}

import { parseMultistatus, type RemoteEntry } from './multistatus.js';

export { nestingDepth, parseMultistatus, type RemoteEntry } from './multistatus.js';

export type ByteProgress = (done: number, total: number | undefined) => void;

/** Transfer buffer size: 1 MiB reads and writes keep streaming within reach of curl's speed. */
const CHUNK = 1 << 20;

/** A listing larger than this is refused rather than held in memory (10,000 backups take ~2 MB). */
const MAX_LISTING = 64 << 20;
const PROPFIND_BODY =
  '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:getcontentlength/><d:getlastmodified/></d:prop></d:propfind>';

function counter(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
}

function causeCode(err: unknown): string | undefined {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, i = 0; e && i < 5; e = e.cause as never, i++)
    if (typeof e.code === 'string') return e.code;
  return undefined;
}

export class WebDavConnection {
  readonly client: WebDAVClient;
  readonly server: string;
  private readonly origin: string;
  private readonly limits: TransferLimits;
  private readonly agents: { httpAgent: http.Agent; httpsAgent: https.Agent };

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
    this.client = createClient(url.origin, {
      username: settings.username,
      password: settings.password,
      ...this.agents,
    });
  }

  /** Closes the kept-alive sockets: for short-lived connections such as a sign-in check. */
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

  /** PROPFIND Depth 1 of a folder; undefined when the folder does not exist. */
  async list(folder: string, signal: AbortSignal): Promise<RemoteEntry[] | undefined> {
    return this.guarded('listing backups', signal, async (s, watch) => {
      const res = await this.client
        .customRequest(folder, {
          method: 'PROPFIND',
          headers: { Depth: '1', 'Content-Type': 'application/xml; charset=utf-8' },
          data: PROPFIND_BODY,
          signal: s,
        })
        .catch((err: unknown) => {
          if (httpStatusOf(err) === 404) return undefined;
          throw err;
        });
      if (!res) return undefined;
      watch.answered();
      return parseMultistatus(await readCapped(res, MAX_LISTING, this.server, watch), folder);
    });
  }

  async exists(remotePath: string, signal: AbortSignal): Promise<boolean> {
    return this.guarded(`checking the folder ${remotePath}`, signal, (s) =>
      this.client.exists(remotePath, { signal: s }),
    );
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
          await this.client.createDirectory(dir, { signal: s });
        } catch (err) {
          if (httpStatusOf(err) !== 405) throw err; // Apache: 405 when it already exists
        }
      });
    }
  }

  async upload(localFile: string, remotePath: string, signal: AbortSignal, onProgress: ByteProgress): Promise<number> {
    const { size } = await stat(localFile);
    let done = 0;
    await this.guarded('uploading the backup', signal, async (s, watch) => {
      // Node Readable (not the webdav client's own stream handling) so the explicit Content-Length is honoured.
      const body = createReadStream(localFile, { highWaterMark: CHUNK }).pipe(
        counter((n) => {
          done += n;
          watch.bytes(n);
          if (done >= size) watch.bodyDone();
          onProgress(done, size);
        }),
      );
      const ok = await this.client.putFileContents(remotePath, body, {
        headers: { 'Content-Length': String(size) },
        overwrite: true,
        signal: s,
      });
      if (!ok) throw new Error('the server refused the upload');
    });
    return size;
  }

  /** MOVE; with `overwrite` false an existing target is kept and the call fails with HTTP 412. */
  async move(from: string, to: string, signal: AbortSignal, overwrite = true): Promise<void> {
    // A server may copy a large file to move it: give it the idle limit, not the answer limit.
    await this.guarded(
      'moving the backup into place',
      signal,
      (s) => this.client.moveFile(from, to, { overwrite, signal: s }),
      this.limits.idleTimeoutMs,
    );
  }

  async size(remotePath: string, signal: AbortSignal): Promise<number | undefined> {
    return this.guarded('checking the uploaded backup', signal, async (s) => {
      const info = await this.client.stat(remotePath, { signal: s });
      return 'size' in info && typeof info.size === 'number' ? info.size : undefined;
    });
  }

  async remove(remotePath: string, signal: AbortSignal): Promise<void> {
    await this.guarded('removing a file', signal, async (s) => {
      try {
        await this.client.deleteFile(remotePath, { signal: s });
      } catch (err) {
        if (httpStatusOf(err) !== 404) throw err;
      }
    });
  }

  /** Streams a file down into `localFile`; returns the byte count. */
  async download(
    remotePath: string,
    localFile: string,
    signal: AbortSignal,
    onProgress: ByteProgress,
  ): Promise<number> {
    let done = 0;
    await this.guarded('downloading the backup', signal, async (s, watch) => {
      const res = await this.client.customRequest(remotePath, { method: 'GET', signal: s });
      watch.answered();
      const total = Number(res.headers.get('content-length')) || undefined;
      const body = (res as unknown as { body?: unknown }).body;
      if (!body) throw new Error('the server sent no body');
      // node-fetch gives a Node stream, the platform fetch a web stream.
      const source =
        typeof (body as { pipe?: unknown }).pipe === 'function' ? (body as Readable) : Readable.fromWeb(body as never);
      await pipeline(
        source,
        counter((n) => {
          done += n;
          watch.bytes(n);
          onProgress(done, total);
        }),
        createWriteStream(localFile, { mode: 0o600, highWaterMark: CHUNK }),
        { signal: s },
      );
      if (total !== undefined && done !== total)
        throw new BackupError(
          MinorCode.ConnectionError,
          `The download from ${this.server} ended early (${done} of ${total} bytes).`,
        );
    });
    return done;
  }
}

/** The response body as text, refused once it passes `limit` bytes; every chunk is reported to the watchdog. */
async function readCapped(res: unknown, limit: number, server: string, watch: TransferSignals): Promise<string> {
  const body = (res as { body?: unknown }).body;
  if (!body) return '';
  const stream =
    typeof (body as { pipe?: unknown }).pipe === 'function' ? (body as Readable) : Readable.fromWeb(body as never);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    watch.bytes((chunk as Buffer).length);
    if (size > limit) {
      stream.destroy();
      throw new BackupError(
        MinorCode.InternalError,
        `The listing from ${server} is too large (over ${limit >> 20} MiB); refusing it.`,
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
