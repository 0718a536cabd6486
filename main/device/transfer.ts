// Copying a backup between a device and this computer over the device's SSH connection: streamed
// (`cat` on the device), checked by size and SHA-256 (the device's own `sha256sum`), and atomic on both
// sides: the file appears under its name only once it is whole and verified, and a failed copy leaves
// nothing behind.
import { randomBytes, createHash } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  existsSync,
  linkSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../fsAtomic.js';
import { checksumFileOf } from '../vault/backupFiles.js';
import { shellQuote } from './sshCommand.js';
import type { SshLink } from './SshLink.js';
import { logger } from '../log.js';

const log = logger('device');

export interface CopyProgress {
  done: number;
  total: number;
  elapsedMs: number;
}

export interface CopyResult {
  /** Where the file is now: a local path (pull) or a path on the device (push). */
  path: string;
  size: number;
  sha256: string;
  /** The device's vault had recorded the backup's SHA-256 beside it, and the copy matches that too. */
  recorded?: boolean;
}

/** A path the device's shell reads literally: absolute, or relative to the device user's home. */
function remoteWord(file: string): string {
  if (!file || /[\0\n]/.test(file)) throw new InputError(`"${file}" is not a file on the device`);
  return shellQuote(file.startsWith('/') ? file : `./${file}`);
}

/** Counts and hashes what passes, and reports progress at most four times a second. */
class Meter extends Transform {
  readonly hash = createHash('sha256');
  done = 0;
  private readonly started = Date.now();
  private lastReport = 0;

  constructor(
    private readonly total: number,
    private readonly onProgress: (p: CopyProgress) => void,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    this.hash.update(chunk);
    this.done += chunk.length;
    const now = Date.now();
    if (now - this.lastReport >= 250) {
      this.lastReport = now;
      this.onProgress({ done: this.done, total: this.total, elapsedMs: now - this.started });
    }
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    this.onProgress({ done: this.done, total: this.total, elapsedMs: Date.now() - this.started });
    callback();
  }
}

/**
 * The file's size and SHA-256 as the device computes them, and the SHA-256 its vault recorded beside it
 * when it made the backup (`<file>.sha256`, sha256sum's format), if there is one.
 */
async function remoteFacts(
  link: SshLink,
  word: string,
): Promise<{ size: number; sha256: string; recorded: string | undefined }> {
  const out = await link.run(
    `f=${word}; stat -L -c %s "$f" && sha256sum "$f" && if [ -f "$f.sha256" ]; then head -c 400 "$f.sha256"; fi`,
  );
  const [sizeLine, hashLine, recordedLine] = out.split('\n');
  const size = Number(sizeLine?.trim());
  const sha256 = /^([0-9a-f]{64})\b/.exec(hashLine?.trim() ?? '')?.[1];
  if (!Number.isInteger(size) || !sha256)
    throw new Error(`The device gave no size and SHA-256 for the file: ${out.slice(0, 200)}`);
  return { size, sha256, recorded: /^([0-9a-f]{64})\b/.exec(recordedLine?.trim() ?? '')?.[1] };
}

/** `<file>.sha256` beside a backup, as the vault writes it (main/vault/archive.ts). */
function checksumLine(sha256: string, file: string): string {
  return `${sha256}  ${path.basename(file)}\n`;
}

async function remoteSize(link: SshLink, word: string): Promise<number> {
  const out = await link
    .run(`f=${word}; if [ -f "$f" ]; then stat -L -c %s "$f"; else echo "not a file: $f" >&2; exit 3; fi`)
    .catch((err: unknown) => {
      throw new InputError(`Cannot read ${word} on the device: ${err instanceof Error ? err.message : String(err)}`);
    });
  const size = Number(out.trim());
  if (!Number.isInteger(size)) throw new Error(`The device said "${out.trim().slice(0, 80)}" for the size of the file`);
  return size;
}

function mismatch(what: string, here: string | number, there: string | number): Error {
  return new Error(
    `The copy is not the same as the original (${what}: ${here} here, ${there} on the device); nothing was kept.`,
  );
}

