// Damaged files on disk: reported with their path, skipped where the rest can go on, never
// overwritten behind the user's back.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { resolvePaths } from '../../main/paths.js';
import { openStores } from '../../main/stores.js';
import { fileProblems } from '../../main/fileProblems.js';
import { openSession } from '../../main/plugins/webdav/pluginEnv.js';
import { SyncProfile } from '../../main/buteo/SyncProfile.js';
import { BackupError } from '../../main/errors.js';
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
        // Damaged is not unset: no default path stands in for it (backups would go elsewhere unasked).
        expect(shown.webdavPath).toBe('');
        expect(shown.problems.map((p) => p.key).sort()).toEqual(['ignore_ssl_errors', 'webdav_path', 'weird']);
        // Read again, the same problems: said each time, never piled up.
        expect(accounts.get(a.id).problems).toHaveLength(3);
        const kinds = fileProblems(stores).map((p) => `${p.kind}:${p.key}`);
        expect(kinds.sort()).toEqual([
          'account-setting:ignore_ssl_errors',
          'account-setting:webdav_path',
          'account-setting:weird',
        ]);
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

  it('refuses to back up an account whose stored place is damaged, saying which setting, before any request', async () => {
    const dataDir = tempDir();
    const stores = openStores(resolvePaths({ dataDir, env: {} }), {});
    try {
      const a = await stores.accounts.add({
        provider: 'webdav',
        serverAddress: 'https://dav.example',
        username: 'u',
        password: 'p',
      });
      const sqlite = new Database(path.join(dataDir, 'accounts', 'accounts.db'));
      sqlite.prepare("UPDATE Settings SET value = 'not quoted' WHERE key = 'webdav_path'").run();
      sqlite.close();
      const [profile] = Object.values(stores.profiles.createForAccount(stores.accounts.get(a.id)));
      const env = { accounts: stores.accounts, vault: undefined as never, restoreDir: dataDir };
      const refused = openSession(env, SyncProfile.parse(profile!.toXml()));
      await expect(refused).rejects.toBeInstanceOf(BackupError);
      await expect(refused).rejects.toMatchObject({ kind: 'damaged' });
      await expect(refused).rejects.toThrow(/damaged webdav_path setting .*sfbackup account set \d+ webdav_path=/);
    } finally {
      stores.close();
    }
  });

  it('lists damaged files in sfbackup status: account settings, profiles and the units file', async () => {
    const dataDir = tempDir();
    const env = cliEnv();
    const add = await runCli(
      [
        '--data-dir',
        dataDir,
        '--json',
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
    );
    const id = (JSON.parse(add.stdout) as { id: number }).id;
    expect((await runCli(['--data-dir', dataDir, 'profiles', 'create', String(id)], { env })).code).toBe(0);
    const sqlite = new Database(path.join(dataDir, 'accounts', 'accounts.db'));
    // Quoted GVariant text, so it reads as a string, but a path that climbs out of the server's folders.
    sqlite.prepare("UPDATE Settings SET value = '''/x/../y''' WHERE key = 'backups_path'").run();
    sqlite.close();
    const profile = path.join(dataDir, 'msyncd', 'sync', `webdav.BackupQuery-${id}.xml`);
    writeFileSync(profile, '<profile name="cut');
    writeFileSync(path.join(dataDir, 'units.json'), '{"units": 3}');
    const json = await runCli(['--data-dir', dataDir, '--json', 'status'], { env });
    expect(json.code).toBe(0);
    const { problems } = JSON.parse(json.stdout) as { problems: Array<{ kind: string; file: string; key?: string }> };
    expect(problems.map((p) => [p.kind, path.basename(p.file), p.key ?? ''])).toEqual([
      ['account-setting', 'accounts.db', 'backups_path'],
      ['units', 'units.json', ''],
      ['profile', `webdav.BackupQuery-${id}.xml`, ''],
    ]);
    const text = await runCli(['--data-dir', dataDir, 'status'], { env });
    expect(text.stdout).toContain('Damaged files (not used until fixed):');
    expect(text.stdout).toMatch(/the stored backups_path is damaged and not used/);
    expect(text.stdout).toContain(`webdav.BackupQuery-${id}.xml is damaged and not used`);
  });
});
