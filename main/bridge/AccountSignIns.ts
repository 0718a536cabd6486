// Sign-in checks the UI runs while adding or editing an account: each under an id the UI picked so it
// can cancel it, each outcome recorded per account for the Accounts page.
import type { SignInStatus } from '../ipc/contract.js';
import type { SignInStatusStore } from '../signin/SignInStatusStore.js';
import { signIn, type SignInOutcome, type SignInSettings } from '../signin/signIn.js';

export class AccountSignIns {
  private readonly running = new Map<string, AbortController>();

  constructor(readonly status: SignInStatusStore) {}

  async check(settings: SignInSettings, checkId: string | undefined): Promise<SignInOutcome> {
    const controller = new AbortController();
    if (checkId) {
      this.running.get(checkId)?.abort();
      this.running.set(checkId, controller);
    }
    try {
      return await signIn(settings, { signal: controller.signal });
    } finally {
      if (checkId && this.running.get(checkId) === controller) this.running.delete(checkId);
    }
  }

  cancel(checkId: string): void {
    this.running.get(checkId)?.abort();
  }

  /** Records what a sign-in found; a cancelled one changes nothing. */
  record(accountId: number, outcome: SignInOutcome | { state: 'unchecked' }): SignInStatus | undefined {
    if (outcome.state === 'cancelled') return this.status.get(accountId);
    const status: SignInStatus = {
      state: outcome.state,
      at: new Date().toISOString(),
      source: 'sign-in',
      ...(outcome.state === 'failed' ? { problem: { ...outcome.problem, accountId } } : {}),
    };
    try {
      this.status.record(accountId, status);
    } catch {
      // A status that cannot be written is not worth failing the save for.
    }
    return status;
  }

  close(): void {
    for (const controller of this.running.values()) controller.abort();
    this.running.clear();
  }
}
