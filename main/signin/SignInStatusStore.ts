// The outcome of the last sign-in to each account's server (a check when adding or editing it, or a
// backup, listing or restore run), so the Accounts page can mark accounts that need fixing. A small
// JSON file of its own: nothing here belongs in libaccounts' database, and it holds no secrets.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../fsAtomic.js';
import { signInStatusSchema, type SignInStatus } from '../ipc/contract.js';

const fileSchema = z.object({
  version: z.literal(1),
  accounts: z.record(z.string().regex(/^\d{1,10}$/), signInStatusSchema),
});
type StatusFile = z.infer<typeof fileSchema>;

/** Long messages are cut: a status is a line on a page, not a log. */
const MAX_TEXT = 600;

function trimmed(status: SignInStatus): SignInStatus {
  if (!status.problem) return status;
  const { message, detail } = status.problem;
  return {
    ...status,
    problem: {
      ...status.problem,
      message: message.slice(0, MAX_TEXT),
      ...(detail ? { detail: detail.slice(0, MAX_TEXT) } : {}),
    },
  };
}

export class SignInStatusStore {
  constructor(private readonly file: string) {}

  /** A missing or damaged file reads as "no sign-ins recorded"; it is only a status. */
  private read(): StatusFile {
    try {
      const parsed = fileSchema.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
      if (parsed.success) return parsed.data;
    } catch {
      // missing or not JSON
    }
    return { version: 1, accounts: {} };
  }

  get(accountId: number): SignInStatus | undefined {
    return this.read().accounts[String(accountId)];
  }

  record(accountId: number, status: SignInStatus): void {
    const data = this.read();
    data.accounts[String(accountId)] = trimmed(status);
    writeFileAtomic(this.file, JSON.stringify(data, null, 1) + '\n', 0o600);
  }

  forget(accountId: number): void {
    const data = this.read();
    if (!(String(accountId) in data.accounts)) return;
    delete data.accounts[String(accountId)];
    writeFileAtomic(this.file, JSON.stringify(data, null, 1) + '\n', 0o600);
  }
}
