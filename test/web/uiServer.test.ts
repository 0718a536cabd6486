// Browser mode's gatekeeping over real HTTP: loopback only, the per-launch token, our own Host and
// Origin, validated arguments; and events streaming as they happen.
import { EventEmitter } from 'node:events';
import http from 'node:http';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UiServer } from '../../main/web/UiServer.js';
import { tempDir } from '../helpers/processes.js';
import { startWorld, type World } from '../helpers/world.js';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('sfbackup ui (browser mode)', () => {
  let world: World;
  let server: UiServer;
  let cookie: string;

  beforeAll(async () => {
    world = await startWorld();
    const staticDir = tempDir();
    mkdirSync(path.join(staticDir, 'assets'));
    writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>ui</title>');
    writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
    server = await UiServer.start({ bridge: world.bridge, staticDir });
    const page = await request(server.url);
    expect(page.status).toBe(200);
    cookie = String(page.headers['set-cookie']?.[0]).split(';')[0]!;
  });
  afterAll(async () => {
    await server?.close();
    await world?.close();
  });

  const call = (name: string, args: unknown, headers: Record<string, string> = {}) =>
    request(`${server.origin}/api/call`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie, ...headers },
      body: JSON.stringify({ name, args }),
    });

  it('listens on loopback only and gives the page with a strict CSP and an HttpOnly, SameSite cookie', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{32}$/);
    const page = await request(server.url);
    expect(page.headers['content-security-policy']).toContain("default-src 'self'");
    expect(page.headers['set-cookie']?.[0]).toMatch(/HttpOnly; SameSite=Strict/);
    expect((await request(`${server.origin}/assets/app.js`, { headers: { Cookie: cookie } })).status).toBe(200);
  });

  it('refuses requests without the token', async () => {
    expect((await request(`${server.origin}/`)).status).toBe(401);
    expect((await request(`${server.origin}/?token=wrong`)).status).toBe(401);
    expect((await request(`${server.origin}/assets/app.js`)).status).toBe(401);
    expect((await call('providers.list', [], { Cookie: 'sfb_token=nope' })).status).toBe(401);
    expect((await request(`${server.origin}/api/events`)).status).toBe(401);
  });

  it('refuses another Origin or Host, even with the token', async () => {
    expect((await call('providers.list', [], { Origin: 'https://evil.example' })).status).toBe(403);
    expect((await call('providers.list', [], { Host: 'evil.example:80' })).status).toBe(403);
    expect((await call('providers.list', [], { Origin: server.origin })).status).toBe(200);
  });

  it('refuses malformed calls with a clear error and keeps serving', async () => {
    const notJson = await request(`${server.origin}/api/call`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: cookie },
      body: '{nope',
    });
    expect(notJson.status).toBe(400);
    const unknown = await call('fs.readFile', ['/etc/passwd']);
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body)).toMatchObject({ ok: false, error: { code: 'unknown-call' } });
    const badArgs = await call('backup.restore', [1, '../../etc/passwd']);
    expect(JSON.parse(badArgs.body)).toMatchObject({ ok: false, error: { code: 'invalid-arguments' } });
    const form = await request(`${server.origin}/api/call`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain', Cookie: cookie },
      body: '{}',
    });
    expect(form.status).toBe(415);
    const traversal = await request(`${server.origin}/assets/..%2F..%2Fetc%2Fpasswd`, { headers: { Cookie: cookie } });
    expect(traversal.status).toBe(404);
    expect(JSON.parse((await call('providers.list', [])).body)).toMatchObject({ ok: true });
  });

  it('streams events as the engine reports them', async () => {
    const events: string[] = [];
    const arrived = new EventEmitter();
    /** Resolves once the stream has said all of these (the server's first frame is ": connected"). */
    const said = (...texts: string[]) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!texts.every((t) => events.join('').includes(t))) return;
          arrived.off('data', check);
          resolve();
        };
        arrived.on('data', check);
        check();
      });
    const req = http.get(`${server.origin}/api/events`, { headers: { Cookie: cookie } }, (res) =>
      res.on('data', (d: Buffer) => {
        events.push(d.toString());
        arrived.emit('data');
      }),
    );
    await said(': connected');
    const added = await call('accounts.add', [
      {
        provider: 'webdav',
        serverAddress: 'http://127.0.0.1:9',
        username: 'u',
        password: 'secret-pass',
        offline: true,
      },
    ]);
    expect(JSON.parse(added.body)).toMatchObject({
      ok: true,
      result: { account: { id: 1, provider: 'webdav', hasPassword: true }, signIn: { state: 'unchecked' } },
    });
    expect(added.body).not.toContain('secret-pass');
    await said('"name":"accounts.changed"', '"name":"profiles.changed"');
    req.destroy();
    expect(events.join('')).toContain('"name":"accounts.changed"');
    expect(events.join('')).toContain('"name":"profiles.changed"');
  });
});
