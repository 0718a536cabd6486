// The accounts database, shared with libaccounts-glib and ag-tool: same schema, same value text.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { InputError } from '../errors.js';
import { decodeValue, encodeValue, isSettingType, type SettingType, type SettingValue } from './gvariant.js';
import { ACCOUNTS_SCHEMA, GLOBAL_SERVICE_ID } from './schema.js';
import type { ServiceDescription } from './descriptions.js';

export interface AccountRow {
  id: number;
  name: string;
  provider: string;
  enabled: boolean;
}

export interface StoredSetting {
  type: SettingType;
  value: SettingValue;
}

/** A stored setting that cannot be used: of a type this app does not read, or a value that does not parse. */
export interface SettingProblem {
  account: number;
  service: number;
  key: string;
  message: string;
}

/** What one transaction changed, in the shape libaccounts' AccountChanged signal carries. */
export interface AccountChange {
  accountId: number;
  provider: string;
  created: boolean;
  deleted: boolean;
  /** Service name ("global" for account-wide) → changed keys (undefined = removed). */
  services: Map<string, { type: string; id: number; settings: Map<string, StoredSetting | undefined> }>;
}

export type AccountChangeListener = (change: AccountChange) => void;

type SettingsRow = { key: string; type: string; value: string | Buffer | null };

export class AccountStore {
  private readonly db: Database.Database;
  private readonly listeners = new Set<AccountChangeListener>();

  constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    try {
      this.db.pragma('busy_timeout = 5000');
      this.db.pragma('synchronous = 1');
      this.db.pragma('journal_mode = WAL');
      if (Number(this.db.pragma('user_version', { simple: true })) < 1) this.db.exec(ACCOUNTS_SCHEMA);
      this.db.prepare('SELECT COUNT(*) FROM Accounts').get();
    } catch (err) {
      this.db.close();
      throw new InputError(
        `Cannot use the accounts database ${file}: ${(err as Error).message}. It was left as it is; restore it from a backup or move it away.`,
      );
    }
  }

  close(): void {
    this.db.close();
  }

  onChange(listener: AccountChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Registers a service row as libaccounts does before storing its settings; returns its id. */
  ensureService(service: ServiceDescription): number {
    this.db
      .prepare('INSERT OR IGNORE INTO Services (name, display, provider, type) VALUES (?, ?, ?, ?)')
      .run(service.id, service.name, service.provider, service.type);
    return this.serviceId(service.id) ?? 0;
  }

  serviceId(name: string): number | undefined {
    const row = this.db.prepare('SELECT id FROM Services WHERE name = ?').get(name) as { id: number } | undefined;
    return row?.id;
  }

  listAccounts(): AccountRow[] {
    const rows = this.db.prepare('SELECT id, name, provider, enabled FROM Accounts ORDER BY id').all() as Array<{
      id: number;
      name: string | null;
      provider: string | null;
      enabled: number | null;
    }>;
    return rows.map((r) => ({ id: r.id, name: r.name ?? '', provider: r.provider ?? '', enabled: r.enabled === 1 }));
  }

  account(id: number): AccountRow | undefined {
    const r = this.db.prepare('SELECT id, name, provider, enabled FROM Accounts WHERE id = ?').get(id) as
      { id: number; name: string | null; provider: string | null; enabled: number | null } | undefined;
    return r && { id: r.id, name: r.name ?? '', provider: r.provider ?? '', enabled: r.enabled === 1 };
  }

  /**
   * Settings of one service (or account-wide with serviceId 0). Values that do not parse are skipped,
   * and said in `problems` when the caller passes a list: read again, they are said again, never piled up.
   */
  settings(accountId: number, serviceId: number, problems?: SettingProblem[]): Map<string, StoredSetting> {
    const rows = this.db
      .prepare('SELECT key, type, value FROM Settings WHERE account = ? AND service = ?')
      .all(accountId, serviceId) as SettingsRow[];
    const out = new Map<string, StoredSetting>();
    for (const row of rows) {
      const text = row.value === null ? '' : row.value.toString();
      try {
        if (!isSettingType(row.type)) throw new InputError(`unsupported type '${row.type}'`);
        out.set(row.key, { type: row.type, value: decodeValue(row.type, text) });
      } catch (err) {
        problems?.push({ account: accountId, service: serviceId, key: row.key, message: (err as Error).message });
      }
    }
    return out;
  }

  /** Every CredentialsId an account points at, on any service (new ids must not reuse one). */
  credentialIds(): number[] {
    const rows = this.db.prepare("SELECT type, value FROM Settings WHERE key = 'CredentialsId'").all() as Array<
      Omit<SettingsRow, 'key'>
    >;
    const ids: number[] = [];
    for (const row of rows) {
      try {
        if (!isSettingType(row.type)) continue;
        const value = decodeValue(row.type, row.value === null ? '' : row.value.toString());
        if (typeof value === 'number' && Number.isInteger(value) && value > 0) ids.push(value);
      } catch {
        // A value that does not parse points at nothing.
      }
    }
    return ids;
  }

  /** Runs one transaction of edits and tells listeners what changed, like ag_account_store(). */
  transaction<T>(edit: (tx: AccountTransaction) => T): T {
    const tx = new AccountTransaction(this.db);
    // IMMEDIATE: take the write lock first, so writers in other processes queue (busy_timeout) instead of
    // failing when a read inside the transaction is followed by a write.
    const result = this.db.transaction(() => edit(tx)).immediate();
    for (const change of tx.changes()) for (const listener of this.listeners) listener(change);
    return result;
  }
}

