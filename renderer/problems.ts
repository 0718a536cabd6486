// What a failure means to the user: the cause in plain words and, where there is one, the fix and
// where to make it. Routed by the problem's kind and field, never by the words of its message.
import type { Problem, ProblemField } from '../main/ipc/contract';

export interface Explained {
  /** The cause, in words. */
  cause: string;
  /** What to do about it, when the user can do something. */
  fix?: string;
  /** The account form field the fix is in, when it is in the account's settings. */
  field?: ProblemField;
  /** The fix is the "Ignore SSL errors" switch (an untrusted certificate). */
  ignoreSsl?: boolean;
}

/** What the explanation knows about the account: its server and user, or the form's values. */
export interface AccountFacts {
  serverAddress: string;
  username: string;
  webdavPath: string;
}

function hostOf(address: string): string {
  try {
    return new URL(/^https?:\/\//i.test(address) ? address : `https://${address}`).host;
  } catch {
    return address;
  }
}

function outsideNote(path: string | undefined, webdavPath: string): string {
  const root = webdavPath.replace(/\/+$/, '');
  if (!path || !root || path === root || path.startsWith(`${root}/`)) return '';
  return ` The backups path starts at the server root, as on Sailfish; your files are under ${root}.`;
}

/** Kinds whose fix is in the account's settings. */
export function concernsAccount(problem: Problem): boolean {
  return explain(problem).field !== undefined;
}

/** The fix as said inside the account form itself, where "the account's settings" are the page. */
export function fixInForm(explained: Explained): string | undefined {
  switch (explained.field) {
    case 'credentials':
      return 'Check the user name and password.';
    case 'server':
      return explained.ignoreSsl
        ? 'If you trust this server, turn on “Ignore SSL errors” in Advanced settings.'
        : 'Check the server address.';
    case 'webdavPath':
      return 'Change the WebDAV path in Advanced settings.';
    case 'backupsPath':
      return 'Change the backups path in Advanced settings.';
    default:
      return explained.fix;
  }
}

export function explain(problem: Problem, account?: AccountFacts): Explained {
  const server = account ? hostOf(account.serverAddress) : 'the server';
  const user = account?.username ? ` for ${account.username}` : '';
  const serverFix = 'Check the server address in the account’s settings.';
  const pathField: ProblemField = problem.field === 'webdavPath' ? 'webdavPath' : 'backupsPath';
  const pathName = pathField === 'webdavPath' ? 'WebDAV path' : 'backups path';
  switch (problem.kind) {
    case 'auth':
      return {
        cause: `The server refused the password${user}.`,
        fix: 'Update it in the account’s settings.',
        field: 'credentials',
      };
    case 'refused':
      return {
        cause: `Nothing answers at ${server}: the server refused the connection.`,
        fix: serverFix,
        field: 'server',
      };
    case 'unknown-host':
      return {
        cause: account
          ? `The server name ${server.replace(/:\d+$/, '')} was not found.`
          : 'The server name was not found.',
        fix: serverFix,
        field: 'server',
      };
    case 'unreachable':
      // Sailfish's own words for a device that is not online.
      return {
        cause: 'Unable to connect. An internet connection is needed to back up to cloud services.',
        fix: serverFix,
        field: 'server',
      };
    case 'timeout':
      return {
        cause: `The server ${server} did not answer.`,
        fix: `${serverFix} Or try again later.`,
        field: 'server',
      };
    case 'connection-lost':
      return { cause: `The connection to ${server} broke.`, fix: 'Try again.' };
    case 'certificate':
      return {
        cause: `The certificate of ${server} is not trusted.`,
        fix: 'If you trust this server, turn on “Ignore SSL errors” in the account’s advanced settings.',
        field: 'server',
        ignoreSsl: true,
      };
    case 'not-webdav':
      if (problem.field === 'server' || problem.field === undefined)
        return { cause: `${server} does not offer WebDAV there.`, fix: serverFix, field: 'server' };
      return {
        cause: `${server} does not offer WebDAV at ${problem.path ?? `the ${pathName}`}.${outsideNote(problem.path, account?.webdavPath ?? '')}`,
        fix: `Change the ${pathName} in the account’s advanced settings.`,
        field: pathField,
      };
    case 'not-found':
      return {
        cause: `The folder ${problem.path ?? `of the ${pathName}`} is not on the server.`,
        fix: `Check the ${pathName} in the account’s advanced settings.`,
        field: pathField,
      };
    case 'forbidden':
      return {
        cause: `The server does not allow backups in ${problem.path ?? `the ${pathName}`}.${outsideNote(problem.path, account?.webdavPath ?? '')}`,
        fix: `Change the ${pathName} in the account’s advanced settings.`,
        field: pathField,
      };
    case 'locked':
      return { cause: 'The backup file on the server is locked by someone else.', fix: 'Try again later.' };
    case 'space':
      return {
        cause: `${server === 'the server' ? 'The server' : server} is out of space.`,
        fix: 'Free some space there, or back up to another account.',
      };
    case 'server':
      return { cause: `The server ${server} failed.`, fix: 'Try again later.' };
    case 'busy':
      return { cause: 'Another backup or restore is running.', fix: 'Wait until it has finished.' };
    case 'cancelled':
      return { cause: 'Cancelled.' };
    case 'needs-folder':
      return { cause: problem.message, fix: 'Choose a folder to restore into.' };
    default:
      return { cause: problem.message };
  }
}
