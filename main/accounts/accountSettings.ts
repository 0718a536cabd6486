// Where Sailfish keeps a backup account's settings, and how its code reads them.
// Written per service by the account creator (OnlineSyncAccountCreator.qml: config[...] per service),
// read with the service selected (accountauthenticator.cpp signIn, nextcloud syncer.cpp initBackupDir).
import type { StoredSetting } from './AccountStore.js';

/** Keys Sailfish stores on the `<provider>-backup` service, never account-wide. */
export const SERVICE_KEYS = ['server_address', 'webdav_path', 'ignore_ssl_errors', 'backups_path'] as const;

/** The user name Sailfish shows, account-wide (sailfish-components-accounts account.cpp). */
export const KEY_USERNAME = 'default_credentials_username';
/** Where earlier versions of this app kept the user name (account-wide). */
export const KEY_LEGACY_USERNAME = 'username';
export const KEY_CREDENTIALS_ID = 'CredentialsId';
/** Set on HTTP 401 in the service's scope (webdavsyncer.cpp finishWithHttpError → setCredentialsNeedUpdate). */
export const KEY_CREDENTIALS_NEED_UPDATE = 'CredentialsNeedUpdate';
export const KEY_CREDENTIALS_NEED_UPDATE_FROM = 'CredentialsNeedUpdateFrom';
/** Where a Nextcloud account's backups go when backups_path is not set on the service (syncer.cpp:504). */
export const FALLBACK_BACKUPS_FOLDER = 'Sailfish OS/Backups';

type Settings = Map<string, StoredSetting>;

/**
 * One account's settings as Sailfish code reads them: the backup service's own value first, then the
 * account-wide one. Databases written either way (the device's, or by other tools) read the same.
 */
export class LayeredSettings {
  constructor(
    readonly service: Settings,
    readonly global: Settings,
  ) {}

  value(key: string): StoredSetting['value'] | undefined {
    return this.service.get(key)?.value ?? this.global.get(key)?.value;
  }

  string(key: string): string {
    const v = this.value(key);
    return typeof v === 'string' ? v : '';
  }

  /** Booleans as GVariant `b`, or as text compared case-insensitively (what a `s` "True" means to Qt). */
  bool(key: string, fallback = false): boolean {
    const v = this.value(key);
    if (typeof v === 'boolean') return v;
    if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
    return fallback;
  }

  number(key: string): number | undefined {
    const v = this.value(key);
    return typeof v === 'number' ? v : undefined;
  }

  /** The user name shown for the account: Sailfish's display key, else the key this app once wrote. */
  username(): string {
    return this.string(KEY_USERNAME) || this.string(KEY_LEGACY_USERNAME);
  }
}

function serverPathPrefix(serverAddress: string): string {
  return new URL(serverAddress).pathname.replace(/\/$/, '');
}

function usesNextcloudLayout(provider: string): boolean {
  return provider === 'nextcloud' || provider === 'owncloud';
}

/**
 * The WebDAV path account creation stores when the user does not say: Nextcloud/ownCloud's DAV layout
 * below the server's own path (Sailfish's joinServerPathInAddress), else the server path.
 */
export function defaultWebdavPath(provider: string, serverAddress: string, username: string): string {
  const prefix = serverPathPrefix(serverAddress);
  if (usesNextcloudLayout(provider)) return `${prefix}/remote.php/dav/files/${username}`;
  return prefix || '/';
}

/** What a plugin uses when webdav_path is empty: at the server root, as webdavsyncer.cpp:99-101 does. */
export function unsetWebdavPath(provider: string, serverAddress: string, username: string): string {
  if (usesNextcloudLayout(provider)) return `/remote.php/dav/files/${username}`;
  try {
    return serverPathPrefix(serverAddress) || '/';
  } catch {
    // an address that does not parse has no path of its own: the server root
    return '/';
  }
}

/** The backups folder account creation stores: `<webdav_path>/Sailfish OS/Backups` (nextcloud.qml:63). */
export function defaultBackupsPath(webdavPath: string): string {
  return `${webdavPath.replace(/\/+$/, '')}/${FALLBACK_BACKUPS_FOLDER}`;
}
