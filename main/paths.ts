// Where the app keeps its files. Layout under the data dir mirrors the real system's:
// accounts/accounts.db (libaccounts), msyncd/sync/*.xml (Buteo), credentials/, vault/.
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export interface AppPaths {
  dataDir: string;
  accountsDb: string;
  credentialsFile: string;
  profileDir: string;
  templateDir: string;
  unitsFile: string;
  /** The outcome of the last sign-in to each account's server (main/signin/SignInStatusStore.ts). */
  signInStatusFile: string;
  vaultDir: string;
  assetsDir: string;
}

/** The shipped assets folder, found from this module whether it runs from main/ or dist/main/. */
export function findAssetsDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(path.join(dir, 'assets', 'accounts'))) return path.join(dir, 'assets');
    dir = path.dirname(dir);
  }
  throw new Error('Cannot find the assets folder next to the program');
}

export function resolvePaths(options: { dataDir?: string | undefined; env?: NodeJS.ProcessEnv } = {}): AppPaths {
  const env = options.env ?? process.env;
  const dataDir = path.resolve(
    options.dataDir ??
      env.SFBACKUP_DATA_DIR ??
      path.join(env.XDG_DATA_HOME || path.join(os.homedir(), '.local', 'share'), 'sailfish-backup-settings'),
  );
  const assetsDir = findAssetsDir();
  return {
    dataDir,
    // $ACCOUNTS is libaccounts' own override: honour it so ag-tool and this app share one database.
    accountsDb: env.ACCOUNTS
      ? path.join(path.resolve(env.ACCOUNTS), 'accounts.db')
      : path.join(dataDir, 'accounts', 'accounts.db'),
    credentialsFile: path.join(dataDir, 'credentials', 'credentials.json'),
    profileDir: path.join(dataDir, 'msyncd', 'sync'),
    templateDir: path.join(assetsDir, 'buteo', 'sync'),
    unitsFile: path.join(dataDir, 'units.json'),
    signInStatusFile: path.join(dataDir, 'sign-in-status.json'),
    vaultDir: path.join(dataDir, 'vault'),
    assetsDir,
  };
}
