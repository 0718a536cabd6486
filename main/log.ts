// Named loggers for what the app notices but does not show as a result: failures it works around,
// files it cannot read, cleanups that did not happen. The level comes from $SFBACKUP_LOG (debug, info,
// warn, error, silent; warn when unset); lines go to stderr and to <data dir>/sfbackup.log, which is
// rotated at 1 MiB (three old files kept). Results and progress never go here: they are the CLI's output.
import { appendFileSync, renameSync, statSync } from 'node:fs';
import path from 'node:path';

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };
const ROTATE_AT = 1 << 20;
const OLD_FILES_KEPT = 3;
export const LOG_FILE_NAME = 'sfbackup.log';

export function logLevelOf(text: string | undefined): LogLevel {
  const wanted = text?.trim().toLowerCase();
  return (LOG_LEVELS as readonly string[]).includes(wanted ?? '') ? (wanted as LogLevel) : 'warn';
}

const sinks = {
  level: logLevelOf(process.env.SFBACKUP_LOG),
  file: undefined as string | undefined,
  stderr: (line: string) => void process.stderr.write(line),
};

/** Where the log file goes (the data dir), and optionally the level; the entry points call this once. */
export function configureLogging(options: { dataDir?: string; level?: LogLevel }): void {
  if (options.dataDir !== undefined) sinks.file = path.join(options.dataDir, LOG_FILE_NAME);
  if (options.level !== undefined) sinks.level = options.level;
}

/** The log file in use, if any (for `sfbackup status` and tests). */
export function logFile(): string | undefined {
  return sinks.file;
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}

function rotate(file: string): void {
  for (let i = OLD_FILES_KEPT; i >= 1; i--) {
    try {
      renameSync(i === 1 ? file : `${file}.${i - 1}`, `${file}.${i}`);
    } catch {
      // a missing older file is the normal case
    }
  }
}

function toFile(line: string): void {
  const file = sinks.file;
  if (!file) return;
  try {
    if ((statSync(file, { throwIfNoEntry: false })?.size ?? 0) > ROTATE_AT) rotate(file);
    appendFileSync(file, line, { mode: 0o600 });
  } catch {
    // Logging must never stop the work it describes (a full disk, a data dir that is gone).
  }
}

function write(name: string, level: Exclude<LogLevel, 'silent'>, message: string, err?: unknown): void {
  if (rank[level] < rank[sinks.level]) return;
  const text = err === undefined ? message : `${message}: ${describe(err)}`;
  sinks.stderr(`sfbackup[${name}] ${level}: ${text}\n`);
  toFile(`${new Date().toISOString()} ${process.pid} ${name} ${level}: ${text}\n`);
}

export interface Logger {
  debug(message: string, err?: unknown): void;
  info(message: string, err?: unknown): void;
  warn(message: string, err?: unknown): void;
  error(message: string, err?: unknown): void;
  /** For a failure that changes nothing for the user (a cleanup, a courtesy signal): noted at debug level. */
  ignored(what: string): (err: unknown) => void;
}

/** A logger named after the part of the app it speaks for ("vault", "msyncd", "plugins", "cli"…). */
export function logger(name: string): Logger {
  return {
    debug: (message, err) => write(name, 'debug', message, err),
    info: (message, err) => write(name, 'info', message, err),
    warn: (message, err) => write(name, 'warn', message, err),
    error: (message, err) => write(name, 'error', message, err),
    ignored: (what) => (err) => write(name, 'debug', what, err),
  };
}
