import { createContext, useContext, useEffect, useRef } from 'react';
import type { EventName, EventPayload, SettingsApi } from '../main/ipc/contract';

export const ApiContext = createContext<SettingsApi | null>(null);

export function useApi(): SettingsApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside <ApiContext.Provider>');
  return api;
}

/** Subscribes to a live event for the component's lifetime; the latest handler is always used. */
export function useEvent<E extends EventName>(name: E, handler: (payload: EventPayload<E>) => void): void {
  const api = useApi();
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => api.on(name, (payload) => latest.current(payload)), [api, name]);
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err !== null && typeof (err as { message?: unknown }).message === 'string')
    return (err as { message: string }).message;
  return String(err);
}
