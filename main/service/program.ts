// The installed program as other processes must start it: absolute paths of the Node (or Electron)
// binary and of bin/sfbackup.js, the data dir when it is not the default, and the environment that
// chooses the accounts database, so a daemon started by systemd or the bus sees what the installer saw.
import { existsSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Variables that change which accounts and providers the app sees (libaccounts' own overrides). */
const PASSED_ENV = ['ACCOUNTS', 'AG_PROVIDERS', 'AG_SERVICES'] as const;

export interface Program {
  /** The binary that runs JavaScript: node, or Electron in Node mode (then env has ELECTRON_RUN_AS_NODE). */
  node: string;
  /** bin/sfbackup.js */
  script: string;
  /** Global options for every command: `--data-dir DIR` when not the default. */
  globalArgs: string[];
  env: Record<string, string>;
}

/** bin/sfbackup.js, found from this module whether it runs from main/ or dist/main/. */
export function findLauncher(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, 'bin', 'sfbackup.js');
    if (existsSync(candidate)) return realpathSync(candidate);
    dir = path.dirname(dir);
  }
  throw new Error('Cannot find bin/sfbackup.js next to the program');
}

/** The data dir a daemon uses when given none and nothing in its environment says otherwise. */
export function homeDefaultDataDir(): string {
  return path.join(os.homedir(), '.local', 'share', 'sailfish-backup-settings');
}

/** `--data-dir DIR` for a data dir that is not the default, else nothing. */
export function dataDirArgs(dataDir: string): string[] {
  const absolute = path.resolve(dataDir);
  return absolute === homeDefaultDataDir() ? [] : ['--data-dir', absolute];
}

export function thisProgram(dataDir: string, env: NodeJS.ProcessEnv = process.env): Program {
  const passed: Record<string, string> = {};
  for (const name of PASSED_ENV) {
    const value = env[name];
    if (value) passed[name] = path.resolve(value);
  }
  if (process.versions.electron) passed.ELECTRON_RUN_AS_NODE = '1';
  return { node: process.execPath, script: findLauncher(), globalArgs: dataDirArgs(dataDir), env: passed };
}

/** The command line that runs `sfbackup <args>` with this program. */
export function commandLine(program: Program, args: string[]): string[] {
  return [program.node, program.script, ...program.globalArgs, ...args];
}
