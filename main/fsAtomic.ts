import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';

/** Writes a file so that readers see the old content or the new, never a torn one. */
export function writeFileAtomic(file: string, data: string, mode = 0o644): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, data, { mode });
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * A JSON file written with writeFileAtomic, read back against its schema: undefined when there is no
 * such file; `damaged` makes the error for one that is not JSON (`notJson`) or not what it should hold.
 */
export function readJsonFile<T>(
  file: string,
  schema: z.ZodType<T>,
  damaged: (notJson: boolean) => Error,
): T | undefined {
  let raw: string;
  try {
    raw = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw damaged(true);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw damaged(false);
  return parsed.data;
}
