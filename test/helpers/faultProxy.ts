// A loopback proxy in front of a real WebDAV server that answers chosen requests itself: an HTTP
// error, garbage instead of XML, or nothing at all.
import http from 'node:http';
import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';

export type Fault =
  | { method: string; status: number }
  | { method: string; garbage: true }
  | { method: string; hang: true }
  /** The real answer, without Content-Length, cleanly ended after `bytes` bytes: a cut the client cannot see. */
  | { method: string; truncate: { bytes: number; path: RegExp } }
  /**
   * A PUT of which only the first `bytes` reach the server: answered "201 Created" at once (`early`),
   * or after the rest was read and thrown away.
   */
  | { method: 'PUT'; storeOnly: { bytes: number; path: RegExp; early: boolean } }
  /** The real answer of a Depth 0 PROPFIND, without the file's size. */
  | { method: 'PROPFIND'; hideSize: true };

export class FaultProxy {
  fault: Fault | undefined;
  readonly seen: string[] = [];
  /** "user:password" of every request that carried Basic credentials. */
  readonly credentials: string[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly target: URL) {
    this.server = http.createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  static async start(target: string): Promise<FaultProxy> {
    const proxy = new FaultProxy(new URL(target));
    proxy.server.listen(0, '127.0.0.1');
    await once(proxy.server, 'listening');
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.seen.push(`${req.method} ${req.url}`);
    const auth = /^Basic (.+)$/.exec(req.headers.authorization ?? '');
    if (auth) this.credentials.push(Buffer.from(auth[1]!, 'base64').toString());
    const fault = this.fault;
    if (fault && 'truncate' in fault && fault.method === req.method && fault.truncate.path.test(req.url ?? '')) {
      this.forward(req, res, fault.truncate.bytes);
      return;
    }
    if (fault && 'storeOnly' in fault && req.method === 'PUT' && fault.storeOnly.path.test(req.url ?? '')) {
      this.storeOnly(req, res, fault.storeOnly);
      return;
    }
    if (fault && 'hideSize' in fault && req.method === 'PROPFIND' && req.headers.depth === '0') {
      this.forward(req, res, undefined, (xml) =>
        xml.replace(/<(\w+:)?getcontentlength>[^<]*<\/(\w+:)?getcontentlength>/gi, ''),
      );
      return;
    }
    if (
      fault &&
      fault.method === req.method &&
      !('truncate' in fault) &&
      !('storeOnly' in fault) &&
      !('hideSize' in fault)
    ) {
      if ('hang' in fault) return; // accept, read nothing back, never answer
      req.resume();
      if ('garbage' in fault) {
        res.writeHead(207, { 'Content-Type': 'application/xml' });
        res.end('<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response><d:href>/x</d:hr');
        return;
      }
      res.writeHead(fault.status, { 'Content-Type': 'text/plain' });
      res.end(`injected ${fault.status}`);
      return;
    }
    this.forward(req, res);
  }

  private storeOnly(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    { bytes, early }: { bytes: number; early: boolean },
  ): void {
    const headers = { ...req.headers, 'content-length': String(bytes) };
    const upstream = http.request({
      host: this.target.hostname,
      port: this.target.port,
      method: 'PUT',
      path: req.url,
      headers,
    });
    upstream.on('error', () => res.destroy());
    const stored = new Promise<void>((resolve) =>
      upstream.once('response', (up) => {
        up.resume();
        resolve();
      }),
    );
    // Read to its end (and thrown away) unless the answer comes early.
    const read = early ? Promise.resolve() : once(req, 'end');
    let sent = 0;
    req.on('data', (chunk: Buffer) => {
      if (sent >= bytes) return;
      const part = chunk.subarray(0, bytes - sent);
      sent += part.length;
      upstream.write(part);
      if (sent < bytes) return;
      upstream.end();
      if (early) req.pause();
    });
    void Promise.all([stored, read]).then(() => {
      res.writeHead(201, { 'Content-Length': '0' });
      res.end();
    });
  }

  private forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    cutAfter?: number,
    rewrite?: (body: string) => string,
  ): void {
    const upstream = http.request(
      { host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        up.on('error', () => res.destroy());
        if (rewrite) {
          const parts: Buffer[] = [];
          up.on('data', (chunk: Buffer) => parts.push(chunk));
          up.on('end', () => {
            const headers = { ...up.headers };
            delete headers['content-length'];
            res.writeHead(up.statusCode ?? 502, headers);
            res.end(rewrite(Buffer.concat(parts).toString()));
          });
          return;
        }
        if (cutAfter === undefined) {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
          return;
        }
        const headers = { ...up.headers };
        delete headers['content-length'];
        res.writeHead(up.statusCode ?? 502, headers);
        let sent = 0;
        up.on('data', (chunk: Buffer) => {
          if (sent >= cutAfter) return;
          const part = chunk.subarray(0, cutAfter - sent);
          sent += part.length;
          res.write(part);
          if (sent >= cutAfter) {
            res.end();
            up.destroy();
          }
        });
        up.on('end', () => res.end());
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.server.close();
    await once(this.server, 'close').catch(() => {});
  }
}
