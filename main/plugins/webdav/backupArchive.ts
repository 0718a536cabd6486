// The archive a backup uploads, as the Backup plugin gets it from the vault: streamed as it is written
// (this app's vault), kept in a small local file first when it is small (so the backup's snapshot is
// taken at disk speed, not at the network's), or as a complete file (any other vault: Sailfish's
// createBackupForSyncProfile).
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { MinorCode } from '../../buteo/codes.js';
import { DBusCallError } from '../../dbus/DBusClient.js';
import { BackupError, errorMessage } from '../../errors.js';
import { FramedReader, isTransferEnd, parseBackupHead, parseBackupTail } from '../../transfer/archiveStream.js';
import { checksumFileOf } from '../../backupNames.js';
import type { TransferPipe } from '../../transfer/transferPipe.js';
import { VaultError } from '../../vault/vaultNames.js';
import type { VaultStatus } from '../../vocabulary.js';
import type { PluginEnv } from './pluginEnv.js';

/** What the upload reads: exactly `size` bytes, then the archive's SHA-256. */
export interface ArchiveToUpload {
  name: string;
  size: number;
  chunks: AsyncIterable<Buffer>;
  release?: (chunk: Buffer) => void;
  /** The archive's SHA-256, once every chunk has been read (undefined if the vault gave none). */
  sha256(): Promise<string | undefined>;
  /** Removes what is left of it here. */
  discard(): Promise<void>;
}

/** Archives up to this size are kept in a local file before the upload (see above). */
export const DEFAULT_SPOOL_MAX_BYTES = 32 << 20;

function vaultRefusal(err: unknown): BackupError {
  if (err instanceof VaultError && err.kind === 'Canceled') return BackupError.aborted();
  const busy = err instanceof VaultError && err.kind === 'Busy';
  return new BackupError(busy ? MinorCode.BackupInProgress : MinorCode.InternalError, errorMessage(err));
}

/** Why the vault stopped sending: what its state says, once it has said it. */
async function vaultStopped(env: PluginEnv, signal: AbortSignal): Promise<BackupError> {
  if (signal.aborted) return BackupError.aborted();
  const state = await env.vault.state().catch(() => undefined);
  if (state?.status === 'Canceled') return BackupError.aborted();
  return new BackupError(
    MinorCode.InternalError,
    state?.status === 'Error' && state.error ? state.error : 'The backup service stopped writing the backup.',
  );
}

/** The archive's bytes from the connection; a cut is told as the vault's own reason. */
async function* body(reader: FramedReader, size: number, env: PluginEnv, signal: AbortSignal): AsyncGenerator<Buffer> {
  try {
    yield* reader.body(size);
  } catch (err) {
    if (isTransferEnd(err) || signal.aborted) throw await vaultStopped(env, signal);
    throw err;
  }
}

/** A file's bytes, opened only when they are read. */
async function* fileChunks(file: string): AsyncGenerator<Buffer> {
  yield* createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>;
}

