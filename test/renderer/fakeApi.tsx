// A SettingsApi for component tests: calls answered by the test, events pushed by the test.
import { cleanup, configure, render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { afterEach } from 'vitest';
import { ApiContext } from '../../renderer/ApiContext';
import {
  type AccountView,
  buildApi,
  type CallArgs,
  type CallName,
  type CallResult,
  type EventName,
  type EventPayload,
  type SettingsApi,
} from '../../main/ipc/contract';

afterEach(cleanup);
// findBy… and waitFor give up after 1 s by default: too short on two cores shared by a whole test suite
// (seen: a Backup page that rendered its button later than that under a load average of 10).
configure({ asyncUtilTimeout: 10_000 });

export type Handlers = { [C in CallName]?: (...args: CallArgs<C>) => Promise<CallResult<C>> | CallResult<C> };

/** What pages ask besides what a test is about: no drives or folders, one folder backed up. */
const quiet: Handlers = {
  'targets.list': () => ({ folders: [], driveSource: 'mountinfo' }),
  'backup.listFolder': () => [],
  'units.list': () => [{ name: 'Documents', path: '/home/alice/Documents' }],
};

export function fakeApi(given: Handlers) {
  const handlers: Handlers = { ...quiet, ...given };
  const calls: Array<[CallName, unknown[]]> = [];
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const api: SettingsApi = buildApi(
    async (name, args) => {
      calls.push([name, args]);
      const handler = handlers[name] as ((...a: unknown[]) => unknown) | undefined;
      if (!handler) throw new Error(`unexpected call ${name}`);
      return await handler(...args);
    },
    (name, handler) => {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(handler);
      return () => set.delete(handler);
    },
  );
  return {
    api,
    calls,
    emit: <E extends EventName>(name: E, payload: EventPayload<E>) => {
      for (const listener of listeners.get(name) ?? []) listener(payload);
    },
    render: (ui: ReactElement) => render(<ApiContext.Provider value={api}>{ui}</ApiContext.Provider>),
  };
}

export const account: AccountView = {
  id: 1,
  provider: 'nextcloud',
  providerName: 'Nextcloud',
  name: 'Home cloud',
  enabled: true,
  serverAddress: 'https://cloud.example.com',
  webdavPath: '/remote.php/dav/files/alice',
  username: 'alice',
  ignoreSslErrors: false,
  backupsPath: '/remote.php/dav/files/alice/Sailfish OS/Backups',
  backupEnabled: true,
  hasPassword: true,
  profiles: {
    Backup: 'nextcloud.Backup-1',
    BackupQuery: 'nextcloud.BackupQuery-1',
    BackupRestore: 'nextcloud.BackupRestore-1',
  },
  credentialsNeedUpdate: false,
  signIn: { state: 'ok', at: '2026-11-26T10:00:00.000Z', source: 'sign-in' },
};

export const idle = { status: 'Idle' as const, statusText: '', progress: 0, canCancel: false, error: '' };

export function backupPage(overrides: Partial<CallResult<'backup.page'>> = {}): CallResult<'backup.page'> {
  return {
    accounts: [account],
    autoAccountId: null,
    autoBackup: { frequency: 'daily', day: 1, time: '02:00', connection: 'wlan' },
    vault: idle,
    units: [{ name: 'Documents', path: '/home/alice/Documents' }],
    deviceId: 'Desktop_abcdefabcdef',
    problems: [],
    demo: null,
    ...overrides,
  };
}

export function never<T>(): Promise<T> {
  return new Promise<T>(() => {});
}
