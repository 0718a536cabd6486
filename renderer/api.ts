// The SettingsApi in the browser: calls as JSON POSTs, events from one EventSource. In Electron the
// preload provides the same API over IPC, built by the same `buildApi`.
import { buildApi, callErrorSchema, type CallError, type EventName, type SettingsApi } from '../main/ipc/contract';

export class ApiError extends Error {
  readonly code: CallError['code'];
  /** For failures at a server: what to route on (kind, field), see contract.ts. */
  readonly problem: CallError['problem'];
  constructor(error: CallError) {
    super(error.message);
    this.name = 'ApiError';
    this.code = error.code;
    this.problem = error.problem;
  }
}

/** The failure of a call, whichever transport carried it (an ApiError here, a plain object from Electron's preload). */
export function callErrorOf(err: unknown): CallError {
  const parsed = callErrorSchema.safeParse(
    err instanceof ApiError ? { message: err.message, code: err.code, problem: err.problem } : err,
  );
  if (parsed.success) return parsed.data;
  return { message: err instanceof Error ? err.message : String(err) };
}

declare global {
  interface Window {
    /** Set by the Electron preload. */
    sailfishBackup?: SettingsApi;
  }
}

export function browserApi(): SettingsApi {
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let source: EventSource | undefined;
  const connect = () => {
    source ??= new EventSource('/api/events');
    source.onmessage = (message: MessageEvent<string>) => {
      const { name, payload } = JSON.parse(message.data) as { name: EventName; payload: unknown };
      for (const listener of listeners.get(name) ?? []) listener(payload);
    };
  };
  return buildApi(
    async (name, args) => {
      const res = await fetch('/api/call', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ name, args }),
      });
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        throw new ApiError({ message: `The app answered HTTP ${res.status}` });
      }
      const outcome = body as { ok?: boolean; result?: unknown; error?: unknown };
      if (outcome.ok) return outcome.result;
      const error = callErrorSchema.safeParse(outcome.error);
      throw new ApiError(error.success ? error.data : { message: `The app answered HTTP ${res.status}` });
    },
    (name, handler) => {
      connect();
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(handler);
      return () => set.delete(handler);
    },
  );
}

export function currentApi(): SettingsApi {
  return window.sailfishBackup ?? browserApi();
}
