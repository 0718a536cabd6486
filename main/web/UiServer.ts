// Browser mode: the Settings UI and its API over loopback. Bound to 127.0.0.1, a random token per
// launch (in the URL once, then an HttpOnly SameSite=Strict cookie), Host and Origin checked on
// every request. Calls go through the same dispatcher as Electron's IPC; events stream as SSE.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { dispatchCall, type UiBridge } from '../bridge/dispatch.js';
import { CONTENT_SECURITY_POLICY } from './csp.js';
import { logger } from '../log.js';

const log = logger('web');

const MAX_BODY = 1 << 20;
const COOKIE = 'sfb_token';

/** Runs first on the page: the token has done its work (the cookie is set), so it leaves the address bar and history. */
const SCRUB_PATH = '/scrub-token.js';
const SCRUB_SCRIPT =
  "if (new URLSearchParams(location.search).has('token')) history.replaceState(history.state, '', location.pathname + location.hash);\n";

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

export interface UiServerOptions {
  bridge: UiBridge;
  /** The built renderer (index.html and assets/). */
  staticDir: string;
  port?: number;
}

export class UiServer {
  private readonly server: http.Server;
  private readonly token = randomBytes(24).toString('base64url');
  private readonly streams = new Set<http.ServerResponse>();
  private offEvents: () => void = () => {};
  private port = 0;

  private constructor(private readonly options: UiServerOptions) {
    this.server = http.createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => {
        log.error(`${req.method ?? ''} ${req.url?.split('?')[0] ?? ''} failed`, err);
        if (!res.headersSent) this.send(res, 500, 'text/plain', 'Internal error');
        else res.end();
      });
    });
  }

  static async start(options: UiServerOptions): Promise<UiServer> {
    const ui = new UiServer(options);
    ui.server.listen(options.port ?? 0, '127.0.0.1');
    await once(ui.server, 'listening');
    ui.port = (ui.server.address() as AddressInfo).port;
    ui.offEvents = options.bridge.onEvent((name, payload) => {
      const frame = `event: message\ndata: ${JSON.stringify({ name, payload })}\n\n`;
      for (const stream of ui.streams) stream.write(frame);
    });
    return ui;
  }

  /** The address to open: carries the per-launch token. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/?token=${this.token}`;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async close(): Promise<void> {
    this.offEvents();
    for (const stream of this.streams) stream.end();
    this.server.closeAllConnections();
    this.server.close();
    await once(this.server, 'close').catch(log.ignored('closing the UI server'));
  }

  private send(
    res: http.ServerResponse,
    status: number,
    type: string,
    body: string | Buffer,
    headers: Record<string, string> = {},
  ): void {
    res.writeHead(status, {
      'Content-Type': type,
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      ...headers,
    });
    res.end(body);
  }

  private tokenMatches(candidate: string | undefined): boolean {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  private cookieToken(req: http.IncomingMessage): string | undefined {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === COOKIE) return v.join('=');
    }
    return undefined;
  }

  /** Loopback-only Host (no DNS rebinding) and, when sent, our own Origin. */
  private trustedRequest(req: http.IncomingMessage): boolean {
    const hosts = [`127.0.0.1:${this.port}`, `localhost:${this.port}`];
    if (!hosts.includes(req.headers.host ?? '')) return false;
    const origin = req.headers.origin;
    return origin === undefined || hosts.some((h) => origin === `http://${h}`);
  }

  private async route(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    if (!this.trustedRequest(req)) return this.send(res, 403, 'text/plain', 'Forbidden: wrong host or origin');
    const isPage = req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html');
    const authorized =
      this.tokenMatches(this.cookieToken(req)) ||
      (isPage && this.tokenMatches(url.searchParams.get('token') ?? undefined));
    if (!authorized) return this.send(res, 401, 'text/plain', 'Unauthorized: open the address sfbackup ui printed');

    if (isPage) {
      const html = (await readFile(path.join(this.options.staticDir, 'index.html'), 'utf8')).replace(
        /<head>/i,
        `<head><script src="${SCRUB_PATH}"></script>`,
      );
      return this.send(res, 200, types['.html']!, html, {
        'Set-Cookie': `${COOKIE}=${this.token}; HttpOnly; SameSite=Strict; Path=/`,
      });
    }
    if (url.pathname === SCRUB_PATH && req.method === 'GET') return this.send(res, 200, types['.js']!, SCRUB_SCRIPT);
    if (url.pathname === '/api/call' && req.method === 'POST') return this.call(req, res);
    if (url.pathname === '/api/events' && req.method === 'GET') return this.events(req, res);
    if (req.method === 'GET' && url.pathname.startsWith('/assets/')) return this.asset(url.pathname, res);
    return this.send(res, 404, 'text/plain', 'Not found');
  }

  private async asset(pathname: string, res: http.ServerResponse): Promise<void> {
    const root = path.join(this.options.staticDir, 'assets');
    let name: string;
    try {
      name = decodeURIComponent(pathname.slice('/assets/'.length));
    } catch {
      return this.send(res, 404, 'text/plain', 'Not found'); // a malformed %-escape names no file
    }
    const file = path.resolve(root, name);
    if (!file.startsWith(root + path.sep)) return this.send(res, 404, 'text/plain', 'Not found');
    try {
      return this.send(res, 200, types[path.extname(file)] ?? 'application/octet-stream', await readFile(file));
    } catch {
      return this.send(res, 404, 'text/plain', 'Not found');
    }
  }

  private async call(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    if (!/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? ''))
      return this.send(res, 415, 'text/plain', 'Expected application/json');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_BODY) return this.send(res, 413, 'text/plain', 'Request too large');
      chunks.push(chunk as Buffer);
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return this.send(
        res,
        400,
        'application/json',
        JSON.stringify({ ok: false, error: { message: 'The request is not valid JSON', code: 'invalid-arguments' } }),
      );
    }
    const { name, args } = (typeof body === 'object' && body !== null ? body : {}) as {
      name?: unknown;
      args?: unknown;
    };
    const outcome = await dispatchCall(this.options.bridge, name, args);
    const status = outcome.ok
      ? 200
      : outcome.error.code === 'invalid-arguments' || outcome.error.code === 'unknown-call'
        ? 400
        : 422;
    return this.send(res, status, 'application/json', JSON.stringify(outcome));
  }

  private events(req: http.IncomingMessage, res: http.ServerResponse): void {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Content-Type-Options': 'nosniff',
    });
    res.write(': connected\n\n');
    this.streams.add(res);
    req.on('close', () => this.streams.delete(res));
  }
}
