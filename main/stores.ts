// The on-disk state every entry point needs (CLI, engine, UI bridge), opened in one place.
import { AccountStore } from './accounts/AccountStore.js';
import { BackupAccounts } from './accounts/BackupAccounts.js';
import { FileCredentialStore } from './accounts/credentials.js';
import { DescriptionCatalog, descriptionDirs } from './accounts/descriptions.js';
import { ProfileManager } from './buteo/ProfileManager.js';
import type { AppPaths } from './paths.js';
import { BackupUnits } from './vault/BackupUnits.js';

export interface Stores {
  paths: AppPaths;
  catalog: DescriptionCatalog;
  accountStore: AccountStore;
  accounts: BackupAccounts;
  profiles: ProfileManager;
  units: BackupUnits;
  close(): void;
}

export function openStores(paths: AppPaths, env: NodeJS.ProcessEnv = process.env): Stores {
  const catalog = new DescriptionCatalog(descriptionDirs(paths.assetsDir, env));
  const accountStore = new AccountStore(paths.accountsDb);
  const accounts = new BackupAccounts(accountStore, catalog, new FileCredentialStore(paths.credentialsFile));
  return {
    paths,
    catalog,
    accountStore,
    accounts,
    profiles: new ProfileManager(paths.profileDir, paths.templateDir),
    units: new BackupUnits(paths.unitsFile),
    close: () => accountStore.close(),
  };
}
