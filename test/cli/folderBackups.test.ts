// No account at all, on a fresh data dir: back up to a folder, list it, restore from it byte for byte —
// as a Sailfish device does with its memory card. The default folder in the home folder is made on first
// use; a backup whose folders this computer does not back up asks for --to before anything runs.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/processes.js';
import { makeUnitTree, readTree } from '../helpers/tree.js';

describe('backups to a folder from the CLI, with no account', () => {
  let dataDir: string;
  let env: NodeJS.ProcessEnv;
  let home: string;
  let docs: string;
  const cli = (...args: string[]) => runCli(['--data-dir', dataDir, ...args], { env });

  beforeAll(async () => {
    dataDir = tempDir();
    home = tempDir('sfb-home-');
    env = cliEnv({ HOME: home });
    docs = path.join(tempDir(), 'Documents');
    makeUnitTree(docs, 512 * 1024);
    expect((await cli('units', 'add', docs)).code).toBe(0);
  });

  it('backs up, lists and restores byte-identical files', async () => {
    const card = tempDir('sfb-card-');
    const backup = await cli('--json', 'backup', card);
    expect(backup.code, backup.stderr).toBe(0);
    const made = JSON.parse(backup.stdout) as { file: string; path: string; status: string };
    expect(made.status).toBe('Finished');
    expect(readdirSync(card).sort()).toEqual([made.file, `${made.file}.sha256`]);

    const list = await cli('--json', 'backups', card);
    expect(list.code).toBe(0);
    expect((JSON.parse(list.stdout) as Array<{ name: string }>).map((b) => b.name)).toEqual([made.file]);
    expect((await cli('backups', card)).stdout).toMatch(new RegExp(`^${made.file}  \\S+Z  [\\d.]+ [kM]?B\\n$`));

    const into = tempDir('sfb-into-');
    const restore = await cli('--json', 'restore', card, made.file, '--to', into);
    expect(restore.code, restore.stderr).toBe(0);
    expect(JSON.parse(restore.stdout)).toMatchObject({ status: 'Finished', verified: true, skipped: [] });
    expect(readTree(path.join(into, 'Documents'))).toEqual(readTree(docs));
    expect(readdirSync(card).sort()).toEqual([made.file, `${made.file}.sha256`]);
  });

  it('makes the default folder in the home folder on first use, and says so', async () => {
    const folder = path.join(home, 'Sailfish OS backups');
    expect(existsSync(folder)).toBe(false);
    const listed = await cli('--json', 'targets');
    const home1 = (JSON.parse(listed.stdout) as { folders: Array<{ kind: string; path: string; exists: boolean }> })
      .folders[0];
    expect(home1).toMatchObject({ kind: 'home', path: folder, exists: false });
    const backup = await cli('backup', folder);
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stderr).toContain(`Made the folder ${folder} for backups.`);
    expect(readdirSync(folder).filter((f) => f.endsWith('.tar'))).toHaveLength(1);
  });

  it('asks for --to before restoring folders this computer does not back up', async () => {
    const card = tempDir('sfb-card-');
    const backup = await cli('--json', 'backup', card);
    const file = (JSON.parse(backup.stdout) as { file: string }).file;
    expect((await cli('units', 'remove', docs)).code).toBe(0);
    try {
      const refused = await cli('restore', card, file);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(
        'The backup holds folders this computer does not back up (Documents); restore them into a folder with --to DIR.',
      );
    } finally {
      expect((await cli('units', 'add', docs)).code).toBe(0);
    }
  });

  it('refuses a folder that is not there, and adds folders as targets', async () => {
    const missing = await cli('backup', '/nonexistent/sfb-card');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('The folder /nonexistent/sfb-card does not exist');
    const extra = tempDir('sfb-nas-');
    expect((await cli('targets', 'add', extra)).code).toBe(0);
    const listed = JSON.parse((await cli('--json', 'targets')).stdout) as {
      folders: Array<{ kind: string; path: string }>;
    };
    expect(listed.folders).toContainEqual(expect.objectContaining({ kind: 'folder', path: extra }));
    expect((await cli('targets', 'remove', extra)).code).toBe(0);
  });
});
