// npm run bench: whole `sfbackup` commands, each timed as a user runs it (process start-up included),
// beside what they would script instead on the same data and server in the same run: tar | curl, curl |
// tar, curl PROPFIND. A private bus stands in for the desktop's session bus; each figure is taken with
// no daemon running (each command runs the engine itself), and for the smaller data sets again with
// `sfbackup daemon` running (commands attach to it). Apache mod_dav with Nextcloud's paths is the
// server, on loopback.
// Prints one table with the goals of issue 13; nothing here is a pass/fail test.
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrivateBusDaemon } from '../main/dbus/bus.js';
import { localDeviceId } from '../main/vault/deviceId.js';
import { startApache, tempDir, type WebDavServer } from '../test/helpers/processes.js';
import { makeBackupListing, makeMixed, makeSmallFiles } from './dataSets.js';
import { startDaemon } from './daemon.js';
import { treeBytes, watchDisk } from './diskWatch.js';
import { measure, measureShell, median, q, type Measured } from './measure.js';
import { printReport, type Row } from './report.js';
import { statusLatency } from './statusLatency.js';
import { cpuS, measureSet, type Place } from './transfers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.resolve(here, '../../bin/sfbackup.js');
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const rounds = Number(option('rounds', '3'));
const sizes = option('sizes', '256,2048').split(',').map(Number);
const smallCount = Number(option('small', '20000'));
const listingCount = Number(option('listing', '10000'));
/** Data sets up to this size are measured a second time with the background service running. */
const warmMaxMiB = Number(option('warm-max-mib', '512'));
const USER = 'bench';
const PASSWORD = 'bench-password';
const rows: Row[] = [];
const cpu: Array<{ figure: string; engine: number; reference: number }> = [];
let peakRss = 0;

/** One data dir with an account on the server, its profiles and the given units. */
async function dataDir(
  env: NodeJS.ProcessEnv,
  dir: string,
  server: WebDavServer,
  units: string[],
  backupsPath?: string,
) {
  const cli = (...a: string[]) => measure([process.execPath, bin, '--data-dir', dir, ...a], { env });
  await measure(
    [
      ...[process.execPath, bin, '--data-dir', dir, 'account', 'add', '--provider', 'nextcloud'],
      ...['--server', server.url, '--user', USER, '--password-stdin'],
      ...(backupsPath ? ['--backups-path', backupsPath] : []),
    ],
    { env, input: `${PASSWORD}\n` },
  );
  for (const unit of units) await cli('units', 'add', unit);
  await cli('profiles', 'create', '1');
  return (...a: string[]) => measure([process.execPath, bin, '--data-dir', dir, ...a], { env });
}

function record(figure: string, engine: number[], reference: number[], goal: number | undefined): void {
  const e = median(engine);
  const r = median(reference);
  rows.push({
    figure,
    engine: `${e.toFixed(0)} ms`,
    reference: `${r.toFixed(0)} ms`,
    ratio: (e / r).toFixed(2),
    goal: goal ? `≤ ${goal}×` : '',
    met: goal ? e / r <= goal : undefined,
  });
}

function absolute(figure: string, value: number, unit: string, reference: string, goal: number): void {
  rows.push({
    figure,
    engine: `${value.toFixed(0)} ${unit}`,
    reference,
    ratio: '',
    goal: `≤ ${goal} ${unit}`,
    met: value <= goal,
  });
}

function note(m: Measured): Measured {
  peakRss = Math.max(peakRss, m.peakRssMiB);
  return m;
}

