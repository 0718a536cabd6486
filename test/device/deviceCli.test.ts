// `sfbackup --device …` against a device stood up on this machine (test/helpers/testDevice.ts): another
// user's bus and daemon, reachable only through a private sshd. Everything the desktop does to the device
// goes through SSH; the device's own CLI (run as the device user) is the reference for what it says.
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chownSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/processes.js';
import { deviceTestBlocker, startTestDevice, type TestDevice } from '../helpers/testDevice.js';
import { makeUnitTree } from '../helpers/tree.js';

if (deviceTestBlocker) console.warn(`Skipping test/device/deviceCli.test.ts: ${deviceTestBlocker}`);

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const json = (text: string): unknown => JSON.parse(text);

describe.skipIf(deviceTestBlocker !== undefined)('sfbackup --device, over SSH', () => {
  let device: TestDevice;
  let env: NodeJS.ProcessEnv;
  let desktop: string;
  let card: string;
  /** The backup the device made on its "memory card" (a folder of the device user's). */
  let cardBackup: { file: string; path: string; size: number; sha256: string } | undefined;
  const onDevice = (args: string[], options: Parameters<typeof runCli>[1] = {}) =>
    runCli(['--data-dir', desktop, '--device', device.address, ...args], { env, ...options });

  beforeAll(async () => {
    // 1 MB/s: a backup of the unit takes seconds, long enough to break the connection in the middle of one.
    device = await startTestDevice({ bwlimit: '1M' });
    desktop = tempDir('sfb-desktop-');
    card = device.card;
    env = cliEnv({ SFBACKUP_SSH: device.sshCommand });
    // Setup on the device, as its user would do it there (not part of what is tested).
    makeUnitTree(device.unit, 8 * 1024 * 1024);
    execFileSync('chown', ['-R', `${device.uid}:${device.uid}`, device.unit]);
    const added = await device.own(
      [
        '--json',
        'account',
        'add',
        '--provider',
        'webdav',
        '--server',
        device.webdav.url,
        '--user',
        'phone',
        '--password-stdin',
      ],
      'phone-secret\n',
    );
    expect(added.code, added.stderr).toBe(0);
    expect((await device.own(['units', 'add', device.unit])).code).toBe(0);
    expect((await device.own(['profiles', 'create', '1'])).code).toBe(0);
  }, 120_000);

  afterAll(async () => {
    await device?.stop();
  });

  it('reports the device’s status and profiles as the device’s own CLI does', async () => {
    const status = await onDevice(['--json', 'status']);
    expect(status.code, status.stderr).toBe(0);
    const mine = json(status.stdout) as { device: string; daemon: unknown; accounts: number; profiles: unknown[] };
    const theirs = json((await device.own(['--json', 'status'])).stdout) as typeof mine;
    expect(mine.device).toBe(device.address);
    expect(mine.accounts).toBe(1);
    expect(mine.profiles).toEqual(theirs.profiles);
    expect(mine.daemon).toEqual(theirs.daemon);

    const list = await onDevice(['--json', 'profiles', 'list']);
    expect(list.code, list.stderr).toBe(0);
    expect(json(list.stdout)).toEqual(json((await device.own(['--json', 'profiles', 'list'])).stdout));
    expect((json(list.stdout) as Array<{ name: string }>).map((p) => p.name)).toEqual([
      'webdav.Backup-1',
      'webdav.BackupQuery-1',
      'webdav.BackupRestore-1',
    ]);
    const show = await onDevice(['profiles', 'show', 'webdav.Backup-1']);
    expect(show.stdout).toContain('<profile name="webdav.Backup-1"');
    // A profile run through the device's msyncd: BackupQuery lists the (still empty) server folder.
    const sync = await onDevice(['sync', 'webdav.BackupQuery-1']);
    expect(sync.code, sync.stderr).toBe(0);
    expect(sync.stdout).toMatch(/webdav.BackupQuery-1: Done/);
    const refused = await onDevice(['account', 'list']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/add them on the device, Settings → Accounts/);
  });

  it('takes the bus on the device from --device-bus, and says when there is none there', async () => {
    const given = await onDevice(['--json', '--device-bus', `${device.busAddress},guid=0123`, 'status']);
    expect(given.code, given.stderr).toBe(0);
    expect((json(given.stdout) as { accounts: number }).accounts).toBe(1);
    const elsewhere = `/run/user/${device.uid}/bus`;
    const none = await onDevice(['--device-bus', `unix:path=${elsewhere}`, 'status']);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`There is no bus socket at ${elsewhere} on ${device.address}`);
    const bad = await onDevice(['--device-bus', 'tcp:host=x', 'status']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--device-bus takes a unix:path=… address/);
    const alone = await runCli(['--data-dir', desktop, '--device-bus', device.busAddress, 'status'], { env });
    expect(alone.code).toBe(2);
    expect(alone.stderr).toMatch(/--device-bus needs --device/);
  });

  it('backs up on the device to its WebDAV account with progress, and lists the backup', async () => {
    const run = await onDevice(['--json', 'backup', '1']);
    expect(run.code, run.stderr).toBe(0);
    // The device's vault's own progress lines, relayed: stage, bytes and rate.
    expect(run.stderr).toMatch(/Uploading .*B of .*B/);
    const result = json(run.stdout) as { status: string; file: string };
    expect(result.status).toBe('Finished');
    expect(result.file).toMatch(/^sailfish_backup_.*Z\.tar$/);
    const log = json((await device.own(['--json', 'profiles', 'log', 'webdav.Backup-1'])).stdout) as Array<{
      majorCode: number;
    }>;
    expect(log.at(-1)?.majorCode).toBe(0);

    const listed = await onDevice(['--json', 'backups', '1']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(json(listed.stdout)).toEqual(json((await device.own(['--json', 'backups', '1'])).stdout));
    expect((json(listed.stdout) as Array<{ name: string }>).map((b) => b.name)).toContain(result.file);
  });

  it('restores a backup on the device', async () => {
    const listed = json((await onDevice(['--json', 'backups', '1'])).stdout) as Array<{ name: string }>;
    const notes = path.join(device.unit, 'notes.txt');
    writeFileSync(notes, 'changed after the backup\n');
    const run = await onDevice(['--json', 'restore', '1', listed[0]!.name]);
    expect(run.code, run.stderr).toBe(0);
    // The device's vault's stages, relayed live: the download, then the unpacking.
    expect(run.stderr).toMatch(/^Downloading.*\n(.*\n)*(Unpacking|Restoring)/m);
    expect(json(run.stdout)).toMatchObject({ status: 'Finished', file: listed[0]!.name });
    expect(readFileSync(notes, 'utf8')).toBe('Backup me\n');
    // What the device itself says about its last run.
    const theirs = json((await device.own(['--json', 'status'])).stdout) as {
      daemon: { vault: { status: string; mode: string } };
    };
    expect(theirs.daemon.vault).toMatchObject({ status: 'Finished', mode: 'restoreFromCloud' });
    const refused = await onDevice(['restore', '1', listed[0]!.name, '--to', '/tmp']);
    expect(refused.code).toBe(2);
  });

  it('backs up to the device’s memory card with progress, lists it, and restores from it', async () => {
    const cards = await onDevice(['--json', 'targets']);
    expect(cards.code, cards.stderr).toBe(0);
    const [found] = json(cards.stdout) as Array<{ path: string; label: string; free: number; writable: boolean }>;
    expect(found).toMatchObject({ path: card, label: 'SDCARD', writable: true });
    expect(found!.free).toBeGreaterThan(0);
    const run = await onDevice(['--json', 'backup', card]);
    expect(run.code, run.stderr).toBe(0);
    // The device's vault's own stages, relayed live (a quick local backup may go past "Backing up: …").
    expect(run.stderr).toMatch(/^(Preparing|Backing up: Documents)\n(.*\n)*Finished/m);
    cardBackup = json(run.stdout) as typeof cardBackup;
    const made = cardBackup!;
    expect(made.file).toMatch(/^sailfish_backup_.*Z\.tar$/);
    expect(made.path).toBe(path.join(card, made.file));
    // What the device's vault wrote there: the archive and its checksum beside it, owned by the device user.
    expect(made.size).toBe(statSync(made.path).size);
    expect(made.sha256).toBe(sha256(made.path));
    expect(readFileSync(`${made.path}.sha256`, 'utf8')).toBe(`${made.sha256}  ${made.file}\n`);
    expect(statSync(made.path).uid).toBe(device.uid);

    const listed = await onDevice(['--json', 'backups', card]);
    expect(listed.code, listed.stderr).toBe(0);
    const mine = json(listed.stdout) as Array<{ name: string; path: string; size: number; date: string }>;
    expect(mine).toEqual([{ name: made.file, path: made.path, size: made.size, date: expect.any(String) as unknown }]);
    // What the device's own CLI lists in that folder.
    const theirs = await device.own(['--json', 'backups', card]);
    expect(theirs.code, theirs.stderr).toBe(0);
    expect(mine.map(({ name, date, size }) => ({ name, date, size }))).toEqual(json(theirs.stdout));

    const notes = path.join(device.unit, 'notes.txt');
    writeFileSync(notes, 'changed after the card backup\n');
    const restored = await onDevice(['--json', 'restore', card, made.file]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(json(restored.stdout)).toMatchObject({ status: 'Finished', path: made.path });
    expect(readFileSync(notes, 'utf8')).toBe('Backup me\n');
    const missing = await onDevice(['restore', card, 'sailfish_backup_2020-01-01T00-00-00Z.tar']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/No backup sailfish_backup_2020-01-01T00-00-00Z.tar in/);
  });

  it('pulls the device’s backup here, verified by size and SHA-256 against what the device recorded', async () => {
    const made = cardBackup!;
    const here = tempDir('sfb-pulled-');
    const pulled = await onDevice(['--json', 'pull', made.path, '--to', here]);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stderr).toMatch(/Copying from the device .*B of .*B/);
    const copy = path.join(here, made.file);
    expect(json(pulled.stdout)).toMatchObject({ path: copy, size: made.size, sha256: made.sha256, recorded: true });
    expect(sha256(copy)).toBe(made.sha256);
    // Beside the copy, the checksum in the vault's own format: a restore on this computer checks it.
    expect(readdirSync(here).sort()).toEqual([made.file, `${made.file}.sha256`]);
    expect(readFileSync(`${copy}.sha256`, 'utf8')).toBe(`${made.sha256}  ${made.file}\n`);
    // The copy is a whole backup here: this computer restores it, checked against that checksum.
    const into = tempDir('sfb-pulled-restored-');
    const restored = await runCli(['--data-dir', desktop, '--json', 'restore', here, made.file, '--to', into], {
      env,
    });
    expect(restored.code, restored.stderr).toBe(0);
    expect(json(restored.stdout)).toMatchObject({ status: 'Finished', verified: true });
    expect(readFileSync(path.join(into, 'Documents', 'notes.txt'), 'utf8')).toBe('Backup me\n');
    // Never over an existing file, and a file that is not there leaves nothing behind.
    expect((await onDevice(['pull', made.path, '--to', here])).code).toBe(2);
    const missing = await onDevice(['pull', path.join(card, 'nope.tar'), '--to', here]);
    expect(missing.code).not.toBe(0);
    expect(readdirSync(here).sort()).toEqual([made.file, `${made.file}.sha256`]);

    // A backup damaged on the device (its bytes no longer what its vault recorded) is not copied as good.
    const damaged = path.join(device.home, 'sailfish_backup_2026-01-02T03-04-05Z.tar');
    writeFileSync(damaged, randomBytes(3 * 1024 * 1024 + 17));
    writeFileSync(`${damaged}.sha256`, `${'0'.repeat(64)}  ${path.basename(damaged)}\n`);
    chownSync(damaged, device.uid, device.uid);
    const elsewhere = tempDir('sfb-pulled-damaged-');
    const refused = await onDevice(['pull', damaged, '--to', elsewhere]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/damaged there; nothing was kept/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('pushes a backup to the device, verified there by size and SHA-256, with its checksum beside it', async () => {
    const made = cardBackup!;
    const copy = path.join(tempDir('sfb-push-'), made.file);
    writeFileSync(copy, readFileSync(made.path));
    const other = path.join(device.home, 'other-card');
    device.run('mkdir', [other]);
    const pushed = await onDevice(['--json', 'push', copy, '--to', other]);
    expect(pushed.code, pushed.stderr).toBe(0);
    expect(pushed.stderr).toMatch(/Copying to the device .*B of .*B/);
    expect(json(pushed.stdout)).toMatchObject({
      path: path.join(other, made.file),
      size: made.size,
      sha256: made.sha256,
    });
    expect(readdirSync(other).sort()).toEqual([made.file, `${made.file}.sha256`]);
    expect(sha256(path.join(other, made.file))).toBe(made.sha256);
    // The device user owns what arrived, and nothing is left over from the copy.
    expect(statSync(path.join(other, made.file)).uid).toBe(device.uid);
    expect((await onDevice(['push', copy, '--to', other])).code).toBe(2);
    expect(readdirSync(other).sort()).toEqual([made.file, `${made.file}.sha256`]);
    // The device lists it, and restores from it, checked against the checksum that came with it.
    const listed = json((await onDevice(['--json', 'backups', other])).stdout) as Array<{ name: string }>;
    expect(listed.map((b) => b.name)).toEqual([made.file]);
    const restored = await onDevice(['--json', 'restore', other, made.file]);
    expect(restored.code, restored.stderr).toBe(0);
  });

  it('says within 5 s that the connection broke during a backup, and the device finishes it on its own', async () => {
    // A bigger backup, so that the connection breaks well before the upload ends.
    writeFileSync(path.join(device.unit, 'big.bin'), randomBytes(24 * 1024 * 1024));
    chownSync(path.join(device.unit, 'big.bin'), device.uid, device.uid);
    let killedAt = 0;
    const run = onDevice(['backup', '1'], {
      onStderr: (text) => {
        if (killedAt === 0 && /Uploading/.test(text)) {
          killedAt = Date.now();
          expect(device.killSshSessions()).toBeGreaterThan(0);
        }
      },
    });
    const outcome = await run;
    const reportedAfter = Date.now() - killedAt;
    expect(killedAt).toBeGreaterThan(0);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr).toMatch(/Lost the connection to the device during the backup/);
    expect(outcome.stderr).not.toMatch(/Backed up|Finished/);
    expect(reportedAfter).toBeLessThan(5000);

    // Reconnected, the desktop sees how the device ended the run: what the device itself says.
    let state: { daemon: { running: string[]; vault: { status: string } }; profiles: unknown[] } | undefined;
    for (let i = 0; i < 120; i++) {
      const status = await onDevice(['--json', 'status']);
      state = json(status.stdout) as typeof state;
      if (state && state.daemon.running.length === 0 && state.daemon.vault.status !== 'UploadingBackup') break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(state?.daemon.vault.status).toBe('Finished');
    const theirs = json((await device.own(['--json', 'status'])).stdout) as NonNullable<typeof state>;
    expect(state?.profiles).toEqual(theirs.profiles);
    const backups = json((await device.own(['--json', 'backups', '1'])).stdout) as unknown[];
    expect(backups).toHaveLength(2);
    expect(existsSync(device.webdav.root)).toBe(true);
  });
});
