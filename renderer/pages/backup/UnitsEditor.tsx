import { useState } from 'react';
import { messageOf } from '../../ApiContext';
import { ErrorText, Hint } from '../../components/layout';
import { FadingText } from '../../components/FadingText';

/** The folders a backup contains; on a phone these are fixed, on a desktop the user picks them. */
export function UnitsEditor(props: {
  units: Array<{ name: string; path: string }>;
  onAdd: (path: string) => Promise<void>;
  onRemove: (path: string) => Promise<void>;
  /** Asks for a folder with the folder picker; null when cancelled. */
  onPick?: () => Promise<string | null>;
}) {
  const [path, setPath] = useState('');
  const [error, setError] = useState<string>();
  const run = async (work: () => Promise<void>) => {
    setError(undefined);
    try {
      await work();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <div className="units">
      {props.units.length === 0 && <Hint>No folders are backed up yet.</Hint>}
      <ul aria-label="Folders to back up">
        {props.units.map((u) => (
          <li key={u.path} className="unit-row">
            <span className="unit-text">
              <span className="unit-name">{u.name}</span>
              <FadingText className="row-sub" text={u.path} />
            </span>
            <button
              type="button"
              className="link"
              aria-label={`Remove ${u.name}`}
              onClick={() => void run(() => props.onRemove(u.path))}
            >
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form
        className="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void run(async () => {
            await props.onAdd(path);
            setPath('');
          });
        }}
      >
        <label htmlFor="unit-path">Add folder</label>
        <input
          id="unit-path"
          value={path}
          placeholder="/home/you/Documents"
          aria-invalid={Boolean(error)}
          aria-describedby={error ? 'unit-path-error' : undefined}
          onChange={(e) => {
            setPath(e.target.value);
            setError(undefined);
          }}
        />
        <button type="submit" disabled={!path.trim()}>
          Add
        </button>
      </form>
      {props.onPick && (
        <button
          type="button"
          className="link"
          onClick={() =>
            void run(async () => {
              const picked = await props.onPick?.();
              if (picked) await props.onAdd(picked);
            })
          }
        >
          Choose a folder to back up…
        </button>
      )}
      {error && <ErrorText id="unit-path-error">{error}</ErrorText>}
    </div>
  );
}
