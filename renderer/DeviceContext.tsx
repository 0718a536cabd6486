// Which device the pages act on (this computer, or a Sailfish device over SSH) and how its connection is:
// read once, then followed from the `device.state` events.
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { DeviceState } from '../main/ipc/contract';
import { useApi, useEvent } from './ApiContext';

const LOCAL: DeviceState = { device: null, state: 'local' };
const DeviceContext = createContext<DeviceState>(LOCAL);

export function DeviceProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const [state, setState] = useState<DeviceState>(LOCAL);
  useEffect(() => {
    let live = true;
    api.devices.list().then(
      (r) => live && setState(r.current),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [api]);
  useEvent('device.state', setState);
  return <DeviceContext.Provider value={state}>{children}</DeviceContext.Provider>;
}

export function useDeviceState(): DeviceState {
  return useContext(DeviceContext);
}

/** What the connection state reads as, in a few words. */
export function connectionWords(state: DeviceState): string {
  switch (state.state) {
    case 'local':
      return 'This computer';
    case 'connecting':
      return 'Connecting…';
    case 'connected':
      return 'Connected';
    case 'lost':
      return 'Connection lost, reconnecting…';
    default:
      return 'Not connected';
  }
}
