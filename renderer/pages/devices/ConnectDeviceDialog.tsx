// "Connect to a device…": host, user and port of a Sailfish device in developer mode (defaults: USB
// networking's 192.168.2.15 and defaultuser). ssh signs in with the user's own keys: no password here.
import { useId, useState } from 'react';
import type { DeviceState } from '../../../main/ipc/contract';
import { messageOf, useApi } from '../../ApiContext';
import { Dialog } from '../../components/Dialog';
import { ErrorText, Hint } from '../../components/layout';

export function ConnectDeviceDialog(props: { onClose: () => void; onConnected: (state: DeviceState) => void }) {
  const api = useApi();
  const [host, setHost] = useState('192.168.2.15');
  const [user, setUser] = useState('defaultuser');
  const [port, setPort] = useState('22');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const id = useId();
  const portNumber = Number(port);
  const valid =
    host.trim() !== '' && user.trim() !== '' && Number.isInteger(portNumber) && portNumber > 0 && portNumber < 65536;

  const connect = () => {
    setBusy(true);
    setError(undefined);
    api.devices
      .connect({ host: host.trim(), user: user.trim(), port: portNumber })
      .then(
        (state) => {
          if (state.state === 'connected') props.onConnected(state);
          else setError(state.message ?? 'Could not connect to the device.');
        },
        (err: unknown) => setError(messageOf(err)),
      )
      .finally(() => setBusy(false));
  };

  return (
    <Dialog
      title="Connect to a device"
      acceptLabel={busy ? 'Connecting…' : 'Connect'}
      acceptDisabled={!valid || busy}
      onCancel={props.onClose}
      onAccept={connect}
    >
      <Hint>
        On the device, turn on Settings → System → Developer tools → Developer mode and Remote connection. This app uses
        your own ssh and its keys and keeps no password: give ssh your key once, in a terminal, with ssh-copy-id
        defaultuser@192.168.2.15.
      </Hint>
      <div className="field">
        <label htmlFor={`${id}-host`}>Host</label>
        <input
          id={`${id}-host`}
          value={host}
          onChange={(e) => setHost(e.target.value)}
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-user`}>User</label>
        <input
          id={`${id}-user`}
          value={user}
          onChange={(e) => setUser(e.target.value)}
          autoComplete="off"
          spellCheck={false}
        />
      </div>
      <div className="field">
        <label htmlFor={`${id}-port`}>Port</label>
        <input id={`${id}-port`} value={port} onChange={(e) => setPort(e.target.value)} inputMode="numeric" />
      </div>
      {busy && <Hint>Connecting over SSH…</Hint>}
      {error && <ErrorText>{error}</ErrorText>}
    </Dialog>
  );
}
