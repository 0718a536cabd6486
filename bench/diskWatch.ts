// How much local disk an operation uses beyond what it must: folders' sizes sampled while it runs.
import { lstatSync, readdirSync } from 'node:fs';
import path from 'node:path';

/** The disk space the files below `dir` take (0 when it is not there); `sizes` counts their lengths instead. */
export function treeBytes(dir: string, sizes = false): number {
  let total = 0;
  const walk = (d: string) => {
    let names: string[];
    try {
      names = readdirSync(d);
    } catch {
      return;
    }
    for (const name of names) {
      const full = path.join(d, name);
      try {
        const st = lstatSync(full);
        if (st.isDirectory()) walk(full);
        else total += sizes ? st.size : st.blocks * 512;
      } catch {
        // gone between the listing and the look: it takes no room now
      }
    }
  };
  walk(dir);
  return total;
}

/** Samples the size of each folder every `everyMs` until stopped; the peaks above each folder's start. */
export function watchDisk(dirs: string[], everyMs = 100): { stop(): number[] } {
  const start = dirs.map((d) => treeBytes(d));
  const peak = [...start];
  const timer = setInterval(() => {
    dirs.forEach((d, i) => (peak[i] = Math.max(peak[i]!, treeBytes(d))));
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      dirs.forEach((d, i) => (peak[i] = Math.max(peak[i]!, treeBytes(d))));
      return peak.map((p, i) => p - start[i]!);
    },
  };
}
