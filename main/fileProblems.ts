// Damaged files the app keeps, found while reading them and skipped where the rest can go on: said by
// `sfbackup status` and on the Backup page, each with its file, so nothing is ignored without a word.
import { InputError } from './errors.js';
import type { Stores } from './stores.js';
import type { FileProblemKind } from './vocabulary.js';

export interface FileProblem {
  kind: FileProblemKind;
  file: string;
  /** A sentence naming what is damaged and what happens because of it. */
  message: string;
  accountId?: number;
  /** The setting concerned, for account settings. */
  key?: string;
}

function accountProblems(stores: Stores): FileProblem[] {
  return stores.accounts.list().flatMap((a) =>
    a.problems.map((p): FileProblem => ({
      kind: 'account-setting',
      file: stores.paths.accountsDb,
      accountId: a.id,
      key: p.key,
      message: `Account ${a.id} (${a.name}): the stored ${p.key} is damaged and not used (${p.message}). Set it again in the account's settings.`,
    })),
  );
}

function unitsProblem(stores: Stores): FileProblem[] {
  try {
    stores.units.list();
    return [];
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return [{ kind: 'units', file: stores.paths.unitsFile, message: err.message }];
  }
}

/** Every damaged file found now; reading them again finds a file that was fixed meanwhile fixed. */
export function fileProblems(stores: Stores): FileProblem[] {
  const problems = [...accountProblems(stores), ...unitsProblem(stores)];
  for (const profile of stores.profiles.list()) stores.profiles.results(profile.name);
  for (const p of stores.profiles.problems) {
    problems.push({
      kind: p.kind,
      file: p.file,
      message:
        p.kind === 'results-log'
          ? `The results log ${p.file} was damaged: ${p.message}`
          : `The sync profile ${p.file} is damaged and not used: ${p.message}`,
    });
  }
  const credentials = stores.credentials.fileProblem();
  if (credentials) problems.push({ kind: 'credentials', file: stores.paths.credentialsFile, message: credentials });
  for (const p of stores.catalog.problems)
    problems.push({
      kind: 'provider',
      file: p.file,
      message: `The provider or service description ${p.file} is damaged and not used: ${p.message}`,
    });
  return problems;
}
