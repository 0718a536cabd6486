// The files one operation made in the vault's folder (an archive and its .sha256, a download), removed
// at its end only while they are still the ones it made: archive names are unique only to the second,
// and the next run's archive of the same name must not go with this run's.
import { lstat, rm } from 'node:fs/promises';

export class WorkFiles {
  /** Path → the inode this operation's file had; undefined when it was not there yet to look at. */
  private readonly files = new Map<string, bigint | undefined>();

  /** Takes a path as this operation's; with `made`, records which file is there now. */
  async add(path: string, made = false): Promise<void> {
    const st = made ? await lstat(path, { bigint: true }).catch(() => undefined) : undefined;
    this.files.set(path, st?.ino);
  }

  async removeAll(): Promise<void> {
    for (const [path, ino] of this.files) {
      if (ino !== undefined) {
        const now = await lstat(path, { bigint: true }).catch(() => undefined);
        if (now?.ino !== ino) continue; // gone, or another run's file by now
      }
      await rm(path, { force: true });
    }
  }
}
