// The demo, seen from the Backup page: where no account exists, "Try with a demo server" starts one
// beside this window; inside the demo, a banner says what it is and ends it.
import { useState } from 'react';
import { messageOf, useApi } from '../../ApiContext';
import { ErrorText, Hint, Info } from '../../components/layout';

export function TryDemoButton() {
  const api = useApi();
  const [state, setState] = useState<{ starting?: boolean; url?: string; error?: string }>({});
  const start = async () => {
    setState({ starting: true });
    try {
      const { url, opened } = await api.demo.start();
      setState({ url });
      // In a browser the demo opens here; the app's own window opens it in a window of its own.
      if (!opened && !window.sailfishBackup) window.location.assign(url);
    } catch (err) {
      setState({ error: messageOf(err) });
    }
  };
  return (
    <>
      <button type="button" className="primary secondary" disabled={state.starting} onClick={() => void start()}>
        Try with a demo server
      </button>
      {state.starting && <Hint>Starting the demo…</Hint>}
      {state.url && window.sailfishBackup && <Hint>The demo runs at {state.url}</Hint>}
      {state.error && <ErrorText>{state.error}</ErrorText>}
    </>
  );
}

export function DemoBanner({ serverUrl }: { serverUrl: string }) {
  const api = useApi();
  const [ended, setEnded] = useState(false);
  const [error, setError] = useState<string>();
  if (ended)
    return (
      <div className="demo-banner" role="status">
        <Info>The demo has ended and everything it made is removed. You can close this window.</Info>
      </div>
    );
  return (
    <div className="demo-banner">
      <Info>
        Demo: a WebDAV server on this computer ({serverUrl}) with a demo account and sample folders. Nothing here
        touches your own files; it is all removed when the demo ends.
      </Info>
      <button
        type="button"
        className="link"
        onClick={() =>
          void api.demo.end().then(
            () => setEnded(true),
            (err: unknown) => setError(messageOf(err)),
          )
        }
      >
        End demo
      </button>
      {error && <ErrorText>{error}</ErrorText>}
    </div>
  );
}
