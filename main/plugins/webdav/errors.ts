// HTTP and network failures → Buteo minor codes with a sentence a user understands.
import { MinorCode } from '../../buteo/codes.js';
import { BackupError, isAbortError } from '../../errors.js';

const networkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
]);
const tlsCodes = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|DEPTH_ZERO/;

function findCode(err: unknown, depth = 0): string | undefined {
  if (!err || typeof err !== 'object' || depth > 4) return undefined;
  const e = err as { code?: unknown; errno?: unknown; cause?: unknown; type?: unknown };
  if (typeof e.code === 'string') return e.code;
  if (typeof e.errno === 'string') return e.errno;
  return findCode(e.cause, depth + 1);
}

export function httpStatusOf(err: unknown): number | undefined {
  const status =
    (err as { status?: unknown; response?: { status?: unknown } } | undefined)?.status ??
    (err as { response?: { status?: unknown } } | undefined)?.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/** What went wrong while `doing` (a phrase: "uploading the backup") against `server`. */
export function toBackupError(err: unknown, doing: string, server: string): BackupError {
  if (err instanceof BackupError) return err;
  if (isAbortError(err)) return BackupError.aborted();
  const status = httpStatusOf(err);
  if (status !== undefined) {
    switch (status) {
      case 401:
        return new BackupError(
          MinorCode.AuthenticationFailure,
          `The server ${server} refused the user name or password.`,
          { httpStatus: status, cause: err },
        );
      case 403:
        return new BackupError(
          MinorCode.InternalError,
          `The server ${server} does not allow ${doing} (HTTP 403 Forbidden).`,
          { httpStatus: status, cause: err },
        );
      case 404:
        return new BackupError(MinorCode.InternalError, `Not found on ${server} while ${doing} (HTTP 404).`, {
          httpStatus: status,
          cause: err,
        });
      case 423:
        return new BackupError(MinorCode.InternalError, `The file on ${server} is locked by someone else (HTTP 423).`, {
          httpStatus: status,
          cause: err,
        });
      case 507:
        return new BackupError(MinorCode.InternalError, `The server ${server} is out of space (HTTP 507).`, {
          httpStatus: status,
          cause: err,
        });
      default:
        return new BackupError(
          MinorCode.InternalError,
          `The server ${server} answered HTTP ${status} while ${doing}.`,
          { httpStatus: status, cause: err },
        );
    }
  }
  const code = findCode(err);
  if (code && tlsCodes.test(code)) {
    return new BackupError(
      MinorCode.ConnectionError,
      `The certificate of ${server} is not trusted (${code}). Turn on "ignore SSL errors" for this account only if you trust the server.`,
      { cause: err },
    );
  }
  if (
    (code && networkCodes.has(code)) ||
    /fetch failed|socket hang up|network/i.test(String((err as Error | undefined)?.message))
  ) {
    return new BackupError(
      MinorCode.ConnectionError,
      `Cannot connect to cloud service ${server}${code ? ` (${code})` : ''}.`,
      { cause: err },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new BackupError(MinorCode.InternalError, `Failed while ${doing}: ${message}`, { cause: err });
}
