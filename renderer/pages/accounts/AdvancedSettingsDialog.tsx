// The advanced settings of an online storage account: where its files and backups live on the server.
import { useEffect, useRef, useState } from 'react';
import { ErrorText, Hint } from '../../components/layout';
import { serverPathProblem } from './validate';

export interface AdvancedSettings {
  webdavPath: string;
  backupsPath: string;
  ignoreSslErrors: boolean;
}

export function AdvancedSettingsDialog(props: {
  initial: AdvancedSettings;
  defaults: AdvancedSettings | undefined;
  onAccept: (value: AdvancedSettings) => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(props.initial);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const webdavProblem = serverPathProblem(value.webdavPath, 'WebDAV path');
  const backupsProblem = serverPathProblem(value.backupsPath, 'backups path', true);
  return (
    <div className="dialog-backdrop">
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby="advanced-title"
        className="dialog"
        onKeyDown={(e) => e.key === 'Escape' && props.onCancel()}
      >
        <header className="dialog-header">
          <button type="button" onClick={props.onCancel}>
            Cancel
          </button>
          <h2 id="advanced-title">Advanced settings</h2>
          <button
            type="button"
            className="accept"
            disabled={Boolean(webdavProblem || backupsProblem)}
            onClick={() => props.onAccept(value)}
          >
            Accept
          </button>
        </header>
        <div className="field">
          <label htmlFor="webdav-path">WebDAV path</label>
          <input
            id="webdav-path"
            ref={first}
            value={value.webdavPath}
            aria-invalid={Boolean(webdavProblem)}
            onChange={(e) => setValue({ ...value, webdavPath: e.target.value })}
          />
          {webdavProblem ? (
            <ErrorText>{webdavProblem}</ErrorText>
          ) : (
            <Hint>
              Where your files are on the server{props.defaults ? `; default ${props.defaults.webdavPath}` : ''}.
            </Hint>
          )}
        </div>
        <div className="field">
          <label htmlFor="backups-path">Backups path</label>
          <input
            id="backups-path"
            value={value.backupsPath}
            aria-invalid={Boolean(backupsProblem)}
            onChange={(e) => setValue({ ...value, backupsPath: e.target.value })}
          />
          {backupsProblem ? (
            <ErrorText>{backupsProblem}</ErrorText>
          ) : (
            <Hint>
              Where backups are kept on the server, from the server root as on Sailfish (a path without a leading "/"
              starts there too)
              {props.defaults ? `; default ${props.defaults.backupsPath}` : ''}.
            </Hint>
          )}
        </div>
        <div className="field checkbox">
          <input
            id="ignore-ssl"
            type="checkbox"
            checked={value.ignoreSslErrors}
            onChange={(e) => setValue({ ...value, ignoreSslErrors: e.target.checked })}
          />
          <label htmlFor="ignore-ssl">Ignore SSL errors</label>
          <Hint>Only for a server you trust whose certificate cannot be checked.</Hint>
        </div>
      </div>
    </div>
  );
}
