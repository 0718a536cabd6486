// Exposes the Settings API to the page as verbs (api.backup.start(id), api.on('vault.state', cb)),
// never ipcRenderer itself. Bundled to one CommonJS file: sandboxed preloads cannot load modules.
import { contextBridge, ipcRenderer } from 'electron';
import { buildApi, CALL_CHANNEL_PREFIX, callErrorSchema, EVENT_CHANNEL, type EventName } from '../main/ipc/contract.js';

const api = buildApi(
  async (name, args) => {
    const outcome = (await ipcRenderer.invoke(CALL_CHANNEL_PREFIX + name, ...args)) as {
      ok: boolean;
      result?: unknown;
      error?: unknown;
    };
    if (outcome.ok) return outcome.result;
    // A plain object, not an Error: the context bridge copies an object's keys (the problem to route on)
    // but keeps only the message of an Error.
    const error = callErrorSchema.safeParse(outcome.error);
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- see above: an Error would lose the problem
    throw error.success
      ? { name: 'ApiError', ...error.data }
      : { name: 'ApiError', message: 'The app refused the request' };
  },
  (name: EventName, handler) => {
    const listener = (_event: unknown, message: { name: EventName; payload: unknown }) => {
      if (message.name === name) handler(message.payload);
    };
    ipcRenderer.on(EVENT_CHANNEL, listener);
    return () => ipcRenderer.off(EVENT_CHANNEL, listener);
  },
);

contextBridge.exposeInMainWorld('sailfishBackup', api);