/** Copies `remote` from the device into `local` (a file path that must not exist yet). */
export async function pullFile(
  link: SshLink,
  remote: string,
  local: string,
  onProgress: (p: CopyProgress) => void = () => {},
  signal?: AbortSignal,
): Promise<CopyResult> {
  signal?.throwIfAborted();
  const word = remoteWord(remote);
  const target = path.resolve(local);
  if (existsSync(target)) throw new InputError(`${target} already exists; choose another name or remove it first.`);
  const total = await remoteSize(link, word);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.part`);
  const meter = new Meter(total, onProgress);
  let stop = () => {};
  try {
    signal?.throwIfAborted();
    const cat = link.exec(`cat ${word}`);
    // Cancelling ends the device's `cat` with the copy, not only this side's reading of it.
    stop = () => cat.kill();
    signal?.addEventListener('abort', stop, { once: true });
    cat.stdin!.end();
    let stderr = '';
    cat.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const exited = new Promise<number | null>((resolve) => cat.once('close', resolve));
    // The device hashes its copy while this side receives it.
    const theirs = remoteFacts(link, word);
    // Awaited below once the copy is here; a failure before then is heard there, not as unhandled.
    theirs.catch(log.ignored('hashing the file on the device'));
    await pipeline(cat.stdout!, meter, createWriteStream(temp, { flags: 'wx', mode: 0o600 }), { signal });
    const code = await exited;
    signal?.throwIfAborted();
    if (code !== 0) throw new Error(`Reading the file on the device failed: ${stderr.trim() || `exit ${code}`}`);
    const ours = meter.hash.digest('hex');
    const facts = await theirs;
    if (meter.done !== facts.size || facts.size !== total) throw mismatch('size', meter.done, facts.size);
    if (ours !== facts.sha256) throw mismatch('SHA-256', ours, facts.sha256);
    if (facts.recorded && facts.recorded !== facts.sha256)
      throw new Error(
        `The file on the device is not the backup its vault made (SHA-256 ${facts.sha256}, recorded ${facts.recorded} in ${path.posix.basename(remote)}.sha256): it was damaged there; nothing was kept.`,
      );
    // The checksum goes beside the copy first, so that a restore from this computer can check the archive.
    writeFileAtomic(checksumFileOf(target), checksumLine(ours, target), 0o600);
    try {
      // A hard link appears whole and never replaces a file that showed up meanwhile; where the file system
      // has no hard links (a FAT memory stick), a rename after checking does the same but for that race.
      try {
        linkSync(temp, target);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST') throw new InputError(`${target} appeared during the copy; the copy was not kept.`);
        if (existsSync(target)) throw new InputError(`${target} already exists; the copy was not kept.`);
        renameSync(temp, target);
      }
    } catch (err) {
      rmSync(checksumFileOf(target), { force: true });
      throw err;
    }
    return { path: target, size: meter.done, sha256: ours, ...(facts.recorded ? { recorded: true } : {}) };
  } finally {
    signal?.removeEventListener('abort', stop);
    try {
      unlinkSync(temp);
    } catch {
      // never made, or already gone
    }
  }
}

/** Copies the local file into the folder `remoteDir` on the device, under its own name. */
export async function pushFile(
  link: SshLink,
  local: string,
  remoteDir: string,
  onProgress: (p: CopyProgress) => void = () => {},
  signal?: AbortSignal,
): Promise<CopyResult> {
  signal?.throwIfAborted();
  const source = path.resolve(local);
  let size: number;
  try {
    const stat = statSync(source);
    if (!stat.isFile()) throw new InputError(`${source} is not a file`);
    size = stat.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(`Cannot read ${source}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const name = path.basename(source);
  const dir = remoteWord(remoteDir.replace(/\/+$/, '') || '/');
  const temp = `.${name}.${randomBytes(6).toString('hex')}.part`;
  const vars = `d=${dir}; f=${shellQuote(name)}; t=${shellQuote(temp)}`;
  await link
    .run(
      `${vars}; [ -d "$d" ] || { echo "there is no folder $d" >&2; exit 3; }; ` +
        `[ ! -e "$d/$f" ] || { echo "$d/$f already exists" >&2; exit 4; }`,
    )
    .catch((err: unknown) => {
      throw new InputError(`Cannot copy to the device: ${err instanceof Error ? err.message : String(err)}`);
    });
  const meter = new Meter(size, onProgress);
  let stop = () => {};
  try {
    signal?.throwIfAborted();
    const cat = link.exec(`${vars}; umask 077; cat > "$d/$t"`);
    stop = () => cat.kill();
    signal?.addEventListener('abort', stop, { once: true });
    let stderr = '';
    cat.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    cat.stdout!.resume();
    const exited = new Promise<number | null>((resolve) => cat.once('close', resolve));
    await pipeline(createReadStream(source), meter, cat.stdin!, { signal });
    const code = await exited;
    signal?.throwIfAborted();
    if (code !== 0) throw new Error(`Writing the file on the device failed: ${stderr.trim() || `exit ${code}`}`);
    const ours = meter.hash.digest('hex');
    const facts = await remoteFacts(link, `${dir}/${shellQuote(temp)}`);
    if (facts.size !== meter.done || meter.done !== size) throw mismatch('size', meter.done, facts.size);
    if (facts.sha256 !== ours) throw mismatch('SHA-256', ours, facts.sha256);
    // The checksum beside it, as the device's vault writes it, so that a restore there can check the archive;
    // then rename(2) in one folder: the name appears with the whole file behind it.
    await link.run(
      `${vars}; [ ! -e "$d/$f" ] || { echo "$d/$f appeared during the copy" >&2; exit 4; }; ` +
        `printf '%s' ${shellQuote(checksumLine(ours, name))} > "$d/$t.sha256" && mv -f "$d/$t.sha256" "$d/$f.sha256" && ` +
        `mv "$d/$t" "$d/$f" || { [ -e "$d/$f" ] || rm -f "$d/$f.sha256"; exit 5; }`,
    );
    const remotePath = `${remoteDir.replace(/\/+$/, '')}/${name}`;
    return { path: remotePath, size: meter.done, sha256: ours };
  } catch (err) {
    await link
      .run(`${vars}; rm -f "$d/$t" "$d/$t.sha256"`)
      .catch((e: unknown) => log.warn('could not remove a partial copy on the device', e));
    throw err;
  } finally {
    signal?.removeEventListener('abort', stop);
  }
}
