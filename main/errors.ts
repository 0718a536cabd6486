import { MinorCode, type FailureKind } from './vocabulary.js';

export { FAILURE_KINDS, type FailureKind } from './vocabulary.js';

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
