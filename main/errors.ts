import { MinorCode } from './buteo/codes.js';

/**
 * An error a user can act on: a Buteo minor code plus a sentence in plain words.
 * Every failure that leaves the engine (D-Bus reply, results log, CLI) is one of these.
 */
export class BackupError extends Error {
  readonly minorCode: MinorCode;
  readonly httpStatus: number | undefined;

  constructor(minorCode: MinorCode, message: string, options?: { cause?: unknown; httpStatus?: number }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'BackupError';
    this.minorCode = minorCode;
    this.httpStatus = options?.httpStatus;
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
