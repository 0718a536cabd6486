// Twenty commands editing one data dir at the same moment, with no session bus: every account keeps its
// own password under its own CredentialsId, every folder added is kept, and a reset or damaged
// credentials file never makes an id mean two passwords.
import { mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolvePaths } from '../../main/paths.js';
import { openStores } from '../../main/stores.js';
import { cliEnv, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/processes.js';

const WRITERS = 20;
const env = cliEnv();

function addAccount(dataDir: string, i: number) {
  return runCli(
    [
      '--data-dir',
      dataDir,
      '--json',
      'account',
      'add',
      '--provider',
      'webdav',
      '--server',
      `https://s${i}.example`,
      '--user',
      `user${i}`,
      '--password-stdin',
      '--offline',
    ],
    { env, input: `pw-${i}\n` },
  );
}

/** What the data dir holds now: each account's server, user, CredentialsId and the password behind it. */
async function storedAccounts(dataDir: string) {
  const stores = openStores(resolvePaths({ dataDir, env }), env);
  try {
    return await Promise.all(
      stores.accounts.list().map(async (a) => ({
        server: a.serverAddress,
        username: a.username,
        credentialsId: a.credentialsId,
        secret: await stores.accounts.credentialsFor(a),
      })),
    );
  } finally {
    stores.close();
  }
}

describe('parallel writers on one data dir', () => {
  it(`${WRITERS} parallel "account add": distinct CredentialsIds, every password kept and its own`, async () => {
    const dataDir = tempDir();
    const results = await Promise.all(Array.from({ length: WRITERS }, (_, i) => addAccount(dataDir, i + 1)));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const accounts = await storedAccounts(dataDir);
    expect(accounts).toHaveLength(WRITERS);
    expect(new Set(accounts.map((a) => a.credentialsId)).size).toBe(WRITERS);
    for (const a of accounts) {
      const i = /^https:\/\/s(\d+)\.example$/.exec(a.server)![1];
      expect(a.username).toBe(`user${i}`);
      expect(a.secret).toEqual({ username: `user${i}`, password: `pw-${i}` });
    }
  });

  it('a reset credentials file does not hand out an id an account still points at', async () => {
    const dataDir = tempDir();
    for (const i of [1, 2]) expect((await addAccount(dataDir, i)).code).toBe(0);
    const before = await storedAccounts(dataDir);
    // A restore of an older copy, or a user deleting the file: its id counter starts again.
    rmSync(path.join(dataDir, 'credentials', 'credentials.json'));
    const r = await addAccount(dataDir, 3);
    expect(r.code, r.stderr).toBe(0);
    const after = await storedAccounts(dataDir);
    const added = after.find((a) => a.username === 'user3')!;
    expect(before.map((a) => a.credentialsId)).not.toContain(added.credentialsId);
    expect(added.secret).toEqual({ username: 'user3', password: 'pw-3' });
    // The old accounts lost their passwords with the file; none of them now reads account 3's.
    for (const a of after.filter((x) => x.username !== 'user3')) expect(a.secret).toBeUndefined();
  });

  it('a truncated credentials file is reported as damaged and left as it is', async () => {
    const dataDir = tempDir();
    expect((await addAccount(dataDir, 1)).code).toBe(0);
    const file = path.join(dataDir, 'credentials', 'credentials.json');
    truncateSync(file, 20);
    const damaged = readFileSync(file);
    const r = await addAccount(dataDir, 2);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/credentials file .* is damaged; it was left untouched/);
    expect(r.stderr).not.toMatch(/Unterminated|JSON at position/);
    expect(readFileSync(file)).toEqual(damaged);
  });

  it(`${WRITERS} parallel "units add": every folder is kept`, async () => {
    const dataDir = tempDir();
    const root = tempDir();
    const folders = Array.from({ length: WRITERS }, (_, i) => path.join(root, `Folder${i}`));
    for (const f of folders) {
      mkdirSync(f);
      writeFileSync(path.join(f, 'file.txt'), f);
    }
    const results = await Promise.all(folders.map((f) => runCli(['--data-dir', dataDir, 'units', 'add', f], { env })));
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    const listed = await runCli(['--data-dir', dataDir, '--json', 'units', 'list'], { env });
    const units = JSON.parse(listed.stdout) as Array<{ path: string }>;
    expect(units.map((u) => u.path).sort()).toEqual([...folders].sort());
  });
});
