// Sync profiles on disk, laid out as msyncd keeps them: user profiles in <dir>/<name>.xml,
// results logs in <dir>/logs/<name>.log.xml, templates read-only from the shipped folder.
import { existsSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import { writeFileAtomic } from '../fsAtomic.js';
import { BACKUP_OPERATIONS, type BackupOperation } from '../accounts/BackupAccounts.js';
import {
  ProfileFormatError,
  SyncProfile,
  KEY_ACCOUNT_ID,
  KEY_DISPLAY_NAME,
  KEY_ENABLED,
  KEY_USE_ACCOUNTS,
} from './SyncProfile.js';
import { parseSyncLog, serializeSyncLog, type SyncResults } from './syncLog.js';

export interface ProfileProblem {
  /** A profile that is not used, or a results log that was moved aside and begun again. */
  kind: 'profile' | 'results-log';
  file: string;
  message: string;
}

/** `signalProfileChanged` change kinds. */
export const ProfileChange = { Added: 0, Modified: 1, Removed: 2, Logs: 3 } as const;
export type ProfileChange = (typeof ProfileChange)[keyof typeof ProfileChange];

const profileName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

export function assertProfileName(name: string): string {
  if (!profileName.test(name) || name.includes('..')) {
    throw new InputError(`"${name.slice(0, 80)}" is not a valid sync profile name`);
  }
  return name;
}

/** QString::toHtmlEscaped, which the Backup page applies to the account name (accountsyncmanager.cpp). */
export function htmlEscaped(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** `<provider>.<Op>-<accountId>`, the per-account profile name Sailfish's Backup page creates. */
export function accountProfileName(provider: string, op: BackupOperation, accountId: number): string {
  return `${provider}.${op}-${accountId}`;
}

export class ProfileManager {
  /** Files that could not be read, reported instead of overwritten. */
  readonly problems: ProfileProblem[] = [];

  constructor(
    readonly profileDir: string,
    readonly templateDir: string,
  ) {}

  /** Where a user profile is stored. */
  file(name: string): string {
    return path.join(this.profileDir, `${assertProfileName(name)}.xml`);
  }

  logFile(name: string): string {
    return path.join(this.profileDir, 'logs', `${assertProfileName(name)}.log.xml`);
  }

  private readProfile(file: string): SyncProfile | undefined {
    let xml: string;
    try {
      xml = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      return SyncProfile.parse(xml);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (!this.problems.some((p) => p.file === file)) this.problems.push({ kind: 'profile', file, message });
      throw new ProfileFormatError(`${file}: ${message}`);
    }
  }

  /** A user profile; undefined when there is none. A corrupt file throws ProfileFormatError. */
  load(name: string): SyncProfile | undefined {
    return this.readProfile(this.file(name));
  }

  template(name: string): SyncProfile | undefined {
    return this.readProfile(path.join(this.templateDir, `${assertProfileName(name)}.xml`));
  }

  /** Every readable user profile; unreadable ones are listed in `problems` and skipped. */
  list(): SyncProfile[] {
    let names: string[];
    try {
      names = readdirSync(this.profileDir)
        .filter((n) => n.endsWith('.xml'))
        .sort();
    } catch {
      // no profile folder yet: no profiles
      return [];
    }
    // What a listing finds is the truth about profiles: one fixed or removed since is no longer a problem.
    const profileFiles = new Set(names.map((n) => path.join(this.profileDir, n)));
    const stale = this.problems.filter((p) => p.kind === 'profile' && !profileFiles.has(p.file));
    this.problems.splice(0, this.problems.length, ...this.problems.filter((p) => !stale.includes(p)));
    const out: SyncProfile[] = [];
    for (const n of names) {
      const name = n.slice(0, -4);
      if (!profileName.test(name)) continue;
      try {
        const profile = this.load(name);
        if (profile) out.push(profile);
        const file = this.file(name);
        const fixed = this.problems.findIndex((p) => p.file === file);
        if (fixed >= 0) this.problems.splice(fixed, 1);
      } catch {
        // recorded in problems
      }
    }
    return out;
  }

  save(profile: SyncProfile): ProfileChange {
    const file = this.file(profile.name);
    const existed = existsSync(file);
    writeFileAtomic(file, profile.toXml());
    this.problems.splice(0, this.problems.length, ...this.problems.filter((p) => p.file !== file));
    return existed ? ProfileChange.Modified : ProfileChange.Added;
  }

  remove(name: string): boolean {
    const file = this.file(name);
    const existed = existsSync(file);
    rmSync(file, { force: true });
    rmSync(this.logFile(name), { force: true });
    return existed;
  }

  /** The account's three profiles (as buildForAccount), saved here: for callers with no sync daemon to go through. */
  createForAccount(account: { id: number; provider: string; name: string }): Record<BackupOperation, SyncProfile> {
    const { profiles, changed } = this.buildForAccount(account);
    for (const profile of changed) this.save(profile);
    return profiles;
  }

  /**
   * The three profiles of a backup account, cloned from the provider's templates with the account's
   * keys (DESIGN §2). Existing profiles keep their schedule and other edits; only identity keys are
   * refreshed. Nothing is written: the caller saves the changed ones, or hands them to the daemon.
   */
  buildForAccount(account: { id: number; provider: string; name: string }): {
    profiles: Record<BackupOperation, SyncProfile>;
    changed: SyncProfile[];
  } {
    const out = {} as Record<BackupOperation, SyncProfile>;
    const changed: SyncProfile[] = [];
    for (const op of BACKUP_OPERATIONS) {
      const templateName = `${account.provider}.${op}`;
      const name = accountProfileName(account.provider, op, account.id);
      let profile = this.load(name);
      const before = profile?.toXml();
      if (!profile) {
        const template = this.template(templateName);
        if (!template)
          throw new InputError(`No sync profile template ${templateName} for provider ${account.provider}`);
        profile = template.clone();
        profile.name = name;
      }
      profile.setKey(KEY_DISPLAY_NAME, `${templateName}-${htmlEscaped(account.name)}`);
      profile.setKey(KEY_ACCOUNT_ID, String(account.id));
      profile.setKey(KEY_USE_ACCOUNTS, 'true');
      profile.setKey(KEY_ENABLED, 'true');
      // Written only when something changed: another process (the vault setting a restore's file) may
      // have saved this profile since it was read here, and an unchanged copy must not undo that.
      if (profile.toXml() !== before) changed.push(profile);
      out[op] = profile;
    }
    return { profiles: out, changed };
  }

  forAccount(accountId: number): SyncProfile[] {
    return this.list().filter((p) => p.accountId === accountId);
  }

  results(name: string): SyncResults[] {
    let xml: string;
    try {
      xml = readFileSync(this.logFile(name), 'utf8');
    } catch {
      // no results log yet: no results
      return [];
    }
    try {
      return parseSyncLog(xml).results;
    } catch (err) {
      // Keep the damaged log for inspection instead of overwriting it with the next entry.
      const file = this.logFile(name);
      const aside = `${file}.corrupt-${Date.now()}`;
      renameSync(file, aside);
      const message = `${err instanceof Error ? err.message : String(err)} (moved to ${aside})`;
      this.problems.push({ kind: 'results-log', file, message });
      return [];
    }
  }

  appendResults(name: string, results: SyncResults): void {
    writeFileAtomic(this.logFile(name), serializeSyncLog(name, [...this.results(name), results]));
  }
}
