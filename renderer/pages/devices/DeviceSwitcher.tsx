// The Settings home's device switcher: this computer, the remembered devices, and "Connect to a device…".
// The chosen one is what the Backup page, the Profile inspector and the restore list act on.
import { useCallback, useEffect, useState } from 'react';
import type { DeviceView } from '../../../main/ipc/contract';
import { messageOf, useApi } from '../../ApiContext';
import { connectionWords, useDeviceState } from '../../DeviceContext';
import { ErrorText, Section } from '../../components/layout';
import { ConnectDeviceDialog } from './ConnectDeviceDialog';

export function DeviceSwitcher() {
  const api = useApi();
  const current = useDeviceState();
  const [devices, setDevices] = useState<DeviceView[]>([]);
  const [connecting, setConnecting] = useState(false);
  const [error, setError] = useState<string>();
  const load = useCallback(() => {
    api.devices.list().then(
      (r) => setDevices(r.devices),
      (err: unknown) => setError(messageOf(err)),
    );
  }, [api]);
  useEffect(load, [load]);

  const use = (id: string | null) => {
    setError(undefined);
    api.devices.use(id).then(
      (state) => state.state === 'failed' && setError(state.message),
      (err: unknown) => setError(messageOf(err)),
    );
  };
  const chosen = current.device?.id ?? null;

  return (
    <Section title="Device">
      <ul aria-label="Devices" className="menu">
        <li>
          <button type="button" className="menu-row" aria-current={chosen === null} onClick={() => use(null)}>
            <span className="row-main">This computer</span>
            {chosen === null && <span className="row-sub">Chosen</span>}
          </button>
        </li>
        {devices.map((d) => (
          <li key={d.id} className="account-line">
            <button type="button" className="menu-row" aria-current={chosen === d.id} onClick={() => use(d.id)}>
              <span className="row-main">{d.id}</span>
              <span className="row-sub">{chosen === d.id ? connectionWords(current) : 'Sailfish device over SSH'}</span>
            </button>
            <button
              type="button"
              className="link"
              aria-label={`Forget ${d.id}`}
              onClick={() => void api.devices.forget(d.id).then(load, (err: unknown) => setError(messageOf(err)))}
            >
              Forget
            </button>
          </li>
        ))}
        <li>
          <button type="button" className="menu-row" onClick={() => setConnecting(true)}>
            <span className="row-main">Connect to a device…</span>
          </button>
        </li>
      </ul>
      {error && <ErrorText>{error}</ErrorText>}
      {connecting && (
        <ConnectDeviceDialog
          onClose={() => setConnecting(false)}
          onConnected={() => {
            setConnecting(false);
            load();
          }}
        />
      )}
    </Section>
  );
}