async function main(): Promise<void> {
  const load = os.loadavg();
  const apache = await startApache({ user: USER, password: PASSWORD });
  const bus = await PrivateBusDaemon.start();
  const work = tempDir('sfb-bench-');
  const env: NodeJS.ProcessEnv = { ...process.env, DBUS_SESSION_BUS_ADDRESS: bus.address };
  delete env.ACCOUNTS;
  const dav = `${apache.url}${apache.webdavPath}`;
  const curl = `curl -s -f -u ${q(`${USER}:${PASSWORD}`)}`;
  const deviceFolder = path.join(apache.root, 'Sailfish OS', 'Backups', localDeviceId());
  try {
    console.error(`Apache mod_dav at ${dav}; ${rounds} rounds; ${os.cpus().length} cores; load ${load.join(' ')}`);

    // Start-up: `--help` and `status`, a fresh process each time (node -e 0 alongside, for scale).
    const startupDir = path.join(work, 'startup');
    const startup = await dataDir(env, startupDir, apache, []);
    const help: number[] = [];
    const status: number[] = [];
    const bare: number[] = [];
    for (let i = 0; i < Math.max(9, rounds); i++) {
      bare.push((await measure([process.execPath, '-e', '0'])).ms);
      help.push(note(await measure([process.execPath, bin, '--help'])).ms);
      status.push(note(await startup('status')).ms);
    }
    absolute('`sfbackup --help`', median(help), 'ms', `node -e 0: ${median(bare).toFixed(0)} ms`, 120);
    absolute('`sfbackup status`', median(status), 'ms', '', 250);

    // Backup and restore of mixed data, then many small files.
    const sets: Array<{ label: string; units: string[]; restore: boolean; goal: number }> = [];
    for (const mib of sizes) {
      const dir = path.join(work, `mixed-${mib}`);
      console.error(`making ${mib} MiB of mixed data…`);
      sets.push({ label: `${mib} MiB mixed`, units: makeMixed(dir, mib), restore: true, goal: 1.3 });
    }
    if (smallCount > 0) {
      console.error(`making ${smallCount} small files…`);
      const unit = makeSmallFiles(path.join(work, 'small-set'), smallCount);
      sets.push({ label: `${smallCount} small files`, units: [unit], restore: false, goal: 1.5 });
    }
    const place: Place = { work, dav, curl, root: apache.root, deviceFolder };
    for (const [n, set] of sets.entries()) {
      const dir = path.join(work, `data-${n}`);
      const cli = await dataDir(env, dir, apache, set.units);
      const modes: Array<[string, boolean]> = [[set.label, false]];
      // With the background service running (`sfbackup service install`): the command attaches to it.
      if (!set.label.includes('MiB') || Number.parseInt(set.label) <= warmMaxMiB)
        modes.push([`${set.label}, service running`, true]);
      for (const [label, warm] of modes) {
        const daemon = warm ? await startDaemon(bin, dir, env) : undefined;
        const counted = async (...a: string[]) => note(await cli(...a));
        try {
          const t = await measureSet(set, counted, place, rounds, label);
          record(
            `backup ${label}`,
            t.backup.map((m) => m.ms),
            t.pipe.map((m) => m.ms),
            set.goal,
          );
          cpu.push({ figure: `backup ${label}`, engine: cpuS(t.backup), reference: cpuS(t.pipe) });
          if (set.restore) {
            record(
              `restore ${label}`,
              t.restore.map((m) => m.ms),
              t.unpipe.map((m) => m.ms),
              1.5,
            );
            cpu.push({ figure: `restore ${label}`, engine: cpuS(t.restore), reference: cpuS(t.unpipe) });
          }
        } finally {
          if (daemon) peakRss = Math.max(peakRss, daemon.peakRssMiB());
          await daemon?.stop();
        }
      }
    }

    // Local disk beyond the data itself, during the largest backup and restore (an untimed run).
    const largest = sets.find((s) => s.label === `${Math.max(...sizes)} MiB mixed`);
    if (largest) {
      const dir = path.join(work, 'disk');
      const cli = await dataDir(env, dir, apache, largest.units);
      let watch = watchDisk([dir]);
      const file = (JSON.parse(note(await cli('--json', 'backup', '1')).stdout) as { file: string }).file;
      const [backupExtra] = watch.stop();
      const to = path.join(work, 'disk-to');
      watch = watchDisk([dir, to]);
      note(await cli('restore', '1', file, '--to', to));
      const [restoreData, restoreTarget] = watch.stop();
      const restoreExtra = restoreData! + Math.max(0, restoreTarget! - treeBytes(to));
      rmSync(to, { recursive: true, force: true });
      rmSync(path.join(deviceFolder, file), { force: true });
      const label = `${Math.max(...sizes)} MiB`;
      absolute(`extra local disk, backup of ${label}`, backupExtra! / 2 ** 20, 'MiB', '', 64);
      absolute(`extra local disk, restore of ${label}`, restoreExtra / 2 ** 20, 'MiB', '', 64);
    }

    // BackupQuery: `sfbackup backups` of a device folder holding many backups, vs one PROPFIND.
    if (listingCount > 0) {
      const backupsPath = `${apache.webdavPath}/listing`;
      const folder = path.join(apache.root, 'listing', localDeviceId());
      makeBackupListing(folder, listingCount, process.getuid?.() === 0 ? { uid: 33, gid: 33 } : undefined);
      const cli = await dataDir(env, path.join(work, 'listing'), apache, [], backupsPath);
      const url = `${apache.url}${backupsPath}/${localDeviceId()}/`;
      for (const warm of [false, true]) {
        const daemon = warm ? await startDaemon(bin, path.join(work, 'listing'), env) : undefined;
        const ours: number[] = [];
        const theirs: number[] = [];
        try {
          for (let i = 0; i < rounds; i++) {
            const m = note(await cli('--json', 'backups', '1'));
            const found = (JSON.parse(m.stdout) as unknown[]).length;
            if (found !== listingCount) throw new Error(`sfbackup backups found ${found} of ${listingCount}`);
            ours.push(m.ms);
            theirs.push((await measureShell(`${curl} -X PROPFIND -H 'Depth: 1' ${q(url)} > /dev/null`)).ms);
          }
        } finally {
          if (daemon) peakRss = Math.max(peakRss, daemon.peakRssMiB());
          await daemon?.stop();
        }
        const how = warm ? ', service running' : '';
        record(
          `BackupQuery of ${listingCount} backups${how} (\`sfbackup backups\` vs curl PROPFIND)`,
          ours,
          theirs,
          1.5,
        );
      }
    }

    absolute('peak RSS of any `sfbackup` process above', peakRss, 'MiB', '', 128);

    const latency = await statusLatency(work);
    rows.push({
      figure: `status latency (${latency.count}/1000 events)`,
      engine: `median ${latency.medianMs.toFixed(2)} ms`,
      reference: `p99 ${latency.p99Ms.toFixed(2)} ms`,
      ratio: '',
      goal: 'p99 ≤ 50 ms',
      met: latency.p99Ms <= 50 && latency.count === 1000,
    });
  } finally {
    await bus.stop();
    await apache.stop();
    rmSync(work, { recursive: true, force: true });
    // The server's folder holds a copy of every backup made: gigabytes.
    rmSync(path.dirname(apache.root), { recursive: true, force: true });
  }
  printReport(rows, cpu, { load, loadAfter: os.loadavg() });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
