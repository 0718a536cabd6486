// Twenty commands at once on one data dir, with no session bus: backups, restores, listings, account
// and unit edits. Every "Finished" is checked against what a user would check (the server holds the
// whole archive, restored files are byte-identical) and every password reaches its own server only:
// three WebDAV servers, each accepting only its own users, behind proxies that note every credential.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolvePaths } from '../../main/paths.js';
import { openStores } from '../../main/stores.js';
import { cliEnv, runCli, type CliResult } from '../helpers/cli.js';
import { FaultProxy } from '../helpers/faultProxy.js';
import { startRclone, tempDir, type WebDavServer } from '../helpers/processes.js';
import { filesBelow, makeUnitTree, readTree } from '../helpers/tree.js';

const env = cliEnv();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Users per server: each password is valid on its own server only. */
const users: Array<Record<string, string>> = [
  { a1: 'pw-a1-Rt4', a2: 'pw-a2-9Hq', a3: 'pw-a3-xL2' },
  { b1: 'pw-b1-Wm7', b2: 'pw-b2-Pz3', b3: 'pw-b3-Kc8' },
  { c1: 'pw-c1-Jd5', c2: 'pw-c2-Vn1', c3: 'pw-c3-Ys6' },
];

function unitsInArchive(archive: string): string {
  const dir = tempDir();
  execFileSync('tar', ['-xf', archive, '-C', dir]);
  return dir;
}

