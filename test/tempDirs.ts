// The folders a test run makes with tempDir() are removed when the run ends, passed or failed: a run
// makes gigabytes of trees, archives and server roots, and a machine running the suite all day filled
// its disk with them. SFB_KEEP_TEMP=1 keeps them to look at.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import os from 'node:os';
import path from 'node:path';

/** The environment variable naming the file where tempDir() lists what it made. */
export const TEMP_DIRS_REGISTRY = 'SFB_TEST_TEMP_DIRS';

const run = promisify(execFile);

/** Removed without holding up the event loop: Vitest is ending its workers meanwhile. */
async function remove(dir: string): Promise<void> {
  try {
    await rm(dir, { recursive: true, force: true });
  } catch {
    // Tests make read-only folders (modes 555, 000), opened up first when not running as root, and
    // paths longer than PATH_MAX, which GNU rm walks folder by folder where Node's rm gives up.
    await run('chmod', ['-R', 'u+rwX', dir]).catch(() => undefined); // what it cannot open, rm may still remove
    await run('rm', ['-rf', '--', dir]);
  }
}

/** Vitest's global setup: starts the list, and returns the teardown that removes what is on it. */
export default function setup(): () => Promise<void> {
  const registry = path.join(os.tmpdir(), `sfb-test-dirs-${process.pid}.txt`);
  writeFileSync(registry, '');
  process.env[TEMP_DIRS_REGISTRY] = registry;
  return async () => {
    if (process.env.SFB_KEEP_TEMP === '1' || !existsSync(registry)) return;
    const dirs = new Set(readFileSync(registry, 'utf8').split('\n').filter(Boolean));
    const failed: string[] = [];
    for (const dir of dirs) await remove(dir).catch(() => failed.push(dir));
    rmSync(registry, { force: true });
    if (failed.length > 0) process.stderr.write(`Could not remove ${failed.length} test folders, e.g. ${failed[0]}\n`);
  };
}
