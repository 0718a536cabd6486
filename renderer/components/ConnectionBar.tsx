// On every page while a device is chosen: which device the page acts on and how its connection is, so
// that nothing is done to the wrong one and a lost connection is seen at once.
import { connectionWords, useDeviceState } from '../DeviceContext';

export function ConnectionBar() {
  const state = useDeviceState();
  if (!state.device) return null;
  return (
    <div className={`connection-bar connection-${state.state}`} role="status" aria-live="polite">
      <span className="connection-device">Device {state.device.id}</span>
      <span className="connection-state">{connectionWords(state)}</span>
      {state.message && state.state !== 'connected' && <span className="connection-message">{state.message}</span>}
    </div>
  );
}
