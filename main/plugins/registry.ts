// Which plugin runs a client profile: "<provider>-backup", "-backupquery", "-backuprestore" for every
// provider that offers a backup service. All of today's providers speak WebDAV.
import type { DescriptionCatalog } from '../accounts/descriptions.js';
import type { ClientPlugin, PluginFactory } from '../buteo/ClientPlugin.js';
import { BackupPlugin } from './webdav/BackupPlugin.js';
import { QueryPlugin } from './webdav/QueryPlugin.js';
import { RestorePlugin } from './webdav/RestorePlugin.js';
import type { PluginEnv } from './webdav/pluginEnv.js';

const operations = {
  backup: (env: PluginEnv) => new BackupPlugin(env),
  backupquery: (env: PluginEnv) => new QueryPlugin(env),
  backuprestore: (env: PluginEnv) => new RestorePlugin(env),
} as const;

function split(clientName: string): [string, string] | undefined {
  const m = /^(.+)-(backup|backupquery|backuprestore)$/.exec(clientName);
  return m ? [m[1]!, m[2]!] : undefined;
}

export class BackupPluginFactory implements PluginFactory {
  constructor(
    private readonly catalog: DescriptionCatalog,
    private readonly env: PluginEnv,
  ) {}

  create(clientName: string): ClientPlugin | undefined {
    const parts = split(clientName);
    if (!parts || !this.catalog.backupService(parts[0])) return undefined;
    return operations[parts[1] as keyof typeof operations](this.env);
  }

  isExclusive(clientName: string): boolean {
    return split(clientName)?.[1] !== 'backupquery';
  }
}
