// A hostile server's listings: names that try to climb out of the restore folder, control
// characters, huge names, 100,000 entries, deeply nested or bloated XML. Nothing is written outside
// the restore folder, memory stays bounded, and the user gets a clear error.
import http from 'node:http';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SyncStatus } from '../../main/buteo/codes.js';
import { PrivateBusDaemon } from '../../main/dbus/bus.js';
import { ensureAccountProfiles, listCloudBackups, runProfileToEnd } from '../../main/operations.js';
import { resolvePaths } from '../../main/paths.js';
import { DaemonSession } from '../../main/session.js';
import { openStores, type Stores } from '../../main/stores.js';
import { tempDir } from '../helpers/processes.js';

const device = 'Hostile_000000000000';

function multistatus(folder: string, hrefs: string[]): string {
  const entry = (href: string, collection: boolean) =>
    `<d:response><d:href>${href}</d:href><d:propstat><d:prop><d:resourcetype>${collection ? '<d:collection/>' : ''}</d:resourcetype><d:getcontentlength>10</d:getcontentlength></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`;
  return `<?xml version="1.0" encoding="utf-8"?><d:multistatus xmlns:d="DAV:">${entry(folder + '/', true)}${hrefs.map((h) => entry(h, false)).join('')}</d:multistatus>`;
}

describe('hostile WebDAV listings', () => {
  let server: http.Server;
  let answer: () => string = () => '';
  let requests: string[] = [];
  let bus: PrivateBusDaemon;
  let stores: Stores;
  let session: DaemonSession;
  let accountId: number;
  const folder = `/Sailfish%20OS/Backups/${device}`;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url}`);
      req.resume();
      if (req.method === 'PROPFIND') {
        res.writeHead(207, { 'Content-Type': 'application/xml' });
        res.end(answer());
      } else {
        res.writeHead(404);
        res.end();
      }
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    bus = await PrivateBusDaemon.start();
    const env = { DBUS_SESSION_BUS_ADDRESS: bus.address };
    stores = openStores(resolvePaths({ dataDir: tempDir(), env }), env);
    session = await DaemonSession.open(stores, env, () => {}, { scheduleCheckMs: 0, deviceId: device });
    accountId = (
      await stores.accounts.add({
        provider: 'webdav',
        serverAddress: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        username: 'h',
        password: 'p',
      })
    ).id;
    ensureAccountProfiles(stores, accountId);
  });

  afterAll(async () => {
    await session?.close();
    stores?.close();
    await bus?.stop();
    server?.close();
  });

  it('lists only plain names of files in the device folder, whatever the hrefs say', async () => {
    const good = 'sailfish_backup_2026-01-02T03-04-05Z.tar';
    answer = () =>
      multistatus(folder, [
        `${folder}/${good}`,
        `${folder}/..%2F..%2Fetc%2Fpasswd`,
        `${folder}/%2e%2e%2f%2e%2e%2fetc%2fshadow`,
        '/etc/passwd',
        `${folder}/../../escaped.tar`,
        `${folder}/nul%00name.tar`,
        `${folder}/bell%07name.tar`,
        `${folder}/${'a'.repeat(4000)}.tar`,
        `http://elsewhere.example${folder}/other-host.tar`,
        `${folder}/sub/nested.tar`,
      ]);
    const names = (await listCloudBackups(session, stores, accountId)).map((b) => b.name);
    expect(names).toContain(good);
    for (const name of names) {
      expect(name).not.toMatch(/[/\\\p{Cc}]/u);
      expect(name.length).toBeLessThanOrEqual(255);
      expect(['.', '..']).not.toContain(name);
    }
    expect(names).not.toContain('passwd');
    expect(names).not.toContain('nested.tar');
  });

  it('refuses to restore a name that would leave the restore folder, before asking the server', async () => {
    // "<folder>/<file>" is what the page passes (RestorePage.qml:89); only the file name is used locally.
    for (const name of ['../../etc/passwd', '..', 'a/../b.tar', 'folder/', 'x\u0000y.tar', '/dav/x\u0007.tar']) {
      await expect(session.vault.restoreFromCloud(accountId, name)).rejects.toThrow(
        /not a backup file name|InvalidArgs|null byte/,
      );
    }
    // A name the server offers is only ever a file name inside the restore folder.
    const profile = stores.profiles.load(`webdav.BackupRestore-${accountId}`)!;
    const dir = tempDir();
    profile.setKey('sfos-backuprestore-file', path.join(dir, '..'));
    stores.profiles.save(profile);
    requests = [];
    const run = await runProfileToEnd(session, profile.name);
    expect(run.status).not.toBe(SyncStatus.Done);
    expect(requests.filter((r) => r.startsWith('GET'))).toEqual([]);
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync('/etc/x.tar')).toBe(false);
  });

  it('handles 100,000 entries with bounded memory', async () => {
    const hrefs = Array.from({ length: 100_000 }, (_, i) => `${folder}/sailfish_backup_2026-01-01T00-00-00Z-${i}.tar`);
    const xml = multistatus(folder, hrefs);
    answer = () => xml;
    const before = process.memoryUsage().rss;
    const list = await listCloudBackups(session, stores, accountId);
    expect(list).toHaveLength(100_000);
    expect(process.memoryUsage().rss - before).toBeLessThan(512 * 1024 * 1024);
  });

  it('refuses entity tricks, deep nesting and oversized answers with a clear error', async () => {
    answer = () =>
      `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "${'x'.repeat(1000)}"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><d:multistatus xmlns:d="DAV:"><d:response><d:href>&b;</d:href></d:response></d:multistatus>`;
    await expect(listCloudBackups(session, stores, accountId)).rejects.toThrow(/DOCTYPE/);
    answer = () =>
      `<?xml version="1.0"?><d:multistatus xmlns:d="DAV:">${'<d:x>'.repeat(20_000)}${'</d:x>'.repeat(20_000)}</d:multistatus>`;
    await expect(listCloudBackups(session, stores, accountId)).rejects.toThrow(/listing|nested|deep/i);
    const huge = `<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response><d:href>${'y'.repeat(70 * 1024 * 1024)}</d:href></d:response></d:multistatus>`;
    answer = () => huge;
    await expect(listCloudBackups(session, stores, accountId)).rejects.toThrow(/too large/);
    answer = () => multistatus(folder, [`${folder}/sailfish_backup_2026-01-02T03-04-05Z.tar`]);
    expect(await listCloudBackups(session, stores, accountId)).toHaveLength(1);
  });
});