describe('20 commands at once on one data dir', () => {
  const servers: WebDavServer[] = [];
  const proxies: FaultProxy[] = [];
  let dataDir: string;
  const units: Record<string, string> = {};
  let firstBackup: string;
  const cli = (args: string[], input?: string) =>
    runCli(['--data-dir', dataDir, ...args], { env, ...(input ? { input } : {}) });
  const addAccount = (server: number, user: string) =>
    cli(
      [
        '--json',
        'account',
        'add',
        '--provider',
        'webdav',
        '--server',
        proxies[server]!.url,
        '--user',
        user,
        '--password-stdin',
      ],
      `${users[server]![user]}\n`,
    );
  const deviceFolder = (server: number) => {
    const root = path.join(servers[server]!.root, 'Sailfish OS', 'Backups');
    return path.join(root, readdirSync(root)[0]!);
  };

  /** A backup or restore finds the vault busy when another one runs: run it again, as a user would. */
  async function untilNotBusy(args: string[]): Promise<CliResult> {
    for (let attempt = 0; ; attempt++) {
      const r = await cli(args);
      if (r.code === 0 || !/already running/.test(r.stderr) || attempt >= 60) return r;
      await sleep(300 + Math.random() * 700);
    }
  }

  beforeAll(async () => {
    for (const set of users) {
      const server = await startRclone({ user: '', password: '', users: set });
      servers.push(server);
      proxies.push(await FaultProxy.start(server.url));
    }
    dataDir = tempDir();
    const root = tempDir();
    for (const name of ['Documents', 'Photos', 'Late1', 'Late2']) {
      units[name] = path.join(root, name);
      makeUnitTree(units[name], name.startsWith('Late') ? 4096 : 512 * 1024);
    }
    mkdirSync(path.join(units.Documents!, 'many'));
    for (let i = 0; i < 300; i++) writeFileSync(path.join(units.Documents!, 'many', `n${i}.txt`), `note ${i}\n`);
    for (const name of ['Documents', 'Photos']) expect((await cli(['units', 'add', units[name]!])).code).toBe(0);
    for (const [server, user] of [
      [0, 'a1'],
      [1, 'b1'],
      [2, 'c1'],
    ] as const) {
      const r = await addAccount(server, user);
      expect(r.code, r.stderr).toBe(0);
    }
    const first = await cli(['--json', 'backup', '1']);
    expect(first.code, first.stderr).toBe(0);
    firstBackup = (JSON.parse(first.stdout) as { file: string }).file;
  });

  afterAll(async () => {
    for (const proxy of proxies) await proxy.stop();
    for (const server of servers) await server.stop();
  });

  it('every Finished is true, nothing is lost, and each password reaches its own server only', async () => {
    const targets = [tempDir(), tempDir(), tempDir()];
    const jobs: Array<{ kind: string; account?: number; target?: string; run: Promise<CliResult> }> = [
      ...[1, 2, 3, 1].map((account) => ({
        kind: 'backup',
        account,
        run: untilNotBusy(['--json', 'backup', String(account)]),
      })),
      ...targets.map((target) => ({
        kind: 'restore',
        target,
        run: untilNotBusy(['--json', 'restore', '1', firstBackup, '--to', target]),
      })),
      ...[1, 2, 3, 1].map((account) => ({ kind: 'list', account, run: cli(['--json', 'backups', String(account)]) })),
      ...(
        [
          [0, 'a2'],
          [0, 'a3'],
          [1, 'b2'],
          [1, 'b3'],
          [2, 'c2'],
          [2, 'c3'],
        ] as const
      ).map(([server, user]) => ({ kind: 'account add', run: addAccount(server, user) })),
      { kind: 'units add', run: cli(['units', 'add', units.Late1!]) },
      { kind: 'units add', run: cli(['units', 'add', units.Late2!]) },
      { kind: 'account set', run: cli(['account', 'set', '2', 'name=Renamed while busy']) },
    ];
    expect(jobs).toHaveLength(20);
    const results = await Promise.all(jobs.map(async (job) => ({ ...job, result: await job.run })));

    for (const { kind, account, target, result } of results) {
      expect(result.code, `${kind}: ${result.stderr}`).toBe(0);
      if (kind === 'backup') {
        // "Finished" means the server holds the whole archive: GNU tar reads it, every unit in it is intact.
        const { status, file } = JSON.parse(result.stdout) as { status: string; file: string };
        expect(status).toBe('Finished');
        const extracted = unitsInArchive(path.join(deviceFolder(account! - 1), file));
        // The unit folders; the manifest is the archive's one top-level file.
        const inside = readdirSync(extracted).filter((n) => n !== '.sailfish-backup-manifest.jsonl');
        expect(inside).toEqual(expect.arrayContaining(['Documents', 'Photos']));
        for (const unit of inside) expect(readTree(path.join(extracted, unit))).toEqual(readTree(units[unit]!));
      }
      if (kind === 'restore') {
        expect(JSON.parse(result.stdout)).toMatchObject({ status: 'Finished' });
        for (const unit of ['Documents', 'Photos'])
          expect(readTree(path.join(target!, unit))).toEqual(readTree(units[unit]!));
      }
      if (kind === 'list' && account === 1)
        expect((JSON.parse(result.stdout) as Array<{ name: string }>).map((b) => b.name)).toContain(firstBackup);
    }

    // Nothing lost: every account with its own password, every folder kept.
    const stores = openStores(resolvePaths({ dataDir, env }), env);
    try {
      const accounts = stores.accounts.list();
      expect(accounts).toHaveLength(9);
      expect(new Set(accounts.map((a) => a.credentialsId)).size).toBe(9);
      for (const a of accounts) {
        const server = proxies.findIndex((p) => p.url === a.serverAddress);
        expect(await stores.accounts.credentialsFor(a)).toEqual({
          username: a.username,
          password: users[server]![a.username],
        });
      }
      expect(stores.accounts.get(2).name).toBe('Renamed while busy');
      expect(stores.units.list().map((u) => u.name)).toEqual(
        expect.arrayContaining(['Documents', 'Photos', 'Late1', 'Late2']),
      );
    } finally {
      stores.close();
    }

    // Each new account signs in to its own server, all at once; no server ever saw another's password.
    const listings = await Promise.all([4, 5, 6, 7, 8, 9].map((id) => cli(['backups', String(id)])));
    for (const r of listings) expect(r.code, r.stderr).toBe(0);
    proxies.forEach((proxy, server) => {
      const own = Object.entries(users[server]!).map(([user, password]) => `${user}:${password}`);
      expect(proxy.credentials.length).toBeGreaterThan(0);
      for (const seen of proxy.credentials) expect(own).toContain(seen);
    });
    expect(filesBelow(path.join(dataDir, 'vault'))).toEqual([]);
    for (let server = 0; server < 3; server++)
      // No partial upload left (the checksums folder holds each backup's SHA-256).
      expect(readdirSync(deviceFolder(server)).filter((n) => n.startsWith('.') && n !== '.checksums')).toEqual([]);
  }, 180_000);
});
