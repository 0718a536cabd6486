// When the event loop runs out of work while the command still awaits something, nothing is left that
// could ever settle that wait, and Node would exit with code 13 saying nothing. Say what the command
// was waiting for, and fail: a command must never end without telling what became of its work.
import { pendingWaits } from '../waits.js';

/** The sentence a stuck command ends with, naming the innermost wait first. */
export function stuckMessage(waits: string[] = pendingWaits()): string {
  const [innermost, ...outer] = waits;
  const what = innermost
    ? `${innermost}${outer.length ? ` (while waiting for ${outer.join(', then ')})` : ''}`
    : 'an answer';
  return `stopped waiting for ${what}: nothing is left that could answer (did the sfbackup process running the sync daemon stop?); the outcome is unknown`;
}

/** Until the returned function is called, a command stuck as above reports `stuckMessage()` and exits with `exitCode`. */
export function guardStuckWaits(report: (message: string) => void, exitCode = 1): () => void {
  const onBeforeExit = () => {
    report(stuckMessage());
    process.exit(exitCode);
  };
  process.once('beforeExit', onBeforeExit);
  return () => process.off('beforeExit', onBeforeExit);
}
