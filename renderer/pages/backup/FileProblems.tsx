// Damaged files the app keeps (an account setting another tool wrote, a sync profile, the folders list):
// each named with what it means, and for an account setting the way to the field that fixes it.
import type { FileProblemView, ProblemField } from '../../../main/ipc/contract';
import { Section } from '../../components/layout';

const fieldOfKey: Record<string, ProblemField> = {
  server_address: 'server',
  webdav_path: 'webdavPath',
  backups_path: 'backupsPath',
};

export function FileProblems(props: {
  problems: FileProblemView[];
  onFixAccount: (accountId: number, field: ProblemField) => void;
}) {
  if (props.problems.length === 0) return null;
  return (
    <Section title="Damaged files">
      <ul className="file-problems">
        {props.problems.map((p) => {
          const field = p.key ? fieldOfKey[p.key] : undefined;
          return (
            <li key={`${p.file}/${p.accountId ?? ''}/${p.key ?? ''}`} className="problem">
              <p className="error">{p.message}</p>
              {p.accountId !== undefined && field && (
                <button type="button" className="link fix" onClick={() => props.onFixAccount(p.accountId!, field)}>
                  Fix in the account’s settings
                </button>
              )}
            </li>
          );
        })}
      </ul>
    </Section>
  );
}
