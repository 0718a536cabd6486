// One engine per data dir. Whoever runs the sync daemon and the vault for a data dir holds
// `<data dir>/engine.lock` (released by the kernel when the holder dies) and publishes in
// `<data dir>/engine.json` (owner-only) the bus it serves on, so later commands attach to it instead of
// starting a second engine that would clean up, or overwrite, the first one's work.
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { FileLock } from './fileLock.js';
import { writeFileAtomic } from './fsAtomic.js';
import { isAlive, ownIdentity } from './processIdentity.js';

const recordSchema = z.object({
  pid: z.number().int().positive(),
  started: z.number().int().nonnegative(),
  busAddress: z.string().min(1),
  dataDir: z.string(),
  since: z.string(),
});
export type EngineRecord = z.infer<typeof recordSchema>;

/** The data dir as the engine names it: absolute, symlinks resolved, so two spellings compare equal. */
export function canonicalDir(dir: string): string {
  const absolute = path.resolve(dir);
  try {
    return realpathSync(absolute);
  } catch {
    // a folder that does not exist yet is named as given
    return absolute;
  }
}

export class EngineLock {
  private constructor(
    private readonly lock: FileLock,
    readonly dataDir: string,
  ) {}

  static lockFile(dataDir: string): string {
    return path.join(dataDir, 'engine.lock');
  }

  static recordFile(dataDir: string): string {
    return path.join(dataDir, 'engine.json');
  }

  /** Takes the data dir's engine lock; undefined when another live process holds it. */
  static tryAcquire(dataDir: string): EngineLock | undefined {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const lock = FileLock.acquire(EngineLock.lockFile(dataDir));
    if (!lock) return undefined;
    // A record left by a killed holder names a bus that is gone.
    rmSync(EngineLock.recordFile(dataDir), { force: true });
    return new EngineLock(lock, canonicalDir(dataDir));
  }

  /** Says where this engine can be reached; readable by the owner only. */
  publish(busAddress: string): void {
    const { pid, started } = ownIdentity();
    const record: EngineRecord = { pid, started, busAddress, dataDir: this.dataDir, since: new Date().toISOString() };
    writeFileAtomic(EngineLock.recordFile(this.dataDir), JSON.stringify(record) + '\n', 0o600);
  }

  release(): void {
    if (!this.lock.held) return;
    const record = EngineLock.readRecord(this.dataDir);
    if (record?.pid === process.pid) rmSync(EngineLock.recordFile(this.dataDir), { force: true });
    this.lock.release();
  }

  /** The published record of a live holder, or undefined (none yet, unreadable, or its writer is gone). */
  static readRecord(dataDir: string): EngineRecord | undefined {
    const file = EngineLock.recordFile(dataDir);
    if (!existsSync(file)) return undefined;
    try {
      const parsed = recordSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
      if (!parsed.success) return undefined;
      return isAlive({ pid: parsed.data.pid, started: parsed.data.started }) ? parsed.data : undefined;
    } catch {
      // a record being written or damaged names no live engine
      return undefined;
    }
  }
}