/** Connects to the vault's stream and reads its head line; undefined when this vault has no streams. */
async function streamed(
  env: PluginEnv,
  profileName: string,
  signal: AbortSignal,
): Promise<ArchiveToUpload | undefined> {
  let endpoint: string;
  try {
    endpoint = await env.vault.createBackupStreamForSyncProfile(profileName);
  } catch (err) {
    if (err instanceof DBusCallError && err.type === 'org.freedesktop.DBus.Error.UnknownMethod') return undefined;
    throw vaultRefusal(err);
  }
  let connection: TransferPipe;
  try {
    connection = await env.streams.connect(endpoint);
  } catch (err) {
    throw new BackupError(
      MinorCode.InternalError,
      `Could not reach the backup service's archive: ${errorMessage(err)}`,
    );
  }
  const close = () => connection.close();
  signal.addEventListener('abort', close, { once: true });
  const reader = new FramedReader(connection);
  const head = parseBackupHead(await reader.line().catch(() => undefined));
  if (!head) {
    close();
    throw await vaultStopped(env, signal);
  }
  const done = () => {
    signal.removeEventListener('abort', close);
    close();
    return Promise.resolve();
  };
  // The tail is how the vault says it sent the whole archive: a stream without it is not a backup.
  const tail = async () => {
    const sha256 = parseBackupTail(await reader.line().catch(() => undefined));
    if (!sha256) throw await vaultStopped(env, signal);
    return sha256;
  };
  if (head.size > env.spoolMaxBytes)
    return {
      ...head,
      chunks: body(reader, head.size, env, signal),
      release: (chunk) => connection.release(chunk),
      sha256: tail,
      discard: done,
    };
  // Small: into a file of its own first, then uploaded from there.
  await mkdir(env.spoolDir, { recursive: true, mode: 0o700 });
  const file = path.join(env.spoolDir, `${head.name}.${randomBytes(4).toString('hex')}.part`);
  let sha256: string | undefined;
  try {
    await pipeline(body(reader, head.size, env, signal), createWriteStream(file, { mode: 0o600 }));
    sha256 = await tail();
  } catch (err) {
    await rm(file, { force: true });
    await done();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC' || code === 'EDQUOT')
      throw new BackupError(
        MinorCode.InternalError,
        `There is not enough free space in ${env.spoolDir} for the backup ${head.name}.`,
        {
          kind: 'space',
        },
      );
    throw err;
  }
  await done();
  return {
    ...head,
    chunks: fileChunks(file),
    sha256: () => Promise.resolve(sha256),
    discard: () => rm(file, { force: true }),
  };
}

/**
 * Asks the vault for an archive and waits until it says it is written (or failed, or was cancelled).
 * The vault says how its previous operation ended before it answers (Vault.createBackupForSyncProfile),
 * so this listens only once it has answered, and reads its state for what it said in between: the end
 * of an earlier backup is never taken for news of this one.
 */
async function written(env: PluginEnv, accountId: number, profileName: string, signal: AbortSignal): Promise<string> {
  let file: string;
  try {
    file = await env.vault.createBackupForSyncProfile(profileName);
  } catch (err) {
    throw vaultRefusal(err);
  }
  let settle!: (status: VaultStatus, detail?: string) => void;
  const outcome = new Promise<{ status: VaultStatus; detail?: string }>((resolve) => {
    settle = (status, detail) => resolve({ status, ...(detail ? { detail } : {}) });
  });
  let lastError: string | undefined;
  const offError = await env.vault.onCloudBackupError((id, _code, text) => {
    if (id === accountId) lastError = text;
  });
  const offStatus = await env.vault.onCloudBackupStatusChanged((id, status) => {
    if (id === accountId && status !== 'Preparing') settle(status, lastError);
  });
  const onAbort = () => settle('Canceled');
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal.aborted) onAbort();
    const now = await env.vault.state();
    if (now.status === 'UploadingBackup' || now.status === 'Error' || now.status === 'Canceled')
      settle(now.status, now.error || lastError);
    const { status, detail } = await outcome;
    if (status === 'UploadingBackup') return file;
    if (status === 'Canceled') throw BackupError.aborted();
    throw new BackupError(MinorCode.InternalError, detail ?? 'The backup file could not be created.');
  } finally {
    signal.removeEventListener('abort', onAbort);
    await offStatus();
    await offError();
  }
}

/** The archive to upload: streamed by this app's vault, a complete file from any other. */
export async function archiveFromVault(
  env: PluginEnv,
  accountId: number,
  profileName: string,
  signal: AbortSignal,
): Promise<ArchiveToUpload> {
  const stream = await streamed(env, profileName, signal);
  if (stream) return stream;
  const file = await written(env, accountId, profileName, signal);
  const discard = async () => {
    await rm(file, { force: true });
    await rm(checksumFileOf(file), { force: true });
  };
  try {
    return {
      name: path.basename(file),
      size: (await stat(file)).size,
      chunks: fileChunks(file),
      sha256: async () => /^([0-9a-f]{64})\b/.exec(await readFile(checksumFileOf(file), 'utf8').catch(() => ''))?.[1],
      discard,
    };
  } catch (err) {
    await discard();
    throw err;
  }
}
