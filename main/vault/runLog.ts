// The log of each backup or restore run, which the Backup page shows with "View log"
// (Sailfish.Vault: logFilePath while busy, logFileForBackup(fileName, accountId) for past backups).
import { appendFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { logger } from '../log.js';

const diagnostics = logger('vault');

/** Logs kept; older ones are removed when a run starts. */
const KEPT = 30;

function safePart(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200);
}

export class RunLogs {
  constructor(readonly dir: string) {}

  /** Where the log of a backup file lives: named after the account and the archive. */
  fileFor(fileName: string, accountId: number): string {
    return path.join(this.dir, `${accountId}-${safePart(fileName)}.log`);
  }

  /** The log of a backup made here, or "" when this computer has none for it. */
  existingFor(fileName: string, accountId: number): string {
    const file = this.fileFor(fileName, accountId);
    try {
      return statSync(file).isFile() ? file : '';
    } catch {
      // no log for this backup on this computer
      return '';
    }
  }

  /** Starts the log of a run; a log that cannot be written never stops the run. */
  open(file: string, firstLine: string): RunLog {
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      this.prune();
    } catch (err) {
      // logged lines will be dropped below
      diagnostics.warn(`cannot keep run logs in ${this.dir}`, err);
    }
    const log = new RunLog(file);
    log.line(firstLine);
    return log;
  }

  private prune(): void {
    const logs = readdirSync(this.dir)
      .filter((n) => n.endsWith('.log'))
      .map((n) => ({ n, t: statSync(path.join(this.dir, n)).mtimeMs }))
      .sort((a, b) => b.t - a.t);
    for (const old of logs.slice(KEPT - 1)) rmSync(path.join(this.dir, old.n), { force: true });
  }
}

export class RunLog {
  private last = '';

  constructor(readonly file: string) {}

  line(text: string): void {
    if (!text || text === this.last) return;
    this.last = text;
    try {
      appendFileSync(this.file, `${new Date().toISOString()} ${text}\n`, { mode: 0o600 });
    } catch (err) {
      // A full disk must not turn a finished backup into a failed one.
      diagnostics.debug(`could not add a line to ${this.file}`, err);
    }
  }
}
