// Hostile servers on the wire: a redirect must not carry the password to another origin (another port
// of the same host included), a trickling server is stopped by the minimum rate, a listing that keeps
// streaming is not mistaken for silence, and a silent server ends with a clear message.
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebDavConnection, type TransferLimits } from '../../main/plugins/webdav/WebDavConnection.js';
import { transferLine } from '../../main/progressText.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/processes.js';

const servers: http.Server[] = [];

async function serve(handler: http.RequestListener): Promise<{ url: string; port: number }> {
  const server = http.createServer(handler);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, port };
}

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
    await once(server, 'close').catch(() => {});
  }
});

const listing = (folder: string, names: string[]) =>
  `<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response><d:href>${folder}/</d:href><d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>` +
  names
    .map(
      (n) =>
        `<d:response><d:href>${folder}/${n}</d:href><d:propstat><d:prop><d:resourcetype/><d:getcontentlength>1</d:getcontentlength></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`,
    )
    .join('') +
  '</d:multistatus>';

/** A server on another port of the same host that notes every Authorization header it is sent. */
async function credentialTrap() {
  const seen: string[] = [];
  const trap = await serve((req, res) => {
    seen.push(req.headers.authorization ?? '(none)');
    res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="trap"' }).end();
  });
  return { ...trap, seen };
}

const connect = (url: string, limits: Partial<TransferLimits> = {}) =>
  new WebDavConnection({
    serverAddress: url,
    username: 'alice',
    password: 'secret',
    ignoreSslErrors: false,
    ...(limits.idleTimeoutMs ? { idleTimeoutMs: limits.idleTimeoutMs } : {}),
    limits,
  });

describe('credentials go to the account’s own origin only', () => {
  it('a redirect to another port of the same host is refused, and that port never sees the password', async () => {
    const trap = await credentialTrap();
    const redirector = await serve((req, res) => {
      res.writeHead(307, { Location: `${trap.url}${req.url}` }).end();
    });
    const connection = connect(redirector.url);
    await expect(connection.list('/backups', AbortSignal.timeout(20_000))).rejects.toThrow(
      /redirected to another address.*only ever sent to http:\/\/127\.0\.0\.1:\d+/,
    );
    await expect(
      connection.download('/backups/x.tar', path.join(tempDir(), 'x.tar'), AbortSignal.timeout(20_000), () => {}),
    ).rejects.toThrow(/redirected to another address/);
    expect(trap.seen).toEqual([]);
  });

  it('a redirect within the same origin is still followed, with the credentials', async () => {
    const auth: string[] = [];
    const server = await serve((req, res) => {
      auth.push(req.headers.authorization ?? '');
      if (req.url?.startsWith('/old/')) return void res.writeHead(308, { Location: req.url.slice(4) }).end();
      res.writeHead(207, { 'Content-Type': 'application/xml' }).end(listing('/backups', ['a.tar']));
    });
    const entries = await connect(server.url).list('/old/backups', AbortSignal.timeout(20_000));
    expect(auth).toHaveLength(2);
    expect(new Set(auth)).toEqual(new Set([`Basic ${Buffer.from('alice:secret').toString('base64')}`]));
    expect(entries).toBeDefined();
  });

  it('the CLI says why, and the other port still sees nothing', async () => {
    const trap = await credentialTrap();
    const redirector = await serve((req, res) => {
      req.resume();
      res.writeHead(307, { Location: `${trap.url}${req.url}` }).end();
    });
    const dataDir = tempDir();
    const env = cliEnv();
    const add = await runCli(
      [
        '--data-dir',
        dataDir,
        'account',
        'add',
        '--provider',
        'webdav',
        '--server',
        redirector.url,
        '--user',
        'alice',
        '--password-stdin',
        '--offline',
      ],
      { env, input: 'secret\n' },
    );
    expect(add.code, add.stderr).toBe(0);
    const r = await runCli(['--data-dir', dataDir, 'backups', '1'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/redirected to another address/);
    expect(trap.seen).toEqual([]);
  });
});

describe('timeouts that tell trickling from streaming from silence', () => {
  it('a download trickling a byte at a time is stopped by the minimum rate', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/x-tar', 'Content-Length': '100000' });
      const timer = setInterval(() => res.write('x'), 100);
      res.on('close', () => clearInterval(timer));
    });
    const connection = connect(server.url, { rateWindowMs: 2000, minBytesPerSecond: 1024, idleTimeoutMs: 60_000 });
    const outcome = connection
      .download('/b/x.tar', path.join(tempDir(), 'x.tar'), AbortSignal.timeout(30_000), () => {})
      .then(
        () => 'finished',
        (err: Error) => err.message,
      );
    // Bounded either way: a download that is never stopped ends here as "cancelled".
    expect(await outcome).toMatch(/stayed under 1\.0 kB\/s for 2 s while downloading the backup/);
  });

  it('a listing that keeps streaming past the idle limit is read to its end', async () => {
    const body = listing('/backups', ['sailfish_backup_2026-01-01T00-00-00Z.tar']);
    const server = await serve((req, res) => {
      req.resume();
      res.writeHead(207, { 'Content-Type': 'application/xml' });
      // The start of the listing, then whitespace every 250 ms for 3 s (three times the idle limit), then the rest.
      const cut = body.indexOf('<d:response>');
      res.write(body.slice(0, cut));
      let left = 12;
      const timer = setInterval(() => {
        if (left-- > 0) return void res.write(' ');
        clearInterval(timer);
        res.end(body.slice(cut));
      }, 250);
      res.on('close', () => clearInterval(timer));
    });
    const entries = await connect(server.url, { idleTimeoutMs: 1000 }).list('/backups', AbortSignal.timeout(30_000));
    expect(entries?.map((e) => e.name)).toEqual(['sailfish_backup_2026-01-01T00-00-00Z.tar']);
  });

  it('a server that accepts the connection and never answers ends with a clear message (20 s by default)', async () => {
    const silent = await serve(() => {});
    await expect(connect(silent.url).list('/backups', AbortSignal.timeout(50_000))).rejects.toThrow(
      /did not answer within 20 s while listing backups/,
    );
  });

  it('shows a slow rate as a rounded number, never a raw float', () => {
    const line = transferLine('Downloading', { done: 14, total: 50_000_000, elapsedMs: 70_000 });
    expect(line).toMatch(/^Downloading 14 B of 50\.0 MB · 0 B\/s · /);
    expect(line).not.toMatch(/\d\.\d{3,}/);
  });
});
