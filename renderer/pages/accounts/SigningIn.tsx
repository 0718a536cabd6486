// While saving signs in to the server: what is happening, and a way to stop it.
import { useEffect, useRef } from 'react';

export function SigningIn({ host, onCancel }: { host: string; onCancel: () => void }) {
  const cancel = useRef<HTMLButtonElement>(null);
  // The Save button this replaced had focus: keep it on the one thing the user can do now.
  useEffect(() => cancel.current?.focus(), []);
  return (
    <div className="signing-in">
      <p role="status" className="status-line">
        Signing in to {host}…
      </p>
      <button ref={cancel} type="button" className="primary" onClick={onCancel}>
        Cancel
      </button>
    </div>
  );
}
