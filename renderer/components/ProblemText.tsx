// A failure as the user reads it: the cause in words, the fix (a link to the place to make it, when
// there is one), and the engine's own words and technical detail behind "Details".
import type { Problem, ProblemField } from '../../main/ipc/contract';
import { explain, fixInForm, type AccountFacts } from '../problems';

export function ProblemText(props: {
  problem: Problem;
  account?: AccountFacts | undefined;
  /** Words before the cause, e.g. the account's name in a list of several. */
  prefix?: string;
  /** Opens the place to fix it (the account's settings); without it the fix is plain text. */
  onFix?: ((field: ProblemField) => void) | undefined;
  /** Inside the account form: the fix is said in the form's own terms. */
  inForm?: boolean;
  id?: string;
}) {
  const explained = explain(props.problem, props.account);
  const fix = props.inForm ? fixInForm(explained) : explained.fix;
  const technical = [props.problem.message, props.problem.detail].filter(Boolean).join(' — ');
  return (
    <div className="problem" role="alert" id={props.id}>
      <p className="error">
        {props.prefix}
        {explained.cause}
        {fix && !(props.onFix && explained.field) ? ` ${fix}` : ''}
      </p>
      {fix && props.onFix && explained.field && (
        <button type="button" className="link fix" onClick={() => props.onFix?.(explained.field!)}>
          {fix}
        </button>
      )}
      {technical && technical !== explained.cause && (
        <details className="details-disclosure">
          <summary>Details</summary>
          <p className="technical">{technical}</p>
        </details>
      )}
    </div>
  );
}
