// What `sfbackup demo` shows a newcomer the whole cloud flow with: a WebDAV server on loopback (rclone),
// an account on it, and sample folders, all in one temporary folder of the demo's own. The folder is
// named after its process; a demo that was killed is cleaned up by the next one (as runDir.ts does).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../errors.js';
import { identityTag, isAlive, parseIdentityTag } from '../processIdentity.js';
import { tiedToParent } from '../runDir.js';

export const DEMO_USER = 'demo';

function uid(): number {
  return process.getuid?.() ?? 0;
}

function prefix(): string {
  return `sfbackup-demo-${uid()}-`;
}

/** Removes the folders of demos whose process is gone (killed, or the machine stopped). */
export function removeAbandonedDemos(root = os.tmpdir()): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => n.startsWith(prefix()));
  } catch {
    // no temporary folder to look in: nothing was left there
    return removed;
  }
  for (const name of names) {
    const owner = parseIdentityTag(name.slice(prefix().length));
    if (!owner || isAlive(owner)) continue;
    rmSync(path.join(root, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/** A few files in each sample folder: text, a name with accents, an empty file, and some "photos". */
function makeSamples(home: string): string[] {
  const documents = path.join(home, 'Documents');
  const pictures = path.join(home, 'Pictures');
  mkdirSync(path.join(documents, 'Recipes'), { recursive: true });
  mkdirSync(path.join(pictures, 'Summer 2026'), { recursive: true });
  writeFileSync(path.join(documents, 'Welcome.txt'), 'This folder is part of the sfbackup demo.\n');
  writeFileSync(path.join(documents, 'Recipes', 'Karjalanpiirakka.txt'), 'Rye crust, rice porridge, egg butter.\n');
  writeFileSync(path.join(documents, 'Tärkeä muistio.txt'), 'Backups are only done when they can be restored.\n');
  writeFileSync(path.join(documents, 'empty.txt'), '');
  for (let i = 1; i <= 6; i++)
    writeFileSync(path.join(pictures, 'Summer 2026', `IMG_${String(i).padStart(4, '0')}.jpg`), randomBytes(2 << 20));
  return [documents, pictures];
}

export class DemoWorld {
  private constructor(
    /** The demo's own folder: data dir, home, server files. */
    readonly root: string,
    readonly serverUrl: string,
    readonly password: string,
    readonly sampleFolders: string[],
    private readonly server: ChildProcess,
  ) {}

  get dataDir(): string {
    return path.join(this.root, 'data');
  }

  /** The demo's home folder: its "This computer" backups and the folder picker stay inside it. */
  get home(): string {
    return path.join(this.root, 'home');
  }

  static async start(options: { bwlimit?: string } = {}): Promise<DemoWorld> {
    removeAbandonedDemos();
    const root = path.join(os.tmpdir(), `${prefix()}${identityTag()}`);
    mkdirSync(root, { recursive: true, mode: 0o700 });
    // Removed when this process ends in any ordinary way; a kill -9 leaves it to the next demo.
    process.once('exit', () => rmSync(root, { recursive: true, force: true }));
    try {
      const home = path.join(root, 'home');
      const samples = makeSamples(home);
      const files = path.join(root, 'server');
      mkdirSync(files);
      // The password goes to rclone as a hash in a file: never on a command line.
      const password = randomBytes(12).toString('base64url');
      const htpasswd = path.join(root, 'htpasswd');
      writeFileSync(htpasswd, `${DEMO_USER}:{SHA}${createHash('sha1').update(password).digest('base64')}\n`, {
        mode: 0o600,
      });
      const { server, url } = await startRclone(files, htpasswd, options.bwlimit ?? '8M');
      return new DemoWorld(root, url, password, samples, server);
    } catch (err) {
      rmSync(root, { recursive: true, force: true });
      throw err;
    }
  }

  async stop(): Promise<void> {
    if (this.server.exitCode === null && this.server.signalCode === null) {
      const exited = once(this.server, 'exit');
      this.server.kill('SIGTERM');
      await exited;
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** rclone's WebDAV server on a port of its choosing; resolves with the address it prints. */
async function startRclone(
  files: string,
  htpasswd: string,
  bwlimit: string,
): Promise<{ server: ChildProcess; url: string }> {
  if (!['/usr/bin/rclone', '/usr/local/bin/rclone'].some((f) => existsSync(f)))
    throw new InputError('The demo needs rclone for its WebDAV server: install it (apt install rclone).');
  const launch = tiedToParent('rclone', [
    'serve',
    'webdav',
    files,
    '--addr',
    '127.0.0.1:0',
    '--htpasswd',
    htpasswd,
    '--bwlimit',
    bwlimit,
    '--config',
    '/dev/null',
  ]);
  const server = spawn(launch.command, launch.args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let said = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`rclone did not start: ${said.trim().slice(-300)}`)), 30_000);
    server.stderr.on('data', (d: Buffer) => {
      said += d.toString();
      const found = /WebDav Server started on (http:\/\/127\.0\.0\.1:\d+)\/?/.exec(said);
      if (found) {
        clearTimeout(timer);
        server.stderr.removeAllListeners('data');
        resolve(found[1]!);
      }
    });
    server.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`rclone exited (${code ?? 'signal'}): ${said.trim().slice(-300)}`));
    });
  });
  server.stderr.resume();
  return { server, url };
}
