// Cloud backups and restores stream: the archive goes up as it is written and comes down into staging as
// it arrives, so no file of the backup's size is ever on this computer's disk — with the uploads still
// sent with a Content-Length to a temporary name and moved into place, downloads verified before any
// file changes, and cancel possible at any moment. Small archives (kept in a file first) are covered by
// the rest of the suite; here the engine streams everything (spoolMaxBytes 0).
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateBusDaemon } from '../../main/dbus/bus.js';
import { ensureAccountProfiles } from '../../main/operations.js';
import { resolvePaths } from '../../main/paths.js';
import { DaemonSession } from '../../main/session.js';
import { openStores, type Stores } from '../../main/stores.js';
import type { VaultState } from '../../main/vault/vaultTypes.js';
import { cliEnv, runCli, startDaemonProcess } from '../helpers/cli.js';
import { startApache, startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';
import { restoreInto } from '../helpers/restore.js';
import { backupsBelow, filesBelow, readTree } from '../helpers/tree.js';

const MiB = 1 << 20;

/** The largest file below `dir` at any moment until stopped, sampled every 10 ms. */
function watchLargest(dir: string): { stop(): number } {
  let largest = 0;
  const look = () => {
    for (const rel of filesBelow(dir)) {
      try {
        largest = Math.max(largest, lstatSync(path.join(dir, rel)).size);
      } catch {
        // gone between the listing and the look
      }
    }
  };
  const timer = setInterval(look, 10);
  return {
    stop() {
      clearInterval(timer);
      look();
      return largest;
    },
  };
}

function makeUnit(dir: string, bigMiB: number): void {
  mkdirSync(path.join(dir, 'small'), { recursive: true });
  writeFileSync(path.join(dir, 'big.bin'), randomBytes(bigMiB * MiB));
  for (let i = 0; i < 300; i++) writeFileSync(path.join(dir, 'small', `note-${i}.txt`), `note ${i}\n`.repeat(i));
}

describe('streamed cloud backups and restores', () => {
  let server: WebDavServer;
  let bus: PrivateBusDaemon;
  let stores: Stores;
  let session: DaemonSession;
  let dataDir: string;
  let unit: string;
  let accountId: number;

  beforeAll(async () => {
    server = await startApache({ user: 'alice', password: 'pw' });
    bus = await PrivateBusDaemon.start();
    dataDir = tempDir();
    const env = { DBUS_SESSION_BUS_ADDRESS: bus.address };
    stores = openStores(resolvePaths({ dataDir, env }), env);
    session = await DaemonSession.open(stores, env, () => {}, {
      deviceId: 'Stream_000000000000',
      scheduleCheckMs: 0,
      spoolMaxBytes: 0,
    });
    unit = path.join(tempDir(), 'Videos');
    makeUnit(unit, 40);
    stores.units.add(unit);
    accountId = (
      await stores.accounts.add({ provider: 'nextcloud', serverAddress: server.url, username: 'alice', password: 'pw' })
    ).id;
    ensureAccountProfiles(stores, accountId);
  });

  afterAll(async () => {
    await session?.close();
    stores?.close();
    await bus?.stop();
    await server?.stop();
  });

  /** Runs an operation to its end; `cancelWhen` cancels it once the vault's state matches. */
  async function runOperation(
    kind: 'backup' | 'restore',
    start: () => Promise<unknown>,
    cancelWhen?: (s: Partial<VaultState>) => boolean,
  ): Promise<{ status: string; error?: string }> {
    const { vault } = session;
    let error: string | undefined;
    let cancelled = false;
    const ended = new Promise<string>((resolve) => {
      const handler = (id: number, status: string) =>
        id === accountId && ['Finished', 'Error', 'Canceled'].includes(status) && resolve(status);
      void (kind === 'backup' ? vault.onCloudBackupStatusChanged(handler) : vault.onCloudRestoreStatusChanged(handler));
    });
    const offError = await (
      kind === 'backup' ? vault.onCloudBackupError.bind(vault) : vault.onCloudRestoreError.bind(vault)
    )((id, _code, text) => id === accountId && (error = text));
    const off = await vault.onStateChanged((s) => {
      if (!cancelled && cancelWhen?.(s)) {
        cancelled = true;
        void vault.cancel();
      }
    });
    await start();
    const status = await ended;
    await off();
    await offError();
    return { status, ...(error ? { error } : {}) };
  }

  const deviceFolder = () => path.join(server.root, 'Sailfish OS', 'Backups', 'Stream_000000000000');
  const vaultDir = () => path.join(dataDir, 'vault');

  it('uploads the archive as it is written and restores it as it arrives, with no copy of it on disk', async () => {
    let watch = watchLargest(dataDir);
    const backup = await runOperation('backup', () => session.vault.backupToCloud(accountId));
    expect(backup).toEqual({ status: 'Finished' });
    // The largest local file during the backup: the accounts database, not an archive of 40 MiB.
    expect(watch.stop()).toBeLessThan(4 * MiB);
    const [file] = readdirSync(deviceFolder()).filter((n) => !n.startsWith('.'));
    const size = lstatSync(path.join(deviceFolder(), file!)).size;
    expect(size).toBeGreaterThan(40 * MiB);
    // A PUT with the whole length to a temporary name, then a MOVE into place; the checksum beside it.
    const put = server.requests!().find((line) => line.startsWith('PUT ') && !line.includes('/.checksums/'));
    expect(put).toMatch(new RegExp(`^PUT .+/\\.${file!.replace(/\./g, '\\.')}\\.[^ ]+\\.part ${size} - 201$`));
    expect(server.requests!().some((line) => line.startsWith('MOVE ') && line.endsWith(' 201'))).toBe(true);
    expect(readFileSync(path.join(deviceFolder(), '.checksums', `${file}.sha256`), 'utf8')).toMatch(
      /^[0-9a-f]{64} {2}/,
    );
    expect(filesBelow(vaultDir())).toEqual([]);

    const target = tempDir();
    watch = watchLargest(dataDir);
    const restore = await runOperation('restore', () => session.vault.restoreFromCloud(accountId, file!, target));
    expect(restore).toEqual({ status: 'Finished' });
    expect(watch.stop()).toBeLessThan(4 * MiB);
    expect(readTree(path.join(target, 'Videos'))).toEqual(readTree(unit));
    expect((await session.vault.state()).warnings).toEqual([]);
    expect(filesBelow(vaultDir())).toEqual([]);
    expect(readdirSync(target)).toEqual(['Videos']);
  });

  it('refuses a streamed backup whose bytes changed on the server, before any file changes', async () => {
    const [file] = readdirSync(deviceFolder()).filter((n) => !n.startsWith('.'));
    const archive = path.join(deviceFolder(), file!);
    const original = readFileSync(archive);
    const damaged = Buffer.from(original);
    damaged[damaged.indexOf('note 7\n') + 5] = '8'.charCodeAt(0);
    writeFileSync(archive, damaged);
    try {
      const target = tempDir();
      const restore = await runOperation('restore', () => session.vault.restoreFromCloud(accountId, file!, target));
      expect(restore.status).toBe('Error');
      expect(restore.error).toMatch(/SHA-256/);
      expect(readdirSync(target)).toEqual([]);
      expect(filesBelow(vaultDir())).toEqual([]);
    } finally {
      writeFileSync(archive, original);
    }
  });
});

describe('cancelling streamed transfers', () => {
  let server: WebDavServer;
  let bus: PrivateBusDaemon;
  let stores: Stores;
  let session: DaemonSession;
  let dataDir: string;
  let accountId: number;

  beforeAll(async () => {
    // A slow server: the transfers are still going when the cancel comes.
    server = await startRclone({ user: 'c', password: 'p', bwlimit: '8M' });
    bus = await PrivateBusDaemon.start();
    dataDir = tempDir();
    const env = { DBUS_SESSION_BUS_ADDRESS: bus.address };
    stores = openStores(resolvePaths({ dataDir, env }), env);
    session = await DaemonSession.open(stores, env, () => {}, {
      deviceId: 'Cancel_000000000000',
      scheduleCheckMs: 0,
      spoolMaxBytes: 0,
    });
    const unit = path.join(tempDir(), 'Music');
    makeUnit(unit, 48);
    stores.units.add(unit);
    accountId = (
      await stores.accounts.add({ provider: 'webdav', serverAddress: server.url, username: 'c', password: 'p' })
    ).id;
    ensureAccountProfiles(stores, accountId);
  });

  afterAll(async () => {
    await session?.close();
    stores?.close();
    await bus?.stop();
    await server?.stop();
  });

  const ended = (kind: 'backup' | 'restore') =>
    new Promise<string>((resolve) => {
      const handler = (id: number, status: string) =>
        id === accountId && ['Finished', 'Error', 'Canceled'].includes(status) && resolve(status);
      const { vault } = session;
      void (kind === 'backup' ? vault.onCloudBackupStatusChanged(handler) : vault.onCloudRestoreStatusChanged(handler));
    });

  it('cancels while the archive streams up, and while a download streams into staging, leaving nothing', async () => {
    const { vault } = session;
    let cancelled = false;
    const off = await vault.onStateChanged((s) => {
      // Some megabytes into the upload: the archive is still being read when the cancel comes.
      if (!cancelled && /^Backing up: Music · [1-9]/.test(s.statusText ?? '')) {
        cancelled = true;
        void vault.cancel();
      }
    });
    const backupEnd = ended('backup');
    await vault.backupToCloud(accountId);
    expect(await backupEnd).toBe('Canceled');
    await off();
    expect(cancelled).toBe(true);
    expect(backupsBelow(server.root)).toEqual([]);
    expect(filesBelow(path.join(dataDir, 'vault'))).toEqual([]);

    const finished = ended('backup');
    await vault.backupToCloud(accountId);
    expect(await finished).toBe('Finished');
    const file = path.basename(backupsBelow(server.root)[0]!);
    const target = tempDir();
    let cancelledRestore = false;
    const offRestore = await vault.onStateChanged((s) => {
      if (!cancelledRestore && /^Downloading [1-9]/.test(s.statusText ?? '')) {
        cancelledRestore = true;
        void vault.cancel();
      }
    });
    const restoreEnd = ended('restore');
    await vault.restoreFromCloud(accountId, file, target);
    expect(await restoreEnd).toBe('Canceled');
    await offRestore();
    expect(cancelledRestore).toBe(true);
    expect(readdirSync(target)).toEqual([]);
    expect(filesBelow(path.join(dataDir, 'vault'))).toEqual([]);
  });
});

describe('streams between two processes', () => {
  let server: WebDavServer;
  let bus: PrivateBusDaemon;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    server = await startRclone({ user: 'u', password: 'p' });
    bus = await PrivateBusDaemon.start();
  });

  afterAll(async () => {
    for (const child of children) {
      if (child.exitCode !== null) continue;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    await bus?.stop();
    await server?.stop();
  });

  it('streams a backup from the vault in one process to the Backup plugin in another, over a Unix socket', async () => {
    const env = cliEnv({ DBUS_SESSION_BUS_ADDRESS: bus.address, SFBACKUP_SPOOL_MAX_BYTES: '0' });
    // The sync daemon (accounts, profiles, plugins) and the vault (units, archives) on data dirs of their own.
    const daemonDir = tempDir();
    // As long as a data dir in its default place: the socket's own path is then too long for a socket
    // (sockaddr_un holds 108 bytes), and the vault offers it by a shorter name (streamEndpoints.ts).
    const vaultDir = path.join(tempDir(), 'home', 'alice', '.local', 'share', 'sailfish-backup-settings');
    mkdirSync(vaultDir, { recursive: true });
    expect(
      Buffer.byteLength(path.join(vaultDir, 'vault/engine-12345-1234567/cloud-0123456789ab/archive.sock')),
    ).toBeGreaterThan(108);
    const unit = path.join(tempDir(), 'Photos');
    makeUnit(unit, 24);
    expect((await runCli(['--data-dir', vaultDir, 'units', 'add', unit], { env })).code).toBe(0);
    const added = await runCli(
      [
        '--data-dir',
        daemonDir,
        'account',
        'add',
        '--provider',
        'webdav',
        '--server',
        server.url,
        '--user',
        'u',
        '--password-stdin',
      ],
      { env, input: 'p\n' },
    );
    expect(added.code, added.stderr).toBe(0);
    expect((await runCli(['--data-dir', daemonDir, 'profiles', 'create', '1'], { env })).code).toBe(0);
    children.push(await startDaemonProcess(daemonDir, env, ['--only', 'msyncd']));
    children.push(await startDaemonProcess(vaultDir, env, ['--only', 'vault']));
    const watch = watchLargest(vaultDir);
    const backup = await runCli(['--data-dir', daemonDir, '--json', 'backup', '1'], { env });
    expect(backup.code, backup.stderr).toBe(0);
    expect(watch.stop()).toBeLessThan(4 * MiB);
    const [archive] = backupsBelow(server.root).filter((f) => !path.basename(f).startsWith('.'));
    const out = tempDir();
    const checksum = readFileSync(
      path.join(server.root, path.dirname(archive!), '.checksums', `${path.basename(archive!)}.sha256`),
      'utf8',
    );
    const local = path.join(tempDir(), path.basename(archive!));
    writeFileSync(local, readFileSync(path.join(server.root, archive!)));
    writeFileSync(`${local}.sha256`, checksum);
    const restored = await restoreInto(local, out);
    expect(restored.verified).toBe(true);
    expect(readTree(path.join(out, 'Photos'))).toEqual(readTree(unit));
  });
});
