// Under an account on the Accounts page: nothing when its last sign-in worked; otherwise what went
// wrong and the button that fixes it (the field in its settings), or a check now for one never signed in.
import type { AccountView, ProblemField } from '../../../main/ipc/contract';
import { ProblemText } from '../../components/ProblemText';
import { concernsAccount } from '../../problems';

export function AccountStatus(props: {
  account: AccountView;
  checking: boolean;
  onFix: (field: ProblemField) => void;
  onCheck: () => void;
}) {
  const { account } = props;
  const status = account.signIn;
  // A sign-in that worked since the flag was set is the fix; a failed one says more than the flag.
  if (account.credentialsNeedUpdate && (!status || status.state === 'unchecked')) {
    return (
      <ProblemText
        problem={{ kind: 'auth', message: 'The server refused the saved password.' }}
        account={account}
        onFix={props.onFix}
      />
    );
  }
  if (status?.state === 'failed' && status.problem && concernsAccount(status.problem)) {
    // The server may simply have been down: signing in again is one way out, fixing the field the other.
    return (
      <>
        <ProblemText problem={status.problem} account={account} onFix={props.onFix} />
        <button
          type="button"
          className="link status-note"
          onClick={props.onCheck}
          disabled={props.checking}
          aria-label={`Sign in again to ${account.name}`}
        >
          Sign in again
        </button>
      </>
    );
  }
  if (status?.state === 'unchecked') {
    return (
      <p className="hint status-note">
        Not signed in yet: saved without reaching the server.{' '}
        <button type="button" className="link" onClick={props.onCheck} disabled={props.checking}>
          {props.checking ? 'Signing in…' : 'Sign in now'}
        </button>
      </p>
    );
  }
  return null;
}
