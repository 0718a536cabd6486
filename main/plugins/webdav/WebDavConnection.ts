// One account's WebDAV server, built on the `webdav` client: folders, streamed transfers with
// Content-Length and byte counting, MOVE into place, and lean PROPFIND listings.
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { createClient, type WebDAVClient } from 'webdav';
import { MinorCode } from '../../buteo/codes.js';
import { BackupError } from '../../errors.js';
import { httpStatusOf, toBackupError } from './errors.js';
import { scalarText } from '../../scalar.js';

export interface ConnectionSettings {
  serverAddress: string;
  username: string;
  password: string;
  ignoreSslErrors: boolean;
  /** A request that moves no bytes for this long is aborted. */
  idleTimeoutMs?: number;
}

export interface RemoteEntry {
  name: string;
  isCollection: boolean;
  size: number | undefined;
  modified: Date | undefined;
}

export type ByteProgress = (done: number, total: number | undefined) => void;

/** Transfer buffer size: 1 MiB reads and writes keep streaming within reach of curl's speed. */
const CHUNK = 1 << 20;

/** A listing larger than this is refused rather than held in memory (10,000 backups take ~2 MB). */
const MAX_LISTING = 64 << 20;
/** Real multistatus answers nest about six deep. */
const MAX_DEPTH = 100;

const PROPFIND_BODY =
  '<?xml version="1.0" encoding="utf-8"?><d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:getcontentlength/><d:getlastmodified/></d:prop></d:propfind>';

const propfindParser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: true,
  isArray: (name) => name === 'response' || name === 'propstat',
});

function counter(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
}

export class WebDavConnection {
  readonly client: WebDAVClient;
  readonly server: string;
  private readonly idleTimeoutMs: number;
  private readonly agents: [http.Agent, https.Agent];

  constructor(settings: ConnectionSettings) {
    const url = new URL(settings.serverAddress);
    this.server = url.host;
    this.idleTimeoutMs = settings.idleTimeoutMs ?? 60_000;
    this.agents = [
      new http.Agent({ keepAlive: true }),
      new https.Agent({ keepAlive: true, rejectUnauthorized: !settings.ignoreSslErrors }),
    ];
    this.client = createClient(url.origin, {
      username: settings.username,
      password: settings.password,
      httpAgent: this.agents[0],
      httpsAgent: this.agents[1],
    });
  }

  /** Closes the kept-alive sockets: for short-lived connections such as a sign-in check. */
  close(): void {
    for (const agent of this.agents) agent.destroy();
  }

  /** Runs one request with an idle watchdog; `touch` resets it whenever bytes move. */
  private async guarded<T>(
    doing: string,
    signal: AbortSignal,
    work: (signal: AbortSignal, touch: () => void) => Promise<T>,
  ): Promise<T> {
    const idle = new AbortController();
    let last = Date.now();
    const timer = setInterval(
      () => {
        if (Date.now() - last > this.idleTimeoutMs) {
          idle.abort(
            new BackupError(
              MinorCode.ConnectionError,
              `The server ${this.server} stopped answering while ${doing} (no data for ${Math.round(this.idleTimeoutMs / 1000)} s).`,
              { kind: 'timeout' },
            ),
          );
        }
      },
      Math.min(1000, this.idleTimeoutMs),
    );
    const combined = AbortSignal.any([signal, idle.signal]);
    try {
      return await work(combined, () => (last = Date.now()));
    } catch (err) {
      if (idle.signal.aborted) throw idle.signal.reason;
      if (signal.aborted) throw BackupError.aborted();
      throw toBackupError(err, doing, this.server);
    } finally {
      clearInterval(timer);
    }
  }

