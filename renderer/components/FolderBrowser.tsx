// Browser mode's folder picker, drawn as a Sailfish dialog: the folder it is in, the places it may go
// (the home folder and each mounted drive), the folder above, the folders inside, and a new folder.
// The server lists only what lies inside those places (folders.list).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { FolderListing } from '../../main/ipc/contract';
import { messageOf, useApi } from '../ApiContext';
import { Dialog } from './Dialog';
import { FadingText } from './FadingText';
import { ErrorText, Hint } from './layout';

export function FolderBrowser(props: {
  title: string;
  start?: string | undefined;
  onCancel: () => void;
  onChoose: (path: string) => void;
}) {
  const api = useApi();
  const [listing, setListing] = useState<FolderListing>();
  const [error, setError] = useState<string>();
  const [newName, setNewName] = useState('');
  const first = useRef<HTMLButtonElement>(null);

  const open = useCallback(
    (folder: string | null) => {
      setError(undefined);
      api.folders.list(folder).then(setListing, (err: unknown) => setError(messageOf(err)));
    },
    [api],
  );
  useEffect(() => open(props.start ?? null), [open, props.start]);
  // Focus starts at the places once they are there, and comes back to them when the folder row that
  // had it went with the folder it opened.
  const started = useRef(false);
  useEffect(() => {
    if (!listing) return;
    if (!started.current || document.activeElement === document.body) first.current?.focus();
    started.current = true;
  }, [listing]);

  const create = async () => {
    if (!listing) return;
    try {
      const made = await api.folders.create(listing.path, newName);
      setNewName('');
      open(made);
    } catch (err) {
      setError(messageOf(err));
    }
  };

  return (
    <Dialog
      title={props.title}
      acceptLabel="Choose"
      acceptDisabled={!listing}
      initialFocus={first}
      onCancel={props.onCancel}
      onAccept={() => listing && props.onChoose(listing.path)}
    >
      <div className="folder-browser">
        <p className="current-folder">
          <span className="picker-label">Folder</span>{' '}
          <FadingText className="picker-value" text={listing?.path ?? '…'} />
        </p>
        <div className="folder-places" role="group" aria-label="Places">
          {listing?.roots.map((root, i) => (
            <button
              key={root.path}
              ref={i === 0 ? first : undefined}
              type="button"
              className="link"
              aria-pressed={listing.path === root.path}
              onClick={() => open(root.path)}
            >
              {root.label}
            </button>
          ))}
        </div>
        <ul className="folder-list" aria-label="Folders inside">
          {listing?.parent && (
            <li>
              <button type="button" className="folder-row" onClick={() => open(listing.parent)}>
                <span aria-hidden="true">‹ </span>Up to {listing.parent}
              </button>
            </li>
          )}
          {listing?.folders.map((f) => (
            <li key={f.path}>
              <button type="button" className="folder-row" onClick={() => open(f.path)}>
                <FadingText text={f.name} />
              </button>
            </li>
          ))}
        </ul>
        {listing && listing.folders.length === 0 && <Hint>No folders inside.</Hint>}
        <div className="inline-form">
          <label htmlFor="new-folder">New folder</label>
          <input
            id="new-folder"
            value={newName}
            disabled={!listing}
            onChange={(e) => setNewName(e.target.value)}
            onKeyDown={(e) => {
              // Enter here makes the folder; it does not choose the one shown.
              if (e.key !== 'Enter') return;
              e.preventDefault();
              if (newName.trim()) void create();
            }}
          />
          <button type="button" disabled={!newName.trim() || !listing} onClick={() => void create()}>
            Make
          </button>
        </div>
        {error && <ErrorText>{error}</ErrorText>}
      </div>
    </Dialog>
  );
}
