// HTTP and network failures → Buteo minor codes, a failure kind, and a sentence a user understands;
// the errno code or HTTP status goes into the detail, not the sentence.
import { MinorCode } from '../../buteo/codes.js';
import { BackupError, isAbortError, type FailureKind } from '../../errors.js';

/** Network errno codes, with the failure kind and the words for each. */
const networkCodes: Record<string, [FailureKind, string]> = {
  ECONNREFUSED: ['refused', 'the server refused the connection'],
  ENOTFOUND: ['unknown-host', 'the server name was not found'],
  EAI_AGAIN: ['unknown-host', 'the server name could not be looked up'],
  EHOSTUNREACH: ['unreachable', 'the server cannot be reached from this network'],
  ENETUNREACH: ['unreachable', 'this computer is not connected to a network that reaches the server'],
  ETIMEDOUT: ['timeout', 'the connection timed out'],
  ECONNRESET: ['connection-lost', 'the connection broke'],
  EPIPE: ['connection-lost', 'the connection broke'],
};
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

function httpError(status: number, doing: string, server: string, cause: unknown): BackupError {
  const http = (kind: FailureKind, message: string, statusText: string) =>
    new BackupError(status === 401 ? MinorCode.AuthenticationFailure : MinorCode.InternalError, message, {
      httpStatus: status,
      cause,
      kind,
      detail: `HTTP ${status}${statusText ? ` ${statusText}` : ''} while ${doing}`,
    });
  switch (status) {
    case 401:
      return http('auth', `The server ${server} refused the user name or password.`, 'Unauthorized');
    case 403:
      return http('forbidden', `The server ${server} does not allow ${doing} (HTTP 403 Forbidden).`, 'Forbidden');
    case 404:
      return http('not-found', `Not found on ${server} while ${doing} (HTTP 404).`, 'Not Found');
    case 409:
      return http('not-found', `A folder is missing on ${server} while ${doing} (HTTP 409).`, 'Conflict');
    case 405:
    case 501:
      return http(
        'not-webdav',
        `The server ${server} does not offer WebDAV there (HTTP ${status} while ${doing}).`,
        status === 405 ? 'Method Not Allowed' : 'Not Implemented',
      );
    case 423:
      return http('locked', `The file on ${server} is locked by someone else (HTTP 423).`, 'Locked');
    case 507:
      return http('space', `The server ${server} is out of space (HTTP 507).`, 'Insufficient Storage');
    default:
      return http(
        status >= 500 ? 'server' : 'other',
        `The server ${server} answered HTTP ${status} while ${doing}.`,
        '',
      );
  }
}

/** What went wrong while `doing` (a phrase: "uploading the backup") against `server`. */
export function toBackupError(err: unknown, doing: string, server: string): BackupError {
  if (err instanceof BackupError) return err;
  if (isAbortError(err)) return BackupError.aborted();
  const status = httpStatusOf(err);
  if (status !== undefined) return httpError(status, doing, server, err);
  const code = findCode(err);
  if (code && tlsCodes.test(code)) {
    return new BackupError(
      MinorCode.ConnectionError,
      `The certificate of ${server} is not trusted (${code}). Turn on "ignore SSL errors" for this account only if you trust the server.`,
      { cause: err, kind: 'certificate', detail: code },
    );
  }
  // Routed by errno code only: Node's own "socket hang up" is ECONNRESET.
  const network = code ? networkCodes[code] : undefined;
  if (network) {
    const [kind, words] = network;
    return new BackupError(
      MinorCode.ConnectionError,
      `Cannot connect to cloud service ${server}: ${words}${kind === 'connection-lost' ? ` while ${doing}` : ''}.`,
      { cause: err, kind, detail: code ?? (err instanceof Error ? err.message : String(err)) },
    );
  }
  const message = err instanceof Error ? err.message : String(err);
  return new BackupError(MinorCode.InternalError, `Failed while ${doing}: ${message}`, { cause: err });
}
