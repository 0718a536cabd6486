import { InputError } from '../errors.js';

/** A server address the user typed: http(s), a host, no credentials, query or fragment. */
export function validateServerAddress(input: string): string {
  const trimmed = input.trim();
  if (!trimmed) throw new InputError('Enter the server address, for example https://cloud.example.com');
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`);
  } catch {
    throw new InputError(`"${trimmed}" is not a valid server address`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new InputError(`The server address must start with https:// or http://, not ${url.protocol}//`);
  }
  if (!url.hostname) throw new InputError('The server address has no host name');
  // Browsers percent-encode what Node refuses ("foo bar" → "foo%20bar"): one rule for both sides.
  if (!/^[a-z0-9._-]+$/i.test(url.hostname) && !/^\[[0-9a-f:.]+\]$/i.test(url.hostname))
    throw new InputError(`"${trimmed}" is not a valid server address`);
  if (url.username || url.password) {
    throw new InputError('Put the user name and password in their own fields, not in the server address');
  }
  if (url.search || url.hash) throw new InputError('The server address cannot contain "?" or "#"');
  checkSegments(decodeURIComponent(url.pathname), 'server address');
  return url.origin + url.pathname.replace(/\/+$/, '');
}

function checkSegments(pathText: string, what: string): void {
  if (/\p{Cc}/u.test(pathText)) throw new InputError(`The ${what} contains control characters`);
  for (const segment of pathText.split('/')) {
    if (segment === '..' || segment === '.') {
      throw new InputError(`The ${what} cannot contain "${segment}" segments`);
    }
  }
}

/**
 * A folder path on the server ("/remote.php/dav/files/alice/Sailfish OS/Backups"): absolute,
 * single slashes, no trailing slash, no "." or ".." segments that could escape the user's folder.
 */
export function validateServerPath(input: string, what = 'path'): string {
  const trimmed = input.trim();
  if (!trimmed) throw new InputError(`The ${what} cannot be empty`);
  checkSegments(trimmed, what);
  if (trimmed.includes('\\')) throw new InputError(`The ${what} must use "/" between folders, not "\\"`);
  const normalized = ('/' + trimmed).replace(/\/{2,}/g, '/').replace(/\/$/, '');
  return normalized || '/';
}

/**
 * backups_path: a path on the server host. A relative value is rooted at the server root, as the
 * Nextcloud plugin makes it (networkrequestgenerator.cpp: a leading "/" is added), and an empty one
 * is the server root itself (syncer.cpp: QDir("").filePath(deviceId)).
 */
export function resolveBackupsPath(backupsPath: string): string {
  const trimmed = backupsPath.trim();
  if (!trimmed) return '/';
  return validateServerPath(trimmed.startsWith('/') ? trimmed : `/${trimmed}`, 'backups path');
}

export function validateUsername(input: string): string {
  const name = input.trim();
  if (!name) throw new InputError('Enter the user name');
  if (/[\p{Cc}/]/u.test(name)) throw new InputError('The user name cannot contain "/" or control characters');
  return name;
}

export function validateDisplayName(input: string): string {
  const name = input.trim();
  if (!name) throw new InputError('The account name cannot be empty');
  if (/\p{Cc}/u.test(name)) throw new InputError('The account name cannot contain control characters');
  if (name.length > 200) throw new InputError('The account name is longer than 200 characters');
  return name;
}
