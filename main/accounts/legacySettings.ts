// Accounts written by earlier versions of this app kept server_address, webdav_path and
// ignore_ssl_errors account-wide and the user name as `username`. A Sailfish plugin reads them only
// on the `<provider>-backup` service, so they are moved there once, when the database is opened.
import type { AccountStore, StoredSetting } from './AccountStore.js';
import { FALLBACK_BACKUPS_FOLDER, KEY_LEGACY_USERNAME, KEY_USERNAME, SERVICE_KEYS } from './accountSettings.js';
import type { DescriptionCatalog } from './descriptions.js';
import { GLOBAL_SERVICE_ID } from './schema.js';

const globalRef = { name: 'global', id: GLOBAL_SERVICE_ID, type: 'global' };

/** Moves legacy keys to where Sailfish keeps them; returns one line per account changed. */
export function migrateLegacySettings(store: AccountStore, catalog: DescriptionCatalog): string[] {
  const lines: string[] = [];
  for (const row of store.listAccounts()) {
    const service = catalog.backupService(row.provider);
    if (!service) continue;
    const global = store.settings(row.id, GLOBAL_SERVICE_ID);
    const existingServiceId = store.serviceId(service.id);
    const own =
      existingServiceId === undefined ? new Map<string, StoredSetting>() : store.settings(row.id, existingServiceId);
    // A value already on the service wins; the account-wide copy is then left alone, so nothing is lost.
    const moves = SERVICE_KEYS.filter((key) => global.has(key) && !own.has(key));
    const legacyName = global.get(KEY_LEGACY_USERNAME);
    const renameUser = legacyName !== undefined && !global.has(KEY_USERNAME);
    // Before backups_path was always written, this app used <webdav_path>/Sailfish OS/Backups; an
    // account it has used (its profiles are recorded) keeps that folder instead of the server root.
    const used = [...own.keys()].some((k) => k.endsWith('/profile_id'));
    const webdav = own.get('webdav_path')?.value ?? global.get('webdav_path')?.value;
    const pinBackups = used && !own.has('backups_path') && !global.has('backups_path') && typeof webdav === 'string';
    if (moves.length === 0 && !renameUser && !pinBackups) continue;

    const ref = { name: service.id, id: store.ensureService(service), type: service.type };
    store.transaction((tx) => {
      for (const key of moves) {
        const setting = global.get(key)!;
        tx.set(row.id, ref, key, setting.type, setting.value);
        tx.remove(row.id, globalRef, key);
      }
      if (renameUser) {
        tx.set(row.id, globalRef, KEY_USERNAME, legacyName.type, legacyName.value);
        tx.remove(row.id, globalRef, KEY_LEGACY_USERNAME);
      }
      if (pinBackups) {
        const folder = `${String(webdav).replace(/\/+$/, '')}/${FALLBACK_BACKUPS_FOLDER}`;
        tx.set(row.id, ref, 'backups_path', 's', folder);
      }
    });
    const parts = [
      moves.length > 0 ? `moved ${moves.join(', ')} to the ${service.id} service` : '',
      renameUser ? `renamed ${KEY_LEGACY_USERNAME} to ${KEY_USERNAME}` : '',
      pinBackups ? `recorded backups_path (the folder it was using) on ${service.id}` : '',
    ].filter(Boolean);
    lines.push(`Accounts database: account ${row.id} (${row.provider}): ${parts.join('; ')}, as Sailfish keeps them.`);
  }
  return lines;
}
