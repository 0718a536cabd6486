// Signing in to an account's server before its settings are saved: a PROPFIND of the WebDAV folder
// with the credentials, then of the backups folder (or its nearest existing parent), within a few
// seconds and cancellable. A failure names the field of the account form it concerns.
import type { BackupError } from '../errors.js';
import type { Problem, ProblemField } from '../ipc/contract.js';
import { WebDavConnection } from '../plugins/webdav/WebDavConnection.js';
import { toBackupError } from '../plugins/webdav/errors.js';
import { problemOf } from './problems.js';

export interface SignInSettings {
  serverAddress: string;
  webdavPath: string;
  /** Absolute on the server, as stored. */
  backupsPath: string;
  username: string;
  password: string;
  ignoreSslErrors: boolean;
}

export type SignInOutcome = { state: 'ok' } | { state: 'failed'; problem: Problem } | { state: 'cancelled' };

export const SIGN_IN_TIMEOUT_MS = 8_000;

function fieldForRoot(err: BackupError, webdavPath: string): ProblemField {
  if (err.kind === 'auth') return 'credentials';
  // Apache answers 405 for a path outside its WebDAV area: the path, not the server, is what to fix.
  const pathKinds = ['forbidden', 'not-found', 'not-webdav'];
  if (pathKinds.includes(err.kind) && webdavPath !== '/') return 'webdavPath';
  return 'server';
}

/** Folders from `folder` up to the server root, deepest first. */
function selfAndParents(folder: string): string[] {
  const segments = folder.split('/').filter(Boolean);
  const out: string[] = [];
  for (let n = segments.length; n >= 0; n--) out.push('/' + segments.slice(0, n).join('/'));
  return out;
}

function outsideNote(settings: SignInSettings): string {
  const root = settings.webdavPath.replace(/\/+$/, '');
  const inside = root === '' || settings.backupsPath === root || settings.backupsPath.startsWith(`${root}/`);
  return inside ? '' : ` The backups path starts at the server root, as on Sailfish; your files are under ${root}.`;
}

export async function signIn(
  settings: SignInSettings,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<SignInOutcome> {
  const timeoutMs = options.timeoutMs ?? SIGN_IN_TIMEOUT_MS;
  const timeout = new AbortController();
  const timer = setTimeout(() => timeout.abort(), timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
  const connection = new WebDavConnection({
    serverAddress: settings.serverAddress,
    username: settings.username,
    password: settings.password,
    ignoreSslErrors: settings.ignoreSslErrors,
    // This check's own deadline governs; the connection's idle watchdog only backs it up.
    idleTimeoutMs: timeoutMs + 2_000,
  });
  const server = connection.server;
  let checking: { path: string; field: (err: BackupError) => ProblemField } = {
    path: settings.webdavPath,
    field: (err) => fieldForRoot(err, settings.webdavPath),
  };
  try {
    if (!(await connection.exists(settings.webdavPath, signal))) {
      return {
        state: 'failed',
        problem: {
          kind: 'not-found',
          message: `There is no WebDAV folder ${settings.webdavPath} on ${server}.`,
          detail: `PROPFIND ${settings.webdavPath}: HTTP 404 Not Found`,
          field: settings.webdavPath === '/' ? 'server' : 'webdavPath',
          path: settings.webdavPath,
          httpStatus: 404,
        },
      };
    }
    // The backups folder is created by the first backup; its nearest existing parent must be reachable.
    for (const folder of selfAndParents(settings.backupsPath)) {
      checking = { path: folder, field: (err) => (err.kind === 'auth' ? 'credentials' : 'backupsPath') };
      if (await connection.exists(folder, signal)) return { state: 'ok' };
    }
    return { state: 'ok' };
  } catch (err) {
    if (options.signal?.aborted) return { state: 'cancelled' };
    if (timeout.signal.aborted) {
      return {
        state: 'failed',
        problem: {
          kind: 'timeout',
          message: `The server ${server} did not answer within ${Math.round(timeoutMs / 1000)} s.`,
          detail: `No answer to PROPFIND ${checking.path} within ${timeoutMs} ms`,
          field: 'server',
        },
      };
    }
    const error = toBackupError(err, `checking the folder ${checking.path}`, server);
    const field = checking.field(error);
    const problem = problemOf(error, { field, path: checking.path });
    if (field === 'backupsPath') {
      problem.message = `The server ${server} does not allow backups in ${settings.backupsPath} (${error.detail ?? error.message}).${outsideNote(settings)}`;
      problem.path = settings.backupsPath;
    }
    return { state: 'failed', problem };
  } finally {
    clearTimeout(timer);
    connection.close();
  }
}
