// The advanced settings of an online storage account: where its files and backups live on the server,
// and whether to accept a certificate that cannot be checked.
import { useRef, useState } from 'react';
import type { Problem } from '../../../main/ipc/contract';
import { Dialog } from '../../components/Dialog';
import { ErrorText, Hint } from '../../components/layout';
import { ProblemText } from '../../components/ProblemText';
import type { AccountFacts } from '../../problems';
import { resolvedBackupsPath, serverPathProblem } from './validate';

export interface AdvancedSettings {
  webdavPath: string;
  backupsPath: string;
  ignoreSslErrors: boolean;
}

export function AdvancedSettingsDialog(props: {
  initial: AdvancedSettings;
  defaults: AdvancedSettings | undefined;
  /** A sign-in failure about one of these fields, shown at it. */
  problem?: Problem | undefined;
  account?: AccountFacts | undefined;
  onAccept: (value: AdvancedSettings) => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(props.initial);
  const [problem, setProblem] = useState(props.problem);
  const webdavRef = useRef<HTMLInputElement>(null);
  const backupsRef = useRef<HTMLInputElement>(null);
  const webdavProblem = serverPathProblem(value.webdavPath, 'WebDAV path');
  const backupsProblem = serverPathProblem(value.backupsPath, 'backups path');
  const resolved = resolvedBackupsPath(value.backupsPath, value.webdavPath);
  const signInAt = problem?.field === 'webdavPath' || problem?.field === 'backupsPath' ? problem.field : undefined;
  const certificate = problem?.kind === 'certificate';
  const edit = (patch: Partial<AdvancedSettings>) => {
    setValue({ ...value, ...patch });
    setProblem(undefined);
  };
  return (
    <Dialog
      title="Advanced settings"
      acceptDisabled={Boolean(webdavProblem || backupsProblem)}
      initialFocus={signInAt === 'backupsPath' ? backupsRef : webdavRef}
      onCancel={props.onCancel}
      onAccept={() => props.onAccept(value)}
    >
      <div className="field">
        <label htmlFor="webdav-path">WebDAV path</label>
        <input
          id="webdav-path"
          ref={webdavRef}
          value={value.webdavPath}
          aria-invalid={Boolean(webdavProblem) || signInAt === 'webdavPath'}
          aria-describedby="webdav-path-note"
          onChange={(e) => edit({ webdavPath: e.target.value })}
        />
        {webdavProblem ? (
          <ErrorText id="webdav-path-note">{webdavProblem}</ErrorText>
        ) : signInAt === 'webdavPath' && problem ? (
          <ProblemText id="webdav-path-note" problem={problem} account={props.account} inForm />
        ) : (
          <Hint id="webdav-path-note">
            Where your files are on the server{props.defaults ? `; default ${props.defaults.webdavPath}` : ''}.
          </Hint>
        )}
      </div>
      <div className="field">
        <label htmlFor="backups-path">Backups path</label>
        <input
          id="backups-path"
          ref={backupsRef}
          value={value.backupsPath}
          aria-invalid={Boolean(backupsProblem) || signInAt === 'backupsPath'}
          aria-describedby="backups-path-note"
          onChange={(e) => edit({ backupsPath: e.target.value })}
        />
        {backupsProblem ? (
          <ErrorText id="backups-path-note">{backupsProblem}</ErrorText>
        ) : signInAt === 'backupsPath' && problem ? (
          <ProblemText id="backups-path-note" problem={problem} account={props.account} inForm />
        ) : (
          <Hint id="backups-path-note">
            Where backups are kept{resolved ? `: ${resolved} on the server` : ''}. As on Sailfish, the path starts at
            the server root, with or without a leading “/”
            {props.defaults ? `. Default ${props.defaults.backupsPath}` : ''}.
          </Hint>
        )}
      </div>
      <div className="field checkbox">
        <input
          id="ignore-ssl"
          type="checkbox"
          checked={value.ignoreSslErrors}
          aria-describedby="ignore-ssl-note"
          onChange={(e) => edit({ ignoreSslErrors: e.target.checked })}
        />
        <label htmlFor="ignore-ssl">Ignore SSL errors</label>
        <Hint id="ignore-ssl-note">
          {certificate
            ? 'The server’s certificate is not trusted. Turn this on only if you trust the server.'
            : 'Only for a server you trust whose certificate cannot be checked.'}
        </Hint>
      </div>
    </Dialog>
  );
}
