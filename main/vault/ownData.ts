// The app's own files, which no backup holds and no restore replaces: the data folder (accounts,
// credentials, profiles, the vault's half-written archives and downloads) and the accounts database's
// folder when $ACCOUNTS puts it elsewhere.
import path from 'node:path';
import type { AppPaths } from '../paths.js';

export function ownDataPaths(paths: AppPaths): string[] {
  const all = [paths.dataDir, path.dirname(paths.accountsDb), path.dirname(paths.credentialsFile), paths.vaultDir];
  return [...new Set(all)];
}