  /** PROPFIND Depth 1 of a folder; undefined when the folder does not exist. */
  async list(folder: string, signal: AbortSignal): Promise<RemoteEntry[] | undefined> {
    return this.guarded('listing backups', signal, async (s) => {
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
      return parseMultistatus(await readCapped(res, MAX_LISTING, this.server), folder);
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
    await this.guarded('uploading the backup', signal, async (s, touch) => {
      // Node Readable (not the webdav client's own stream handling) so the explicit Content-Length is honoured.
      const body = createReadStream(localFile, { highWaterMark: CHUNK }).pipe(
        counter((n) => {
          done += n;
          touch();
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

  async move(from: string, to: string, signal: AbortSignal): Promise<void> {
    await this.guarded('moving the backup into place', signal, (s) =>
      this.client.moveFile(from, to, { overwrite: true, signal: s }),
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
    await this.guarded('downloading the backup', signal, async (s, touch) => {
      const res = await this.client.customRequest(remotePath, { method: 'GET', signal: s });
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
          touch();
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

/** The response body as text, refused once it passes `limit` bytes. */
async function readCapped(res: unknown, limit: number, server: string): Promise<string> {
  const body = (res as { body?: unknown }).body;
  if (!body) return '';
  const stream =
    typeof (body as { pipe?: unknown }).pipe === 'function' ? (body as Readable) : Readable.fromWeb(body as never);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
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

/** How deep elements nest, counted without building a tree. */
export function nestingDepth(xml: string): number {
  let depth = 0;
  let max = 0;
  const tags = /<(\/?)([^\s>/!?]+)[^>]*?(\/?)>/g;
  for (let m = tags.exec(xml); m; m = tags.exec(xml)) {
    if (m[1]) depth--;
    else if (!m[3]) max = Math.max(max, ++depth);
  }
  return max;
}

/** Entries of a multistatus answer, without the folder itself; names are decoded, never paths. */
export function parseMultistatus(xml: string, folder: string): RemoteEntry[] {
  // Entity declarations have no place in a listing (and are how XML bombs work).
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    throw new Error('the server sent a listing with a DOCTYPE, which is not a WebDAV listing');
  if (nestingDepth(xml) > MAX_DEPTH)
    throw new Error(`the server sent a listing nested more than ${MAX_DEPTH} deep, which is not a WebDAV listing`);
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new Error(
      `the server sent something that is not a WebDAV listing (${valid.err.msg}, line ${valid.err.line})`,
    );
  const doc = propfindParser.parse(xml) as { multistatus?: { response?: Array<Record<string, unknown>> } | '' };
  if (doc.multistatus === undefined)
    throw new Error('the server sent XML that is not a WebDAV listing (no multistatus)');
  const responses = (doc.multistatus || undefined)?.response ?? [];
  const self = folder.replace(/\/+$/, '');
  const out: RemoteEntry[] = [];
  for (const r of responses) {
    const href = scalarText(r.href);
    let hrefPath: string;
    try {
      hrefPath = decodeURIComponent(new URL(href, 'http://x').pathname).replace(/\/+$/, '');
    } catch {
      continue;
    }
    if (hrefPath === self || hrefPath === '') continue;
    // Only direct children of the folder: a server cannot point the list elsewhere.
    const slash = hrefPath.lastIndexOf('/');
    if (hrefPath.slice(0, slash) !== self) continue;
    const name = hrefPath.slice(slash + 1);
    const okStat =
      (r.propstat as Array<Record<string, unknown>> | undefined)?.find((p) => /\s200\s/.test(scalarText(p.status))) ??
      (r.propstat as Array<Record<string, unknown>> | undefined)?.[0];
    const prop = (okStat?.prop ?? {}) as Record<string, unknown>;
    const type = prop.resourcetype;
    const isCollection = typeof type === 'object' && type !== null && 'collection' in type;
    const length = Number(prop.getcontentlength);
    const modified = prop.getlastmodified ? new Date(scalarText(prop.getlastmodified)) : undefined;
    out.push({
      name,
      isCollection,
      size: Number.isFinite(length) && prop.getcontentlength !== undefined ? length : undefined,
      modified: modified && !Number.isNaN(modified.getTime()) ? modified : undefined,
    });
  }
  return out;
}
