// The one place that registers IPC handlers: a handler per contract channel, each checking its sender
// and validating its arguments before the bridge runs anything.
import type { IpcMainInvokeEvent } from 'electron';
import { CALL_CHANNEL_PREFIX, calls, type CallName } from '../main/ipc/contract.js';
import { dispatchCall, type CallOutcome, type UiBridge } from '../main/bridge/dispatch.js';

export { CALL_CHANNEL_PREFIX as CALL_PREFIX, EVENT_CHANNEL } from '../main/ipc/contract.js';

/** What registration needs of ipcMain: lets a test hand in its own. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export function registerIpcHandlers(
  ipc: IpcMainLike,
  bridge: UiBridge,
  isTrusted: (event: IpcMainInvokeEvent) => boolean,
): () => void {
  const names = Object.keys(calls) as CallName[];
  for (const name of names) {
    ipc.handle(CALL_CHANNEL_PREFIX + name, async (event, ...args): Promise<CallOutcome> => {
      if (!isTrusted(event))
        return { ok: false, error: { message: 'Refused: this page may not use the Settings API', code: 'forbidden' } };
      return dispatchCall(bridge, name, args);
    });
  }
  return () => names.forEach((name) => ipc.removeHandler(CALL_CHANNEL_PREFIX + name));
}
