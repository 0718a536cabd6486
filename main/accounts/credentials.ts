// Passwords live here, never in accounts.db: the account keeps only a CredentialsId, as on Sailfish.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { readJsonFile } from '../fsAtomic.js';
import path from 'node:path';
import { z } from 'zod';
import { withFileLock } from '../fileLock.js';
import { logger } from '../log.js';

const log = logger('accounts');

export interface Credentials {
  username: string;
  password: string;
}

export interface CredentialStore {
  /** Stores new credentials and returns their id. */
  create(credentials: Credentials): Promise<number>;
  update(id: number, credentials: Credentials): Promise<void>;
  read(id: number): Promise<Credentials | undefined>;
  remove(id: number): Promise<void>;
  readonly description: string;
}

/** A place that keeps secrets under ids it is given (the desktop keyring). */
export interface KeyedSecrets {
  write(id: number, credentials: Credentials): Promise<void>;
  read(id: number): Promise<Credentials | undefined>;
  remove(id: number): Promise<void>;
  readonly description: string;
}

const fileSchema = z.object({
  version: z.literal(1),
  nextId: z.number().int().positive(),
  entries: z.record(z.string().regex(/^\d+$/), z.object({ username: z.string(), password: z.string() })),
});
type CredentialFile = z.infer<typeof fileSchema>;

/**
 * A JSON file readable only by its owner (0600 in a 0700 folder), replaced atomically on every write.
 * Every read-modify-write holds a lock beside it, so processes writing at once never lose an entry or
 * hand out one id twice.
 */
export class FileCredentialStore implements CredentialStore {
  readonly description: string;
  private readonly lockFile: string;

  /** `usedIds` lists the ids accounts already point at: a reset or rolled-back file must not reuse them. */
  constructor(
    private readonly file: string,
    private readonly usedIds: () => number[] = () => [],
  ) {
    this.description = `file ${file} (owner-only)`;
    this.lockFile = path.join(path.dirname(file), '.credentials.lock');
  }

  private load(): CredentialFile {
    const damaged = () => new Error(`The credentials file ${this.file} is damaged; it was left untouched.`);
    return readJsonFile(this.file, fileSchema, damaged) ?? { version: 1, nextId: 1, entries: {} };
  }

  /** Why the file cannot be used, or undefined when it can (or does not exist yet). */
  problem(): string | undefined {
    try {
      this.load();
      return undefined;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }

  private save(data: CredentialFile): void {
    const dir = path.dirname(this.file);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const tmp = `${this.file}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 });
      renameSync(tmp, this.file);
    } catch (err) {
      rmSync(tmp, { force: true });
      throw err;
    }
  }

  /** Reads, changes and writes the file with the lock held. */
  private change<T>(edit: (data: CredentialFile) => T): T {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    return withFileLock(this.lockFile, () => {
      const data = this.load();
      const result = edit(data);
      this.save(data);
      return result;
    });
  }

  /** The next id: past every id the file or an account ever used. Call with the lock held. */
  private takeId(data: CredentialFile): number {
    const id = Math.max(data.nextId, ...this.usedIds().map((used) => used + 1));
    data.nextId = id + 1;
    return id;
  }

  /** Takes the next id without storing anything under it: ids stay unique across both stores. */
  allocateId(): number {
    return this.change((data) => this.takeId(data));
  }

  create(credentials: Credentials): Promise<number> {
    return Promise.resolve(
      this.change((data) => {
        const id = this.takeId(data);
        data.entries[String(id)] = { ...credentials };
        return id;
      }),
    );
  }

  update(id: number, credentials: Credentials): Promise<void> {
    this.change((data) => {
      data.entries[String(id)] = { ...credentials };
    });
    return Promise.resolve();
  }

  read(id: number): Promise<Credentials | undefined> {
    return Promise.resolve(this.load().entries[String(id)]);
  }

  remove(id: number): Promise<void> {
    if (!(String(id) in this.load().entries)) return Promise.resolve();
    this.change((data) => {
      delete data.entries[String(id)];
    });
    return Promise.resolve();
  }
}

/** The desktop keyring runs but did not take a password: nothing was stored anywhere. */
export class KeyringRefused extends Error {
  constructor(where: string, cause: unknown) {
    super(
      `${where} did not store the password (${cause instanceof Error ? cause.message : String(cause)}); nothing was saved. Unlock the keyring and try again.`,
      { cause },
    );
    this.name = 'KeyringRefused';
  }
}

/**
 * The desktop keyring when one runs, else the owner-only file. Ids come from the file's counter either
 * way, so a CredentialsId never means two different secrets.
 */
export class LayeredCredentialStore implements CredentialStore {
  private keyringValue: Promise<KeyedSecrets | undefined> | undefined;

  constructor(
    private readonly file: FileCredentialStore,
    private readonly openKeyring: () => Promise<KeyedSecrets | undefined>,
  ) {}

  private keyring(): Promise<KeyedSecrets | undefined> {
    this.keyringValue ??= this.openKeyring().catch((err: unknown) => {
      log.info('no desktop keyring: passwords go to the owner-only file', err);
      return undefined;
    });
    return this.keyringValue;
  }

  get description(): string {
    return this.file.description;
  }

  /** Why the owner-only file cannot be used, when it cannot. */
  fileProblem(): string | undefined {
    return this.file.problem();
  }

  async where(): Promise<string> {
    return (await this.keyring())?.description ?? this.file.description;
  }

  async create(credentials: Credentials): Promise<number> {
    const id = this.file.allocateId();
    await this.update(id, credentials);
    return id;
  }

  async update(id: number, credentials: Credentials): Promise<void> {
    const keyring = await this.keyring();
    if (keyring) {
      // A locked or broken keyring is said, never worked around: the password does not go to a plain file
      // behind the user's back (and the one already stored stays where it is).
      try {
        await keyring.write(id, credentials);
      } catch (err) {
        throw new KeyringRefused(keyring.description, err);
      }
      await this.file.remove(id);
      return;
    }
    await this.file.update(id, credentials);
  }

  async read(id: number): Promise<Credentials | undefined> {
    const keyring = await this.keyring();
    const fromKeyring = keyring ? await keyring.read(id) : undefined;
    return fromKeyring ?? (await this.file.read(id));
  }

  async remove(id: number): Promise<void> {
    await (
      await this.keyring()
    )
      ?.remove(id)
      .catch((err: unknown) => log.warn(`could not remove credentials ${id} from the keyring`, err));
    await this.file.remove(id);
  }
}
