// The real upstream msyncd and Sailfish Nextcloud backup plugins (test/peers/real-buteo), built once by
// scripts/setup.sh into ${REAL_BUTEO_HOME:-~/.cache/real-buteo}, started by tests on a private bus.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const kitDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../peers/real-buteo');

export function realButeoPrefix(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(
    env.REAL_BUTEO_HOME || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'real-buteo'),
  );
}

/** The same hash build.sh writes to $PREFIX/.stamp: the prefix was built from exactly this kit. */
function kitStamp(): string {
  const hash = createHash('sha256');
  for (const file of [
    'SOURCES',
    'src/buteo-syncfw.tar.gz',
    'src/sailfish-account-nextcloud.tar.gz',
    'stub/sailfishaccounts/accountauthenticator.h',
    'stub/sailfishaccounts/accountauthenticator.cpp',
    'stub/sailfishaccounts/sailfishaccounts.pro',
    'build.sh',
  ])
    hash.update(readFileSync(path.join(kitDir, file)));
  return hash.digest('hex');
}

/** Throws, saying what to run, unless the prefix holds a build of this kit. */
export function assertRealButeoBuilt(prefix = realButeoPrefix()): void {
  const setup = 'run "bash scripts/setup.sh" (or "bash test/peers/real-buteo/build.sh") first';
  for (const file of [
    'bin/msyncd',
    'bin/buteo-oopp-runner',
    'lib/buteo-plugins-qt5/oopp/libnextcloud-backup-client.so',
  ])
    if (!existsSync(path.join(prefix, file)))
      throw new Error(
        `The real Buteo msyncd and Nextcloud plugins are not built in ${prefix} (${file} is missing): ${setup}.`,
      );
  let stamp = '';
  try {
    stamp = readFileSync(path.join(prefix, '.stamp'), 'utf8').trim();
  } catch {
    // reported below
  }
  if (stamp !== kitStamp())
    throw new Error(`${prefix} was built from other sources than test/peers/real-buteo: ${setup}.`);
}

export interface RealMsyncd {
  pid: number;
  /** msyncd's and its plugin runners' output (categories buteo.* and buteo.plugin.nextcloud). */
  log(): string;
  stop(): Promise<void>;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts the real msyncd with HOME=home; profiles go to home/.local/share/system/privileged/msyncd/sync.
 * `env` must carry DBUS_SESSION_BUS_ADDRESS and ACCOUNTS; SAILFISH_STUB_* give the plugins their credentials.
 */
export async function startRealMsyncd(home: string, env: NodeJS.ProcessEnv): Promise<RealMsyncd> {
  mkdirSync(home, { recursive: true });
  const logFile = path.join(home, 'msyncd.log');
  const { stdout } = await run('bash', [path.join(kitDir, 'run-msyncd.sh'), home, logFile], {
    env: { ...env, REAL_BUTEO_HOME: realButeoPrefix(env) },
    timeout: 60_000,
  });
  const pid = Number(stdout.trim().split('\n').at(-1));
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`run-msyncd.sh printed no pid: ${stdout}`);
  return {
    pid,
    log: () => {
      try {
        return readFileSync(logFile, 'utf8');
      } catch {
        return '';
      }
    },
    async stop() {
      // run-msyncd.sh starts msyncd with setsid: its process group holds msyncd and its plugin runners.
      for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
        try {
          process.kill(-pid, signal);
        } catch {
          // already gone
        }
        for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
        if (!alive(pid)) return;
      }
    },
  };
}