export class AccountTransaction {
  private readonly pending = new Map<number, AccountChange>();

  constructor(private readonly db: Database.Database) {}

  createAccount(provider: string, name: string, enabled: boolean): number {
    const info = this.db
      .prepare('INSERT INTO Accounts (name, provider, enabled) VALUES (?, ?, ?)')
      .run(name, provider, enabled ? 1 : 0);
    const id = Number(info.lastInsertRowid);
    this.change(id, provider).created = true;
    this.set(id, { name: 'global', id: GLOBAL_SERVICE_ID, type: 'global' }, 'name', 's', name);
    this.set(id, { name: 'global', id: GLOBAL_SERVICE_ID, type: 'global' }, 'enabled', 'b', enabled);
    return id;
  }

  updateAccount(id: number, fields: { name?: string; enabled?: boolean }): void {
    const provider = this.providerOf(id);
    const global = { name: 'global', id: GLOBAL_SERVICE_ID, type: 'global' };
    if (fields.name !== undefined) {
      this.db.prepare('UPDATE Accounts SET name = ? WHERE id = ?').run(fields.name, id);
      this.set(id, global, 'name', 's', fields.name);
    }
    if (fields.enabled !== undefined) {
      this.db.prepare('UPDATE Accounts SET enabled = ? WHERE id = ?').run(fields.enabled ? 1 : 0, id);
      this.set(id, global, 'enabled', 'b', fields.enabled);
    }
    this.change(id, provider);
  }

  deleteAccount(id: number): void {
    const provider = this.providerOf(id);
    this.db.prepare('DELETE FROM Signatures WHERE account = ?').run(id);
    this.db.prepare('DELETE FROM Accounts WHERE id = ?').run(id);
    this.change(id, provider).deleted = true;
  }

  set(
    accountId: number,
    service: { name: string; id: number; type: string },
    key: string,
    type: SettingType,
    value: SettingValue,
  ): void {
    const text = encodeValue(type, value);
    this.db
      .prepare('INSERT OR REPLACE INTO Settings (account, service, key, type, value) VALUES (?, ?, ?, ?, ?)')
      .run(accountId, service.id, key, type, text);
    this.serviceChange(accountId, service).settings.set(key, { type, value });
  }

  remove(accountId: number, service: { name: string; id: number; type: string }, key: string): void {
    this.db
      .prepare('DELETE FROM Settings WHERE account = ? AND service = ? AND key = ?')
      .run(accountId, service.id, key);
    this.serviceChange(accountId, service).settings.set(key, undefined);
  }

  changes(): AccountChange[] {
    return [...this.pending.values()];
  }

  private providerOf(id: number): string {
    const row = this.db.prepare('SELECT provider FROM Accounts WHERE id = ?').get(id) as
      { provider: string } | undefined;
    if (!row) throw new InputError(`No account with id ${id}`);
    return row.provider;
  }

  private change(accountId: number, provider?: string): AccountChange {
    let change = this.pending.get(accountId);
    if (!change) {
      change = {
        accountId,
        provider: provider ?? this.providerOf(accountId),
        created: false,
        deleted: false,
        services: new Map(),
      };
      this.pending.set(accountId, change);
    }
    return change;
  }

  private serviceChange(accountId: number, service: { name: string; id: number; type: string }) {
    const change = this.change(accountId);
    let entry = change.services.get(service.name);
    if (!entry) {
      entry = { type: service.type, id: service.id, settings: new Map() };
      change.services.set(service.name, entry);
    }
    return entry;
  }
}
