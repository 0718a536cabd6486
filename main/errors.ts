import { MinorCode } from './buteo/codes.js';

/**
 * What went wrong, in terms of where the fix is: the UI and the CLI route on this (which field, which
 * page), never on the wording of a message.
 */
export const FAILURE_KINDS = [
  /** The server refused the user name or password (HTTP 401). */
  'auth',
  /** Nothing listens at the address (connection refused). */
  'refused',
  /** The host name does not resolve. */
  'unknown-host',
  /** No route to the server, or the network is down. */
  'unreachable',
  /** The server accepted the connection but did not answer in time. */
  'timeout',
  /** The connection broke in the middle of a request. */
  'connection-lost',
  /** The server's TLS certificate is not trusted. */
  'certificate',
  /** A folder or file is not on the server (HTTP 404, 409). */
  'not-found',
  /** The server does not allow this path or method (HTTP 403). */
  'forbidden',
  /** Something answers, but it is not a WebDAV server (HTTP 405, 501, a listing that is not XML). */
  'not-webdav',
  /** The file is locked by someone else (HTTP 423). */
  'locked',
  /** No space left, on the server (HTTP 507) or on this computer. */
  'space',
  /** The server failed (HTTP 5xx). */
  'server',
  /** Another backup or restore is running. */
  'busy',
  /** The user cancelled. */
  'cancelled',
  /** A restore needs a folder chosen to restore into: the backup's folders have no place here. */
  'needs-folder',
  /** Anything else; the message says what. */
  'other',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

function kindOfMinorCode(minor: MinorCode): FailureKind {
  switch (minor) {
    case MinorCode.AuthenticationFailure:
      return 'auth';
    case MinorCode.ConnectionError:
    case MinorCode.Offline:
      return 'unreachable';
    case MinorCode.PluginTimeout:
      return 'timeout';
    case MinorCode.Aborted:
      return 'cancelled';
    case MinorCode.BackupInProgress:
      return 'busy';
    default:
      return 'other';
  }
}

export interface BackupErrorOptions {
  cause?: unknown;
  httpStatus?: number;
  /** Defaults to what the minor code says. */
  kind?: FailureKind;
  /** The technical detail behind the sentence: an errno code, an HTTP status line, a method and path. */
  detail?: string;
}

/**
 * An error a user can act on: a Buteo minor code plus a sentence in plain words.
 * Every failure that leaves the engine (D-Bus reply, results log, CLI) is one of these.
 */
export class BackupError extends Error {
  readonly minorCode: MinorCode;
  readonly httpStatus: number | undefined;
  readonly kind: FailureKind;
  readonly detail: string | undefined;

  constructor(minorCode: MinorCode, message: string, options?: BackupErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BackupError';
    this.minorCode = minorCode;
    this.httpStatus = options?.httpStatus;
    this.kind = options?.kind ?? kindOfMinorCode(minorCode);
    this.detail = options?.detail;
  }

  static aborted(message = 'The operation was cancelled.'): BackupError {
    return new BackupError(MinorCode.Aborted, message);
  }
}

/** Bad input from a user or a caller: a clear message, never a crash. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

export function isAbortError(err: unknown): boolean {
  if (err instanceof BackupError) return err.minorCode === MinorCode.Aborted;
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: unknown }).code === 'ABORT_ERR');
}
