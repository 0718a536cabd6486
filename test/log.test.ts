// main/log.ts: named loggers, the level from $SFBACKUP_LOG, stderr and a rotating file in the data dir.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { configureLogging, LOG_FILE_NAME, logger, logLevelOf } from '../main/log.js';
import { tempDir } from './helpers/processes.js';

describe('logging', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    configureLogging({ level: 'warn' });
  });

  it('takes its level from the environment, warn when unset or unknown', () => {
    expect(logLevelOf(undefined)).toBe('warn');
    expect(logLevelOf(' DEBUG ')).toBe('debug');
    expect(logLevelOf('chatty')).toBe('warn');
    expect(logLevelOf('silent')).toBe('silent');
  });

  it('writes what passes the level to stderr and to the data dir, naming the logger and the cause', () => {
    const dataDir = tempDir();
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    configureLogging({ dataDir, level: 'info' });
    const log = logger('vault');
    log.debug('not shown');
    log.warn('could not remove the work folder', Object.assign(new Error('busy'), { code: 'EBUSY' }));
    log.ignored('closing a file')(new Error('already closed'));
    expect(stderr.mock.calls.map((c) => String(c[0]))).toEqual([
      'sfbackup[vault] warn: could not remove the work folder: busy (EBUSY)\n',
    ]);
    const text = readFileSync(path.join(dataDir, LOG_FILE_NAME), 'utf8');
    expect(text).toMatch(/^\S+Z \d+ vault warn: could not remove the work folder: busy \(EBUSY\)\n$/);
    expect(statSync(path.join(dataDir, LOG_FILE_NAME)).mode & 0o777).toBe(0o600);
  });

  it('notes ignored failures at debug level', () => {
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    configureLogging({ dataDir: tempDir(), level: 'debug' });
    logger('engine').ignored('releasing com.meego.msyncd')(new Error('not owner'));
    expect(String(stderr.mock.calls[0]?.[0])).toBe('sfbackup[engine] debug: releasing com.meego.msyncd: not owner\n');
  });

  it('rotates the file past 1 MiB and keeps three old ones', () => {
    const dataDir = tempDir();
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    configureLogging({ dataDir, level: 'error' });
    const log = logger('cli');
    const line = 'x'.repeat(64 * 1024);
    for (let i = 0; i < 80; i++) log.error(line);
    const file = path.join(dataDir, LOG_FILE_NAME);
    for (const name of [file, `${file}.1`, `${file}.2`, `${file}.3`]) {
      expect(existsSync(name), name).toBe(true);
      expect(statSync(name).size).toBeLessThan((1 << 20) + 70 * 1024);
    }
    expect(existsSync(`${file}.4`)).toBe(false);
  });

  it('keeps working when the data dir is gone', () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    configureLogging({ dataDir: path.join(tempDir(), 'missing', 'deeper'), level: 'warn' });
    expect(() => logger('cli').warn('still fine')).not.toThrow();
  });
});
