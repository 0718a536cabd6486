// Whether automatic backups can happen with this window closed: the background service's state, and
// the offer to install it (sfbackup service install) when it is not there.
import { useEffect, useState } from 'react';
import type { ServiceStatusView } from '../../../main/ipc/contract';
import { messageOf, useApi } from '../../ApiContext';
import { ErrorText, Hint, Info } from '../../components/layout';

function describe(s: ServiceStatusView): string {
  const state = s.running && s.runningAsService ? 'running' : 'starts when needed';
  return `Background service: ${state}${s.enabled ? ', and at login' : ''}. Missed backups run when it starts.`;
}

export function BackgroundService() {
  const api = useApi();
  const [status, setStatus] = useState<ServiceStatusView>();
  const [error, setError] = useState<string>();
  const [unknown, setUnknown] = useState<string>();
  const [installing, setInstalling] = useState(false);

  useEffect(() => {
    let live = true;
    api.service.status().then(
      (s) => live && setStatus(s),
      (err: unknown) => live && setUnknown(`Cannot tell whether backups run in the background: ${messageOf(err)}`),
    );
    return () => {
      live = false;
    };
  }, [api]);

  const install = async () => {
    setInstalling(true);
    setError(undefined);
    try {
      setStatus(await api.service.install());
    } catch (err) {
      setError(`The background service could not be installed: ${messageOf(err)}`);
    } finally {
      setInstalling(false);
    }
  };

  const offer = status && (!status.installed || !status.current);
  return (
    <div className="background-service" role="group" aria-label="Background service">
      {status?.installed && status.current && <Info>{describe(status)}</Info>}
      {offer && (
        <>
          <Hint>
            {status.installed
              ? 'The background service starts another copy of this app.'
              : 'Automatic backups run only while this app is open. Install the background service to run them with the window closed, and to catch up a backup missed while the computer was off.'}
          </Hint>
          <button type="button" disabled={installing} onClick={() => void install()}>
            {installing
              ? 'Installing…'
              : status.installed
                ? 'Update background service'
                : 'Run backups in the background'}
          </button>
        </>
      )}
      {unknown && <Hint>{unknown}</Hint>}
      {error && <ErrorText>{error}</ErrorText>}
    </div>
  );
}
