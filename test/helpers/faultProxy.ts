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
  | { method: string; truncate: { bytes: number; path: RegExp } };

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
    if (fault && fault.method === req.method && !('truncate' in fault)) {
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

  private forward(req: http.IncomingMessage, res: http.ServerResponse, cutAfter?: number): void {
    const upstream = http.request(
      { host: this.target.hostname, port: this.target.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        up.on('error', () => res.destroy());
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
