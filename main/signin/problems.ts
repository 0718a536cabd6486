// Failures as the UI and the CLI route them: a kind, the field of the account form it concerns, the
// server path, and the technical detail behind the sentence.
import { BackupError, type FailureKind } from '../errors.js';
import type { Problem, ProblemField } from '../ipc/contract.js';

/** Kinds whose fix is in the account's settings (server address, password, paths, certificate). */
const accountKinds = new Set<FailureKind>([
  'auth',
  'refused',
  'unknown-host',
  'unreachable',
  'timeout',
  'connection-lost',
  'certificate',
  'not-found',
  'forbidden',
  'not-webdav',
]);

export function concernsAccountSettings(kind: FailureKind): boolean {
  return accountKinds.has(kind);
}

/** Kinds that say the server could not be reached at all: saving such an account offline makes sense. */
export function isOfflineKind(kind: FailureKind): boolean {
  return kind === 'refused' || kind === 'unknown-host' || kind === 'unreachable' || kind === 'timeout';
}

/** Where the fix for a failure during a run is, when the failing path was under the backups path. */
export function fieldForRun(kind: FailureKind): ProblemField | undefined {
  if (kind === 'auth') return 'credentials';
  if (kind === 'forbidden' || kind === 'not-found') return 'backupsPath';
  return concernsAccountSettings(kind) ? 'server' : undefined;
}

export function problemOf(
  err: BackupError,
  extra: { field?: ProblemField | undefined; path?: string | undefined; accountId?: number | undefined } = {},
): Problem {
  return {
    kind: err.kind,
    message: err.message,
    ...(err.detail ? { detail: err.detail } : {}),
    ...(err.httpStatus !== undefined ? { httpStatus: err.httpStatus } : {}),
    ...(extra.field ? { field: extra.field } : {}),
    ...(extra.path ? { path: extra.path } : {}),
    ...(extra.accountId !== undefined ? { accountId: extra.accountId } : {}),
  };
}

/** A failure that already carries its problem (the UI bridge throws these; dispatch passes them on). */
export class ProblemError extends Error {
  constructor(
    readonly problem: Problem,
    readonly code?: number,
  ) {
    super(problem.message);
    this.name = 'ProblemError';
  }
}

export function errorWithProblem(err: unknown, problem: Problem | undefined): unknown {
  if (!problem) return err;
  return new ProblemError(problem, err instanceof BackupError ? err.minorCode : undefined);
}
