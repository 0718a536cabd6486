// One entry for every call from the UI, whatever carried it: look up the channel, validate the
// arguments against the contract, run it, and turn failures into errors the UI can show.
import { BackupError, InputError, errorMessage } from '../errors.js';
import { ProblemError, problemOf } from '../signin/problems.js';
import {
  calls,
  isCallName,
  type CallArgs,
  type CallError,
  type CallName,
  type CallResult,
  type EventName,
} from '../ipc/contract.js';

/** What the UI transports talk to: this computer's SettingsBridge, or the router that switches devices. */
export interface UiBridge {
  handle<C extends CallName>(name: C, args: CallArgs<C>): Promise<CallResult<C>>;
  onEvent(listener: (name: EventName, payload: unknown) => void): () => void;
}

export type CallOutcome = { ok: true; result: unknown } | { ok: false; error: CallError };

/** Arguments that do not fit the contract are refused before anything runs. */
export function validateCall(name: unknown, args: unknown): { name: keyof typeof calls; args: unknown[] } | CallError {
  if (typeof name !== 'string' || !isCallName(name))
    return { message: `Unknown call ${JSON.stringify(name)?.slice(0, 80)}`, code: 'unknown-call' };
  const parsed = calls[name].args.safeParse(args);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      message: `Invalid arguments for ${name}: ${issue ? `${issue.path.join('.') || 'arguments'}: ${issue.message}` : 'rejected'}`,
      code: 'invalid-arguments',
    };
  }
  return { name, args: parsed.data };
}

export function errorForUi(err: unknown): CallError {
  if (err instanceof ProblemError)
    return { message: err.message, ...(err.code !== undefined ? { code: err.code } : {}), problem: err.problem };
  if (err instanceof BackupError) return { message: err.message, code: err.minorCode, problem: problemOf(err) };
  if (err instanceof InputError) return { message: err.message, code: 'invalid-input' };
  const text = errorMessage(err);
  // D-Bus errors from the services arrive as "Name: text"; keep the sentence.
  return { message: text };
}

export async function dispatchCall(bridge: UiBridge, name: unknown, args: unknown): Promise<CallOutcome> {
  const call = validateCall(name, args);
  if ('message' in call) return { ok: false, error: call };
  try {
    const result = await bridge.handle(call.name, call.args as never);
    return { ok: true, result };
  } catch (err) {
    return { ok: false, error: errorForUi(err) };
  }
}
