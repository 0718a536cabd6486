// Backups and restores of one data set, ours and the pipe's in turn: each side's backup and restore,
// then its copies are gone before the other's (the disk holds one copy besides the data), and each
// side goes first in every other round, so neither always meets a cold or a warm cache.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { treeBytes } from './diskWatch.js';
import { measureShell, median, q, type Measured } from './measure.js';

export interface DataSet {
  label: string;
  units: string[];
  restore: boolean;
  goal: number;
}

export interface Place {
  work: string;
  /** The WebDAV URL of the user's folder, for the pipe's uploads. */
  dav: string;
  /** `curl` with the account's credentials. */
  curl: string;
  /** Where the server keeps the pipe's uploads and this device's backups, on its disk. */
  root: string;
  deviceFolder: string;
}

type Cli = (...args: string[]) => Promise<Measured>;

export interface SetTimes {
  backup: Measured[];
  pipe: Measured[];
  restore: Measured[];
  unpipe: Measured[];
}

export async function measureSet(set: DataSet, cli: Cli, place: Place, rounds: number, label = set.label) {
  const times: SetTimes = { backup: [], pipe: [], restore: [], unpipe: [] };
  const parent = path.dirname(set.units[0]!);
  const names = set.units.map((u) => q(path.basename(u))).join(' ');
  const expected = set.units.reduce((sum, unit) => sum + treeBytes(unit, true), 0);
  for (let r = 0; r < rounds; r++) {
    console.error(`${label}: round ${r + 1} of ${rounds}`);
    const ours = async () => {
      const m = await cli('--json', 'backup', '1');
      times.backup.push(m);
      const file = (JSON.parse(m.stdout) as { file: string }).file;
      if (set.restore) {
        const to = path.join(place.work, `to-${r}`);
        times.restore.push(await cli('restore', '1', file, '--to', to));
        const bytes = treeBytes(to, true);
        rmSync(to, { recursive: true, force: true });
        if (bytes !== expected) throw new Error(`the restore holds ${bytes} bytes of ${expected}`);
      }
      rmSync(path.join(place.deviceFolder, file), { force: true });
    };
    const pipe = async () => {
      const url = q(`${place.dav}/pipe-${r}.tar`);
      times.pipe.push(await measureShell(`tar -cf - -C ${q(parent)} ${names} | ${place.curl} -T - ${url}`));
      if (set.restore) {
        const to = path.join(place.work, `pipe-to-${r}`);
        mkdirSync(to);
        times.unpipe.push(await measureShell(`${place.curl} ${url} | tar -xf - -C ${q(to)}`));
        rmSync(to, { recursive: true, force: true });
      }
      rmSync(path.join(place.root, `pipe-${r}.tar`), { force: true });
    };
    if (r % 2 === 0) await ours().then(pipe);
    else await pipe().then(ours);
  }
  return times;
}

export const ms = (runs: Measured[]) => median(runs.map((m) => m.ms));
export const cpuS = (runs: Measured[]) => median(runs.map((m) => m.cpuS));
