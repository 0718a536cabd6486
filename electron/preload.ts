// Exposes the Settings API to the page as verbs (api.backup.start(id), api.on('vault.state', cb)),
// never ipcRenderer itself. Bundled to one CommonJS file: sandboxed preloads cannot load modules.
import { contextBridge, ipcRenderer } from 'electron';
import { buildApi, callErrorSchema, type EventName } from '../main/ipc/contract.js';

const CALL_PREFIX = 'sfb:call:';
const EVENT_CHANNEL = 'sfb:event';

class ApiError extends Error {
  readonly code: string | number | undefined;
  constructor(message: string, code?: string | number) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
  }
}

const api = buildApi(
  async (name, args) => {
    const outcome = (await ipcRenderer.invoke(CALL_PREFIX + name, ...args)) as {
      ok: boolean;
      result?: unknown;
      error?: unknown;
    };
    if (outcome.ok) return outcome.result;
    const error = callErrorSchema.safeParse(outcome.error);
    throw error.success
      ? new ApiError(error.data.message, error.data.code)
      : new ApiError('The app refused the request');
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
