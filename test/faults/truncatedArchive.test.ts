// Case 4 of the hostile probes: verified archives. A download cut at a file boundary (no Content-Length,
// so the transfer itself looks complete) or a backup damaged on the server is refused before any file
// changes; a backup made without a manifest (an older version, a device, GNU tar) still restores, with a
// note that it could not be verified.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackupWorld, type BackupWorld } from '../helpers/backupWorld.js';
import { tempDir } from '../helpers/processes.js';
import { filesBelow, readTree } from '../helpers/tree.js';

/** The byte offset where the n-th member of a tar file starts (GNU tar's --block-number). */
function memberOffset(archive: string, n: number): number {
  const lines = execFileSync('tar', ['-tR', '-f', archive]).toString().trim().split('\n');
  const block = /^block (\d+):/.exec(lines[n]!)?.[1];
  return Number(block) * 512;
}

describe('a restore accepts only a complete, verified archive', () => {
  let world: BackupWorld;
  let unit: string;
  let file: string;
  let archive: string;

  beforeAll(async () => {
    world = await startBackupWorld({ proxy: true });
    unit = path.join(tempDir(), 'Docs');
    mkdirSync(unit);
    for (let i = 0; i < 20; i++)
      writeFileSync(path.join(unit, `file-${String(i).padStart(2, '0')}.txt`), `file ${i}\n`.repeat(100));
    expect((await world.cli(['units', 'add', unit])).code).toBe(0);
    file = (await world.json<{ file: string }>(['backup', '1'])).file;
    archive = world.serverBackups().find((f) => path.basename(f) === file)!;
  });

  afterAll(async () => {
    await world?.stop();
  });

  const restoreFails = async (pattern: RegExp) => {
    const to = tempDir();
    const r = await world.cli(['--json', 'restore', '1', file, '--to', to]);
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toMatch(pattern);
    expect(readdirSync(to)).toEqual([]);
    expect(filesBelow(path.join(world.dataDir, 'vault'))).toEqual([]);
    expect(await world.lastLog('webdav.BackupRestore-1')).toMatchObject({ majorCode: 1 });
  };

  it('refuses a download cut at a file boundary, with or without the recorded checksum', async () => {
    world.proxy!.fault = { method: 'GET', truncate: { bytes: memberOffset(archive, 11), path: /\.tar$/ } };
    try {
      await restoreFails(/incomplete/);
      const checksum = path.join(path.dirname(archive), '.checksums', `${file}.sha256`);
      const saved = readFileSync(checksum);
      await world.putOnServer(checksum, undefined);
      await restoreFails(/incomplete/);
      await world.putOnServer(checksum, saved);
    } finally {
      world.proxy!.fault = undefined;
    }
  });

  it('refuses an archive whose bytes changed on the server: by its checksum, and by its manifest without one', async () => {
    const original = readFileSync(archive);
    const damaged = Buffer.from(original);
    const at = damaged.indexOf('file 7\n');
    damaged[at + 5] = '8'.charCodeAt(0); // same size, same headers: only the content of one file differs
    await world.putOnServer(archive, damaged);
    const checksum = path.join(path.dirname(archive), '.checksums', `${file}.sha256`);
    const saved = readFileSync(checksum);
    try {
      await restoreFails(/SHA-256/);
      await world.putOnServer(checksum, undefined);
      await restoreFails(/file-07\.txt: its content differs from the manifest/);
    } finally {
      await world.putOnServer(archive, original);
      await world.putOnServer(checksum, saved);
    }
    const to = tempDir();
    const r = await world.json<{ verified: boolean }>(['restore', '1', file, '--to', to]);
    expect(r.verified).toBe(true);
    expect(readTree(path.join(to, 'Docs'))).toEqual(readTree(unit));
  });

  it('restores a backup without a manifest and says it could not be verified', async () => {
    const made = tempDir();
    mkdirSync(path.join(made, 'Docs'));
    writeFileSync(path.join(made, 'Docs', 'from-a-device.txt'), 'old but fine\n');
    const name = 'sailfish_backup_2020-01-01T00-00-00Z.tar';
    execFileSync('tar', ['-cf', path.join(made, name), '-C', made, 'Docs']);
    await world.putOnServer(path.join(path.dirname(archive), name), readFileSync(path.join(made, name)));
    const to = tempDir();
    const r = await world.json<{ verified: boolean; notes: string[] }>(['restore', '1', name, '--to', to]);
    expect(r.verified).toBe(false);
    expect(r.notes.join('\n')).toMatch(/could not be verified/);
    expect(readFileSync(path.join(to, 'Docs', 'from-a-device.txt'), 'utf8')).toBe('old but fine\n');
    expect((await world.lastLog('webdav.BackupRestore-1'))?.message).toMatch(/not verified/);
  });
});
