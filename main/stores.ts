// The on-disk state every entry point needs (CLI, engine, UI bridge), opened in one place.
import { AccountStore } from './accounts/AccountStore.js';
import { BackupAccounts } from './accounts/BackupAccounts.js';
import { FileCredentialStore, LayeredCredentialStore } from './accounts/credentials.js';
import { SecretServiceStore } from './accounts/secretService.js';
import { DescriptionCatalog, descriptionDirs } from './accounts/descriptions.js';
import { migrateLegacySettings } from './accounts/legacySettings.js';
import { ProfileManager } from './buteo/ProfileManager.js';
import { configureLogging } from './log.js';
import type { AppPaths } from './paths.js';
import { BackupUnits } from './vault/BackupUnits.js';

export interface Stores {
  paths: AppPaths;
  catalog: DescriptionCatalog;
  accountStore: AccountStore;
  accounts: BackupAccounts;
  profiles: ProfileManager;
  units: BackupUnits;
  credentials: LayeredCredentialStore;
  close(): void;
}

export function openStores(
  paths: AppPaths,
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (line) => process.stderr.write(`sfbackup: ${line}\n`),
): Stores {
  // What the app notices on the way (main/log.ts) is kept beside the data it concerns.
  configureLogging({ dataDir: paths.dataDir });
  const catalog = new DescriptionCatalog(descriptionDirs(paths.assetsDir, env));
  const accountStore = new AccountStore(paths.accountsDb);
  try {
    for (const line of migrateLegacySettings(accountStore, catalog)) log(line);
  } catch (err) {
    // Reads fall back to account-wide keys, so the app still works; the database is left as it was.
    log(`Accounts database: could not move old settings to the backup service: ${(err as Error).message}`);
  }
  let keyring: SecretServiceStore | undefined;
  const credentials = new LayeredCredentialStore(
    new FileCredentialStore(paths.credentialsFile, () => accountStore.credentialIds()),
    async () => {
      keyring = await SecretServiceStore.open(env.DBUS_SESSION_BUS_ADDRESS);
      return keyring;
    },
  );
  const accounts = new BackupAccounts(accountStore, catalog, credentials);
  return {
    paths,
    catalog,
    accountStore,
    accounts,
    profiles: new ProfileManager(paths.profileDir, paths.templateDir),
    units: new BackupUnits(paths.unitsFile),
    credentials,
    close: () => {
      keyring?.close();
      accountStore.close();
    },
  };
}
