// What this process is waiting for, by name. When a wait can never end (nothing is left that could
// settle it, so Node would exit 13 in silence), the CLI says what it was waiting for instead.
const pending = new Map<number, string>();
let next = 0;

/** Awaits `work`, known meanwhile as `what` ("the backup service's answer to restoreFromCloud"). */
export async function waitingFor<T>(what: string, work: Promise<T>): Promise<T> {
  const id = ++next;
  pending.set(id, what);
  try {
    return await work;
  } finally {
    pending.delete(id);
  }
}

/** What is awaited right now, the most recent first. */
export function pendingWaits(): string[] {
  return [...pending.values()].reverse();
}
