// npm run bench: the engine's transfers, archives, listings and status path, each measured side by
// side with the tool people already script with, on a private bus and a local Apache mod_dav.
// Prints one table of figures and goals; nothing here is a pass/fail test.
import { execFile } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SettingsBridge } from '../main/bridge/SettingsBridge.js';
import { PrivateBusDaemon } from '../main/dbus/bus.js';
import { resolvePaths } from '../main/paths.js';
import { DaemonSession } from '../main/session.js';
import { openStores } from '../main/stores.js';
import { startApache, tempDir } from '../test/helpers/processes.js';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const sizeMiB = Number(args[args.indexOf('--size') + 1] ?? NaN) || 512;
const rounds = Number(args[args.indexOf('--rounds') + 1] ?? NaN) || 3;
const USER = 'bench';
const PASSWORD = 'bench-password';

interface Row {
  figure: string;
  engine: string;
  reference: string;
  ratio: string;
  goal: string;
  met: boolean | undefined;
}
const rows: Row[] = [];

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

async function worker(job: object): Promise<{ ms: number; peakRssMiB: number; count: number }> {
  const { stdout } = await run(process.execPath, [path.join(here, 'worker.js'), JSON.stringify(job)], {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout) as { ms: number; peakRssMiB: number; count: number };
}

async function timed(command: string, commandArgs: string[]): Promise<number> {
  const start = performance.now();
  await run(command, commandArgs, { maxBuffer: 1 << 26 });
  return performance.now() - start;
}

async function writeRandomFile(file: string, mib: number): Promise<void> {
  const out = createWriteStream(file);
  for (let i = 0; i < mib; i++) {
    if (!out.write(randomBytes(1 << 20))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
}

function record(
  figure: string,
  engine: number,
  reference: number,
  unit: string,
  goalRatio: number | undefined,
  extra?: { goal: string; met: boolean },
): void {
  const ratio = engine / reference;
  rows.push({
    figure,
    engine: `${engine.toFixed(unit === 'ms' ? 1 : 0)} ${unit}`,
    reference: `${reference.toFixed(unit === 'ms' ? 1 : 0)} ${unit}`,
    ratio: ratio.toFixed(2),
    goal: extra?.goal ?? (goalRatio ? `≤ ${goalRatio}×` : ''),
    met: extra?.met ?? (goalRatio ? ratio <= goalRatio : undefined),
  });
}

async function main(): Promise<void> {
  const apache = await startApache({ user: USER, password: PASSWORD });
  const work = tempDir('sfb-bench-');
  const auth = ['-s', '-u', `${USER}:${PASSWORD}`];
  const dav = `${apache.url}${apache.webdavPath}`;
  try {
    console.error(`Apache mod_dav at ${dav}; ${sizeMiB} MiB, ${rounds} rounds, ${os.cpus().length} cores`);
    const big = path.join(work, 'archive.tar');
    await writeRandomFile(big, sizeMiB);
    const server = { server: apache.url, user: USER, password: PASSWORD };

    // Upload: the Backup plugin's streamed PUT vs curl -T.
    const up: number[] = [];
    const upRef: number[] = [];
    let upRss = 0;
    for (let i = 0; i < rounds; i++) {
      const r = await worker({ op: 'upload', ...server, local: big, remote: `${apache.webdavPath}/engine-${i}.tar` });
      up.push(r.ms);
      upRss = Math.max(upRss, r.peakRssMiB);
      upRef.push(await timed('curl', [...auth, '-T', big, `${dav}/curl-${i}.tar`]));
    }
    record(`upload ${sizeMiB} MiB (wall time)`, median(up), median(upRef), 'ms', 1.2);
    rows.push({
      figure: `upload peak RSS`,
      engine: `${upRss.toFixed(0)} MiB`,
      reference: '',
      ratio: '',
      goal: '≤ 128 MiB',
      met: upRss <= 128,
    });

    // Download: the BackupRestore plugin's streamed GET vs curl -o.
    const down: number[] = [];
    const downRef: number[] = [];
    let downRss = 0;
    for (let i = 0; i < rounds; i++) {
      const target = path.join(work, `down-${i}.tar`);
      const r = await worker({ op: 'download', ...server, local: target, remote: `${apache.webdavPath}/engine-0.tar` });
      down.push(r.ms);
      downRss = Math.max(downRss, r.peakRssMiB);
      if (statSync(target).size !== sizeMiB * 1024 * 1024) throw new Error('download size mismatch');
      rmSync(target);
      downRef.push(await timed('curl', [...auth, '-o', path.join(work, 'curl.tar'), `${dav}/curl-0.tar`]));
      rmSync(path.join(work, 'curl.tar'));
    }
    record(`download ${sizeMiB} MiB (wall time)`, median(down), median(downRef), 'ms', 1.5);
    rows.push({
      figure: 'download peak RSS',
      engine: `${downRss.toFixed(0)} MiB`,
      reference: '',
      ratio: '',
      goal: '≤ 128 MiB',
      met: downRss <= 128,
    });
    rmSync(big);

    // Archive: the vault's tar of a mixed data set (half random, half text) vs GNU tar -cf.
    const data = path.join(work, 'data');
    const mixed = Math.max(16, Math.floor(sizeMiB / 4));
    mkdirSync(path.join(data, 'random'), { recursive: true });
    mkdirSync(path.join(data, 'text'), { recursive: true });
    for (let i = 0; i < mixed / 2; i++) writeFileSync(path.join(data, 'random', `r${i}.bin`), randomBytes(1 << 20));
    const line = 'The quick brown fox jumps over the lazy backup daemon. 0123456789\n';
    for (let i = 0; i < mixed / 2; i++)
      writeFileSync(path.join(data, 'text', `t${i}.txt`), line.repeat(Math.ceil((1 << 20) / line.length)));
    const arch: number[] = [];
    const archRef: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const out = path.join(work, `a-${i}.tar`);
      arch.push(
        (
          await worker({
            op: 'archive',
            local: out,
            units: [
              { name: 'random', path: path.join(data, 'random') },
              { name: 'text', path: path.join(data, 'text') },
            ],
          })
        ).ms,
      );
      rmSync(out);
      archRef.push(await timed('tar', ['-cf', path.join(work, 'gnu.tar'), '-C', data, 'random', 'text']));
      rmSync(path.join(work, 'gnu.tar'));
    }
    record(`archive ${mixed} MiB mixed (wall time)`, median(arch), median(archRef), 'ms', 1.3);

    // BackupQuery: PROPFIND Depth 1 of 100 and 10,000 backups vs curl.
    for (const count of [100, 10_000]) {
      const folder = path.join(apache.root, `list-${count}`);
      mkdirSync(folder);
      for (let i = 0; i < count; i++)
        writeFileSync(path.join(folder, `sailfish_backup_2026-01-01T00-00-${String(i).padStart(5, '0')}Z.tar`), '');
      if (process.getuid?.() === 0) await run('chown', ['-R', 'www-data:www-data', folder]);
      const list: number[] = [];
      const listRef: number[] = [];
      for (let i = 0; i < rounds; i++) {
        const r = await worker({ op: 'list', ...server, remote: `${apache.webdavPath}/list-${count}` });
        if (r.count !== count) throw new Error(`listing found ${r.count} of ${count}`);
        list.push(r.ms);
        listRef.push(await timed('curl', [...auth, '-X', 'PROPFIND', '-H', 'Depth: 1', `${dav}/list-${count}/`]));
      }
      record(`BackupQuery of ${count} backups`, median(list), median(listRef), 'ms', count === 10_000 ? 2 : undefined);
    }

    // Status latency: a vault signal on the bus → the UI bridge's event.
    const bus = await PrivateBusDaemon.start();
    const env = { DBUS_SESSION_BUS_ADDRESS: bus.address };
    const stores = openStores(resolvePaths({ dataDir: path.join(work, 'engine'), env }), env);
    const session = await DaemonSession.open(stores, env, () => {}, {
      scheduleCheckMs: 0,
      deviceId: 'Bench_000000000000',
    });
    const bridge = await SettingsBridge.attach(stores, session);
    // One event at a time: the latency of each signal on its way to the bridge, not a queue's.
    const latencies: number[] = [];
    let arrived: ((text: string) => void) | undefined;
    bridge.onEvent((name, payload) => {
      if (name === 'vault.state') arrived?.((payload as { statusText: string }).statusText);
    });
    for (let i = 0; i < 1000; i++) {
      const text = `bench ${i}`;
      const start = performance.now();
      const received = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        arrived = (got) => {
          if (got !== text) return;
          latencies.push(performance.now() - start);
          clearTimeout(timer);
          resolve();
        };
      });
      session.engine!.vault.emit('stateChanged', { statusText: text });
      await received;
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const p99 = sorted[Math.floor(sorted.length * 0.99)] ?? NaN;
    rows.push({
      figure: `status latency (${latencies.length}/1000 events)`,
      engine: `median ${median(latencies).toFixed(2)} ms`,
      reference: `p99 ${p99.toFixed(2)} ms`,
      ratio: '',
      goal: 'p99 ≤ 50 ms',
      met: p99 <= 50 && latencies.length === 1000,
    });
    await bridge.close();
    await session.close();
    stores.close();
    await bus.stop();
  } finally {
    await apache.stop();
    rmSync(work, { recursive: true, force: true });
  }

  const headers = ['figure', 'engine', 'curl / GNU tar', 'ratio', 'goal', 'met'];
  const table = rows.map((r) => [
    r.figure,
    r.engine,
    r.reference,
    r.ratio,
    r.goal,
    r.met === undefined ? '' : r.met ? 'yes' : 'NO',
  ]);
  const widths = headers.map((h, i) => Math.max(h.length, ...table.map((row) => row[i]!.length)));
  const fmt = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(fmt(headers));
  console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  for (const row of table) console.log(fmt(row));
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
