// A listing of thousands of backups reaches a script whole: `sfbackup --json backups` writes about two
// megabytes, and the command used to exit before a pipe had taken them all, cutting the JSON short.
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/processes.js';

const COUNT = 10_000;
const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/sfbackup.js');

/** Runs the CLI with a reader that takes a second before it starts reading, as a busy script may. */
function runWithSlowReader(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.pause();
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    setTimeout(() => child.stdout.resume(), 1000);
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(chunks).toString() }));
  });
}

describe('a large listing on stdout', () => {
  let server: http.Server;
  let url: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      if (req.method !== 'PROPFIND') return void res.writeHead(404).end();
      const folder = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).replace(/\/$/, '');
      const entry = (href: string, collection: boolean) =>
        `<d:response><d:href>${encodeURI(href)}</d:href><d:propstat><d:prop><d:resourcetype>${collection ? '<d:collection/>' : ''}</d:resourcetype><d:getcontentlength>10</d:getcontentlength></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`;
      const names = Array.from(
        { length: req.headers.depth === '0' ? 0 : COUNT },
        (_, i) => `${folder}/sailfish_backup_2026-01-01T00-00-00Z-${String(i).padStart(5, '0')}.tar`,
      );
      res.writeHead(207, { 'Content-Type': 'application/xml' });
      res.end(
        `<?xml version="1.0"?><d:multistatus xmlns:d="DAV:">${entry(`${folder}/`, true)}${names.map((n) => entry(n, false)).join('')}</d:multistatus>`,
      );
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => {
    server?.close();
  });

  it('prints every one of 10,000 backups as JSON a reader can parse', async () => {
    const dataDir = tempDir();
    const env = cliEnv();
    const add = await runCli(
      [
        '--data-dir',
        dataDir,
        'account',
        'add',
        '--offline',
        '--provider',
        'webdav',
        '--server',
        url,
        '--user',
        'u',
        '--password-stdin',
      ],
      { env, input: 'p\n' },
    );
    expect(add.code, add.stderr).toBe(0);
    const r = await runWithSlowReader(['--data-dir', dataDir, '--json', 'backups', '1'], env);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as Array<{ name: string }>;
    expect(list).toHaveLength(COUNT);
    expect(new Set(list.map((b) => b.name)).size).toBe(COUNT);
  });
});
