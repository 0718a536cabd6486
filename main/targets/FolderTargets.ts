// Folders the user backs up to besides drives (Sailfish's memory card, on a desktop): the ones added with
// "Add folder…" or `sfbackup targets add`, kept in targets.json, and a default one in the home folder that
// is made the first time a backup goes there.
import { mkdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { InputError } from '../errors.js';
import { withFileLock } from '../fileLock.js';
import { readJsonFile, writeFileAtomic } from '../fsAtomic.js';

const fileSchema = z.object({ folders: z.array(z.string().min(1).max(4096)) });

/** The default folder for backups on this computer: beside the user's own folders, named for what it holds. */
export function defaultBackupFolder(env: NodeJS.ProcessEnv = process.env): string {
  const home = env.HOME && path.isAbsolute(env.HOME) ? env.HOME : os.homedir();
  return path.join(home, 'Sailfish OS backups');
}

export class FolderTargets {
  private readonly lockFile: string;

  constructor(private readonly file: string) {
    this.lockFile = path.join(path.dirname(file), `.${path.basename(file)}.lock`);
  }

  list(): string[] {
    const saved = readJsonFile(
      this.file,
      fileSchema,
      (notJson) =>
        new InputError(
          `The backup folders file ${this.file} is ${notJson ? 'not valid JSON' : 'damaged'}; fix or remove it.`,
        ),
    );
    return (saved?.folders ?? []).filter((f) => path.isAbsolute(f));
  }

  add(folder: string): string {
    if (!path.isAbsolute(folder)) throw new InputError(`"${folder.slice(0, 200)}" is not an absolute path`);
    const absolute = path.resolve(folder);
    const stats = statSync(absolute, { throwIfNoEntry: false });
    if (!stats) throw new InputError(`${absolute} does not exist`);
    if (!stats.isDirectory()) throw new InputError(`${absolute} is not a folder`);
    return withFileLock(this.lockFile, () => {
      const folders = this.list();
      if (!folders.includes(absolute)) this.save([...folders, absolute]);
      return absolute;
    });
  }

  remove(folder: string): void {
    const absolute = path.resolve(folder);
    withFileLock(this.lockFile, () => {
      const folders = this.list();
      if (!folders.includes(absolute)) throw new InputError(`${absolute} is not one of the backup folders`);
      this.save(folders.filter((f) => f !== absolute));
    });
  }

  private save(folders: string[]): void {
    writeFileAtomic(this.file, JSON.stringify({ folders }, null, 2) + '\n');
  }
}

/**
 * The folder a backup to `dir` goes to, ready: the default folder is made the first time (`created`
 * says so, for the page and the CLI to tell); any other folder must be there already.
 */
export function prepareTargetFolder(dir: string, env: NodeJS.ProcessEnv = process.env): { created: boolean } {
  if (!path.isAbsolute(dir)) throw new InputError(`"${dir.slice(0, 200)}" is not an absolute path`);
  const stats = statSync(dir, { throwIfNoEntry: false });
  if (stats?.isDirectory()) return { created: false };
  if (stats) throw new InputError(`${dir} is not a folder`);
  if (path.resolve(dir) !== defaultBackupFolder(env)) throw new InputError(`The folder ${dir} does not exist`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return { created: true };
}

/** Where the folders added as backup targets are kept. */
export function folderTargetsFile(dataDir: string): string {
  return path.join(dataDir, 'targets.json');
}

/**
 * A folder as a person types it in the page: "~" and "~/…" are the home folder; anything else must be a
 * full path (the page runs in another process than the shell, so "relative to what?" has no answer).
 */
export function typedFolder(text: string, env: NodeJS.ProcessEnv = process.env): string {
  const trimmed = text.trim();
  const home = env.HOME && path.isAbsolute(env.HOME) ? env.HOME : os.homedir();
  if (trimmed === '~') return home;
  if (trimmed.startsWith('~/')) return path.join(home, trimmed.slice(2));
  if (!path.isAbsolute(trimmed))
    throw new InputError(
      `"${trimmed.slice(0, 200)}" is not a full path: type it from / (or ~ for your home folder), or choose the folder.`,
    );
  return path.resolve(trimmed);
}
