// `account add` and `account set` sign in to the server before saving: the cause in one line and
// exit 2 when the server says no; Ctrl-C stops the check and saves nothing.
import { isOfflineKind } from '../signin/problems.js';
import { signIn, type SignInSettings } from '../signin/signIn.js';
import { OperationFailed } from './operationCommands.js';

export async function signInBeforeSaving(settings: SignInSettings): Promise<void> {
  const controller = new AbortController();
  const cancel = () => controller.abort();
  process.once('SIGINT', cancel);
  process.once('SIGTERM', cancel);
  try {
    const outcome = await signIn(settings, { signal: controller.signal });
    if (outcome.state === 'cancelled') throw new OperationFailed('Cancelled; nothing was saved.', 130, 'cancelled');
    if (outcome.state === 'failed') {
      const { problem } = outcome;
      const hint = isOfflineKind(problem.kind)
        ? ' Nothing was saved; check the address, or save without signing in with --offline.'
        : problem.kind === 'auth'
          ? ' Nothing was saved; check the user name and password.'
          : ' Nothing was saved.';
      throw new OperationFailed(`${problem.message.replace(/\s+/g, ' ')}${hint}`, 2, problem.kind);
    }
  } finally {
    process.off('SIGINT', cancel);
    process.off('SIGTERM', cancel);
  }
}
