// Checks as the user types: the very rules the main process applies when it saves (it checks again).
import { resolveBackupsPath, validateServerAddress, validateServerPath } from '../../../main/ipc/contract';

function problemOf(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

export function serverAddressProblem(text: string): string | undefined {
  return problemOf(() => validateServerAddress(text));
}

export function serverPathProblem(text: string, what: string): string | undefined {
  return problemOf(() => validateServerPath(text, what));
}

/** Where backups will go on the server for what the user typed, or undefined while it is not valid. */
export function resolvedBackupsPath(backupsPath: string, webdavPath: string): string | undefined {
  try {
    validateServerPath(webdavPath);
    return resolveBackupsPath(backupsPath);
  } catch {
    return undefined;
  }
}

/** The host of a valid server address, for the description's placeholder. */
export function hostOf(text: string): string | undefined {
  try {
    return new URL(validateServerAddress(text)).host;
  } catch {
    return undefined;
  }
}
