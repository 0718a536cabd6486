// WebDAV requests on Node's own http/https: one request per call, the account's credentials on every
// one, same-origin redirects followed, bodies streamed both ways with a known Content-Length. (The
// `webdav` client it replaces took a fifth of a second to load and buffered or re-chunked bodies.)
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { ForeignOriginError } from './originAgents.js';

/** An answer outside 2xx: `status` is what errors.ts reads. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    method: string,
    path: string,
  ) {
    super(`HTTP ${status} for ${method} ${path}`);
    this.name = 'HttpStatusError';
  }
}

export interface DavRequest {
  method: string;
  /** The decoded server path ("/remote.php/dav/files/alice/Sailfish OS"); encoded here. */
  path: string;
  headers?: Record<string, string>;
  /** A body that can be sent again after a redirect. */
  body?: string | Buffer;
  signal: AbortSignal;
  /**
   * A streamed body, written into the request; `answered` aborts when the server answers before it
   * has the whole body (an error, usually), so the rest is not sent for nothing. Never redirected.
   */
  stream?: (request: http.ClientRequest, answered: AbortSignal) => Promise<void>;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** Every segment percent-encoded, slashes kept. */
export function encodePath(path: string): string {
  return path
    .split('/')
    .map((s) => encodeURIComponent(s))
    .join('/');
}

export class DavHttp {
  private readonly auth: string;

  constructor(
    readonly origin: URL,
    private readonly agents: { httpAgent: http.Agent; httpsAgent: https.Agent },
    username: string,
    password: string,
  ) {
    this.auth = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
  }

  /** The full URL of a server path (a MOVE's Destination). */
  url(path: string): string {
    return `${this.origin.origin}${encodePath(path)}`;
  }

  /**
   * Sends one request and resolves with the answer's headers once they arrive; a status outside 2xx is
   * thrown as HttpStatusError (its body drained). The caller reads (or drains) the body of a success.
   */
  async request(req: DavRequest): Promise<IncomingMessage> {
    let target = new URL(encodePath(req.path), this.origin);
    for (let hop = 0; ; hop++) {
      const res = await this.once(req, target);
      const status = res.statusCode ?? 0;
      const location = res.headers.location;
      if (REDIRECTS.has(status) && location && !req.stream && hop < MAX_REDIRECTS) {
        res.resume();
        const next = new URL(location, target);
        // The password goes to the account's own origin only (originAgents.ts says why).
        if (next.origin !== this.origin.origin) throw new ForeignOriginError(`${next.protocol}//${next.host}`);
        target = next;
        continue;
      }
      if (status < 200 || status >= 300) {
        res.resume();
        throw new HttpStatusError(status, req.method, req.path);
      }
      return res;
    }
  }

  /** A request whose answer carries no body worth reading: resolves once it is complete. */
  async call(req: DavRequest): Promise<IncomingHttpHeaders> {
    const res = await this.request(req);
    res.resume();
    if (!res.complete) await new Promise<void>((resolve, reject) => res.once('end', resolve).once('error', reject));
    return res.headers;
  }

  private once(req: DavRequest, target: URL): Promise<IncomingMessage> {
    const secure = target.protocol === 'https:';
    const headers: Record<string, string> = { Authorization: this.auth, ...req.headers };
    if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
    return new Promise((resolve, reject) => {
      const options: http.RequestOptions = {
        method: req.method,
        headers,
        agent: secure ? this.agents.httpsAgent : this.agents.httpAgent,
        signal: req.signal,
      };
      const request = (secure ? https : http).request(target, options);
      const answered = new AbortController();
      request.once('response', (res) => {
        answered.abort();
        resolve(res);
      });
      // Errors after the answer (a server that closes without reading the rest) change nothing.
      request.on('error', reject);
      if (req.stream) {
        req.stream(request, answered.signal).then(
          () => {
            // An answer before the whole body: the connection cannot carry another request.
            if (answered.signal.aborted && !request.writableFinished) request.destroy();
            else request.end();
          },
          (err: unknown) => {
            const error = err instanceof Error ? err : new Error(String(err));
            request.destroy(error);
            reject(error);
          },
        );
      } else request.end(req.body);
    });
  }
}
