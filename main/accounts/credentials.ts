// Passwords live here, never in accounts.db: the account keeps only a CredentialsId, as on Sailfish.
import { mkdirSync, readFileSync, renameSync, writeFileSync, chmodSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

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

const fileSchema = z.object({
  version: z.literal(1),
  nextId: z.number().int().positive(),
  entries: z.record(z.string().regex(/^\d+$/), z.object({ username: z.string(), password: z.string() })),
});
type CredentialFile = z.infer<typeof fileSchema>;

/** A JSON file readable only by its owner (0600 in a 0700 folder), replaced atomically on every write. */
export class FileCredentialStore implements CredentialStore {
  readonly description: string;

  constructor(private readonly file: string) {
    this.description = `file ${file} (owner-only)`;
  }

  private load(): CredentialFile {
    let raw: string;
    try {
      raw = readFileSync(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, nextId: 1, entries: {} };
      throw err;
    }
    const parsed = fileSchema.safeParse(JSON.parse(raw));
    if (!parsed.success) throw new Error(`The credentials file ${this.file} is damaged; it was left untouched.`);
    return parsed.data;
  }

  private save(data: CredentialFile): void {
    const dir = path.dirname(this.file);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    chmodSync(dir, 0o700);
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(data), { mode: 0o600 });
    renameSync(tmp, this.file);
  }

  create(credentials: Credentials): Promise<number> {
    const data = this.load();
    const id = data.nextId;
    data.entries[String(id)] = { ...credentials };
    data.nextId = id + 1;
    this.save(data);
    return Promise.resolve(id);
  }

  update(id: number, credentials: Credentials): Promise<void> {
    const data = this.load();
    data.entries[String(id)] = { ...credentials };
    this.save(data);
    return Promise.resolve();
  }

  read(id: number): Promise<Credentials | undefined> {
    return Promise.resolve(this.load().entries[String(id)]);
  }

  remove(id: number): Promise<void> {
    const data = this.load();
    if (!(String(id) in data.entries)) return Promise.resolve();
    delete data.entries[String(id)];
    this.save(data);
    return Promise.resolve();
  }
}
