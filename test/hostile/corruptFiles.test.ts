// Damaged files on disk: reported with their path, skipped where the rest can go on, never
// overwritten behind the user's back.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { resolvePaths } from '../../main/paths.js';
import { openStores } from '../../main/stores.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/processes.js';

describe('damaged files', () => {
  it('reports a truncated accounts database and leaves it untouched', async () => {
    const dataDir = tempDir();
    const env = cliEnv();
    expect(
      (
        await runCli(
          [
            '--data-dir',
            dataDir,
            'account',
            'add',
            '--offline',
            '--provider',
            'webdav',
            '--server',
            'https://dav.example',
            '--user',
            'u',
            '--password-stdin',
          ],
          { env, input: 'p\n' },
        )
      ).code,
    ).toBe(0);
    const db = path.join(dataDir, 'accounts', 'accounts.db');
    // Fold the WAL in, then cut the file in half.
    const sqlite = new Database(db);
    sqlite.pragma('wal_checkpoint(TRUNCATE)');
    sqlite.close();
    const whole = readFileSync(db);
    writeFileSync(db, whole.subarray(0, 1000));
    const damaged = readFileSync(db);
    const r = await runCli(['--data-dir', dataDir, 'account', 'list'], { env });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Cannot use the accounts database .*accounts\.db/);
    expect(r.stderr).toContain('left as it is');
    expect(readFileSync(db).equals(damaged)).toBe(true);
  });

  it('skips settings of the wrong type or unknown type and keeps the account usable', () => {
    const dataDir = tempDir();
    const stores = openStores(resolvePaths({ dataDir, env: {} }), {});
    const accounts = stores.accounts;
    return accounts
      .add({ provider: 'webdav', serverAddress: 'https://dav.example', username: 'u', password: 'p' })
      .then((a) => {
        const sqlite = new Database(path.join(dataDir, 'accounts', 'accounts.db'));
        sqlite.prepare("UPDATE Settings SET value = 'maybe' WHERE key = 'ignore_ssl_errors'").run();
        sqlite
          .prepare("INSERT INTO Settings (account, service, key, type, value) VALUES (?, 0, 'weird', 'a{sv}', '{}')")
          .run(a.id);
        sqlite.prepare("UPDATE Settings SET value = 'not quoted' WHERE key = 'webdav_path'").run();
        sqlite.close();
        const shown = accounts.get(a.id);
        expect(shown.ignoreSslErrors).toBe(false);
        expect(shown.serverAddress).toBe('https://dav.example');
        expect(shown.webdavPath).toBe('/');
        const problems = stores.accountStore.problems.map((p) => p.key).sort();
        expect(problems).toEqual(expect.arrayContaining(['ignore_ssl_errors', 'weird', 'webdav_path']));
        stores.close();
      });
  });

  it('refuses a damaged units file with its path, and does not rewrite it', async () => {
    const dataDir = tempDir();
    const env = cliEnv();
    writeFileSync(path.join(dataDir, 'units.json'), '{"units": [ {"name": "../x", "path": "/"} ]}');
    const units = await runCli(['--data-dir', dataDir, 'units', 'list'], { env });
    expect(units.code).not.toBe(0);
    expect(units.stderr).toContain('units.json is damaged');
    expect(readFileSync(path.join(dataDir, 'units.json'), 'utf8')).toContain('"../x"');
  });
});
