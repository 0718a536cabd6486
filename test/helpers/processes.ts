// Real peers for the tests, started on loopback and stopped by the tests themselves.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ownListeningPort } from './listening.js';

export function tempDir(prefix = 'sfb-test-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * A port nothing listens on as this returns: for addresses that must refuse connections. Servers of
 * the tests bind their own port instead (port 0, or checked to be theirs: ownListeningPort).
 */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

export interface WebDavServer {
  /** Server address to give the account (no path for rclone; the host root for Apache). */
  url: string;
  /** The folder the server stores files in, as seen on disk. */
  root: string;
  /** The WebDAV path of the user's files on the server (Nextcloud layout for Apache). */
  webdavPath: string;
  port: number;
  /** Apache's access log: "METHOD PATH CONTENT-LENGTH TRANSFER-ENCODING STATUS" per request. */
  requests?: () => string[];
  stop(): Promise<void>;
  restart(): Promise<void>;
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

export async function startRclone(options: {
  user: string;
  password: string;
  /** Several users instead: user name → password (the server accepts each with its own password only). */
  users?: Record<string, string>;
  bwlimit?: string;
  port?: number;
  root?: string;
  tls?: { cert: string; key: string };
}): Promise<WebDavServer> {
  const root = options.root ?? tempDir('sfb-rclone-');
  // Port 0: rclone binds a port of its own, read back from the kernel (no window for another process).
  const args = ['serve', 'webdav', root, '--addr', `127.0.0.1:${options.port ?? 0}`];
  if (options.users) {
    const htpasswd = path.join(tempDir('sfb-htpasswd-'), 'htpasswd');
    const line = ([user, password]: [string, string]) =>
      `${user}:{SHA}${createHash('sha1').update(password).digest('base64')}`;
    writeFileSync(htpasswd, Object.entries(options.users).map(line).join('\n') + '\n');
    args.push('--htpasswd', htpasswd);
  } else args.push('--user', options.user, '--pass', options.password);
  if (options.bwlimit) args.push('--bwlimit', options.bwlimit);
  if (options.tls) args.push('--cert', options.tls.cert, '--key', options.tls.key);
  let child = spawn('rclone', args, { stdio: 'ignore' });
  const port = await ownListeningPort(child, 'rclone', options.port);
  // A restart comes back on the same port, as a restarted server would.
  args[args.indexOf('--addr') + 1] = `127.0.0.1:${port}`;
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    root,
    webdavPath: '/',
    port,
    stop: () => stopChild(child),
    async restart() {
      await stopChild(child);
      child = spawn('rclone', args, { stdio: 'ignore' });
      await ownListeningPort(child, 'rclone', port);
    },
  };
}

/** Apache mod_dav serving the user's files at Nextcloud's path, /remote.php/dav/files/<user>/. */
export async function startApache(options: { user: string; password: string }): Promise<WebDavServer> {
  const dir = tempDir('sfb-apache-');
  const root = path.join(dir, 'files');
  const runDir = path.join(dir, 'run');
  mkdirSync(root);
  mkdirSync(runDir);
  // Apache cannot bind port 0: a free port is picked, and taken again if another process won it first.
  let port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // Apache drops to www-data: it must own what it writes.
    const { uid, gid } = { uid: 33, gid: 33 };
    chownSync(root, uid, gid);
    chownSync(runDir, uid, gid);
  }
  const sha = createHash('sha1').update(options.password).digest('base64');
  writeFileSync(path.join(dir, 'htpasswd'), `${options.user}:{SHA}${sha}\n`);
  const mod = (name: string) => `LoadModule ${name}_module /usr/lib/apache2/modules/mod_${name}.so`;
  const webdavPath = `/remote.php/dav/files/${options.user}`;
  const conf = [
    'ServerName 127.0.0.1',
    'Listen 127.0.0.1:PORT',
    `PidFile ${runDir}/httpd.pid`,
    `ErrorLog ${dir}/error.log`,
    `DefaultRuntimeDir ${runDir}`,
    `Mutex file:${runDir} default`,
    'LoadModule mpm_event_module /usr/lib/apache2/modules/mod_mpm_event.so',
    ...['authz_core', 'authn_core', 'authn_file', 'auth_basic', 'authz_user', 'dav', 'dav_fs', 'alias'].map(mod),
    'LogFormat "%m %U %{Content-Length}i %{Transfer-Encoding}i %>s" dav',
    `CustomLog ${dir}/access.log dav`,
    asRoot ? 'User www-data' : '',
    asRoot ? 'Group www-data' : '',
    `DAVLockDB ${runDir}/davlock`,
    'LimitRequestBody 0',
    `Alias ${webdavPath} ${root}`,
    `<Directory ${root}>`,
    '  DAV On',
    '  AuthType Basic',
    '  AuthName "Nextcloud"',
    `  AuthUserFile ${dir}/htpasswd`,
    '  Require valid-user',
    '</Directory>',
  ].join('\n');
  const confFile = path.join(dir, 'httpd.conf');
  const start = async () => {
    writeFileSync(confFile, conf.replace('PORT', String(port)) + '\n');
    const child = spawn('apache2', ['-f', confFile, '-DFOREGROUND'], { stdio: 'ignore' });
    await ownListeningPort(child, 'apache2', port);
    return child;
  };
  const firstStart = async (): Promise<ChildProcess> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await start();
      } catch (err) {
        if (attempt === 5) throw err;
        port = await freePort();
      }
    }
  };
  let child = await firstStart();
  return {
    url: `http://127.0.0.1:${port}`,
    root,
    webdavPath,
    port,
    requests: () => {
      try {
        return readFileSync(path.join(dir, 'access.log'), 'utf8').trim().split('\n');
      } catch {
        return [];
      }
    },
    stop: () => stopChild(child),
    async restart() {
      await stopChild(child);
      child = await start();
    },
  };
}
