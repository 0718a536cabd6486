// For developers: every sync profile with its keys, schedule, raw XML and results log, a live feed of
// the daemon's syncStatus and transferProgress signals, and run/abort.
import { useCallback, useEffect, useState } from 'react';
import {
  statusNames,
  SyncStatus,
  type CallResult,
  type ProfileSummary,
  type SyncStatusName,
} from '../../main/ipc/contract';
import { messageOf, useApi, useEvent } from '../ApiContext';
import { ErrorText, Hint, PageHeader, Section } from '../components/layout';
import { resultWord, weekdays } from '../format';
import type { Navigate } from '../navigation';

/** syncStatus values in words, one for each of Buteo's (a new one fails the build until it has its words). */
const statusWords: Record<SyncStatusName, string> = {
  Queued: 'queued',
  Started: 'started',
  Progress: 'progress',
  Error: 'error',
  Done: 'done',
  Aborted: 'aborted',
  Cancelled: 'cancelled',
  Stopping: 'stopping',
  NotPossible: 'not possible',
  AuthenticationFailure: 'authentication failure',
  DatabaseFailure: 'database failure',
  ConnectionError: 'connection error',
  ServerFailure: 'server failure',
  BadRequest: 'bad request',
  PluginError: 'plugin error',
  PluginTimeout: 'plugin timeout',
};

function statusWord(status: number): string {
  const name = statusNames[status];
  return name ? statusWords[name] : String(status);
}

interface FeedLine {
  at: string;
  text: string;
}

function scheduleText(s: ProfileSummary['schedule']): string {
  if (!s) return 'none';
  const days = s.days.length === 7 ? 'every day' : s.days.map((d) => weekdays[d - 1]?.slice(0, 3)).join(', ');
  return `${s.enabled ? 'on' : 'off'} · ${s.time ?? ''} ${s.interval > 0 ? `interval ${s.interval} min` : days}`.trim();
}

export function ProfileInspector({
  selected,
  navigate,
  onBack,
}: {
  selected?: string;
  navigate: Navigate;
  onBack: () => void;
}) {
  const api = useApi();
  const [profiles, setProfiles] = useState<ProfileSummary[]>();
  const [detail, setDetail] = useState<CallResult<'profiles.get'>>();
  const [feed, setFeed] = useState<FeedLine[]>([]);
  const [error, setError] = useState<string>();

  const load = useCallback(() => {
    api.profiles.list().then(setProfiles, (err: unknown) => setError(messageOf(err)));
    if (selected) api.profiles.get(selected).then(setDetail, (err: unknown) => setError(messageOf(err)));
  }, [api, selected]);
  useEffect(load, [load]);

  const push = (line: FeedLine) => setFeed((f) => [line, ...f].slice(0, 100));
  useEvent('sync.status', (e) => {
    push({
      at: e.at,
      text: `${e.profile}: ${statusWord(e.status)}${e.message ? ` — ${e.message}` : ''}${e.moreDetails ? ` (${e.moreDetails})` : ''}`,
    });
    if (e.status !== SyncStatus.Progress) load();
  });
  useEvent('sync.transfer', (e) => push({ at: e.at, text: `${e.profile}: transferProgress ${e.committed} KiB` }));
  useEvent('profiles.changed', load);

  return (
    <main className="wide">
      <PageHeader title="Sync profiles" onBack={onBack} />
      {error && <ErrorText>{error}</ErrorText>}
      {!profiles && !error && <Hint>Loading…</Hint>}
      {profiles && profiles.length === 0 && (
        <Hint>No sync profiles yet. They are created when a backup account is added.</Hint>
      )}
      {profiles && profiles.length > 0 && (
        // A wide table scrolls inside its own box (reachable with the keyboard) so the page never does.
        <div className="table-scroll" role="region" aria-label="Sync profiles table" tabIndex={0}>
          <table className="profiles" aria-label="Sync profiles">
            <thead>
              <tr>
                <th scope="col">Profile</th>
                <th scope="col">Account</th>
                <th scope="col">Schedule</th>
                <th scope="col">Last result</th>
              </tr>
            </thead>
            <tbody>
              {profiles.map((p) => (
                <tr key={p.name} aria-selected={p.name === selected}>
                  <td>
                    <button
                      type="button"
                      className="link"
                      onClick={() => navigate({ page: 'profiles', profile: p.name })}
                    >
                      {p.name}
                    </button>
                    {p.running && <span className="badge">running</span>}
                  </td>
                  <td>{p.accountId ?? '–'}</td>
                  <td>{scheduleText(p.schedule)}</td>
                  <td>
                    {p.lastResult
                      ? `${resultWord(p.lastResult.majorCode)}${p.lastResult.minorCode ? ` (${p.lastResult.minorCode})` : ''}`
                      : 'never run'}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {detail && (
        <Section title={detail.summary.name}>
          <div className="actions">
            <button
              type="button"
              onClick={() =>
                void api.profiles.run(detail.summary.name).then(
                  (ok) =>
                    !ok &&
                    setError(`${detail.summary.name} did not start: it is disabled, unknown or already running.`),
                  (err: unknown) => setError(messageOf(err)),
                )
              }
            >
              Run
            </button>
            <button
              type="button"
              disabled={!detail.summary.running}
              onClick={() => void api.profiles.abort(detail.summary.name)}
            >
              Abort
            </button>
          </div>
          <h3>Keys</h3>
          <div className="table-scroll" role="region" aria-label="Keys table" tabIndex={0}>
            <table aria-label="Keys">
              <tbody>
                {detail.summary.keys.map(([k, v], i) => (
                  <tr key={`${k}-${i}`}>
                    <th scope="row">{k}</th>
                    <td>{v}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p>Schedule: {scheduleText(detail.summary.schedule)}</p>
          <h3>Results log</h3>
          {detail.log.length === 0 ? (
            <Hint>No runs yet.</Hint>
          ) : (
            <ol className="log" aria-label="Results log">
              {detail.log.map((r) => (
                <li key={r.time}>
                  {new Date(r.time).toLocaleString()} · {resultWord(r.majorCode)}
                  {r.minorCode ? ` (${r.minorCode})` : ''}
                  {r.scheduled ? ' · scheduled' : ''}
                  {r.message ? ` · ${r.message}` : ''}
                </li>
              ))}
            </ol>
          )}
          <h3>XML</h3>
          <div className="xml" role="region" aria-label="Profile XML" tabIndex={0}>
            <pre>{detail.xml}</pre>
          </div>
        </Section>
      )}
      <Section title="Live signals">
        {feed.length === 0 ? (
          <Hint>Waiting for syncStatus and transferProgress signals…</Hint>
        ) : (
          <ol className="feed" aria-label="Live signals">
            {feed.map((line, i) => (
              <li key={`${line.at}-${i}`}>
                <time>{new Date(line.at).toLocaleTimeString()}</time> {line.text}
              </li>
            ))}
          </ol>
        )}
      </Section>
    </main>
  );
}
