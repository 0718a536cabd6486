// Where the user is: a small stack of pages, mirrored in the URL hash so a page can be linked to.
import type { ProblemField } from '../main/ipc/contract';

const problemFields: readonly string[] = ['server', 'credentials', 'webdavPath', 'backupsPath'];

export type Route =
  | { page: 'home' }
  | { page: 'backup' }
  | { page: 'accounts' }
  | { page: 'account'; accountId: number | null; provider?: string; focus?: ProblemField }
  | { page: 'restore'; accountId: number; file: string }
  /** A backup file on a drive or in a folder. */
  | { page: 'restoreFile'; folder: string; file: string }
  | { page: 'profiles'; profile?: string };

export function routeToHash(route: Route): string {
  switch (route.page) {
    case 'home':
      return '#/';
    case 'account':
      return route.accountId === null
        ? `#/accounts/new${route.provider ? `/${route.provider}` : ''}`
        : `#/accounts/${route.accountId}${route.focus ? `/${route.focus}` : ''}`;
    case 'restore':
      return `#/backup/restore/${route.accountId}/${encodeURIComponent(route.file)}`;
    case 'restoreFile':
      return `#/backup/restore-file/${encodeURIComponent(route.folder)}/${encodeURIComponent(route.file)}`;
    case 'profiles':
      return route.profile ? `#/profiles/${encodeURIComponent(route.profile)}` : '#/profiles';
    default:
      return `#/${route.page}`;
  }
}

export function routeFromHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, third, fourth] = parts;
  if (first === 'backup' && second === 'restore' && third && fourth)
    return { page: 'restore', accountId: Number(third), file: fourth };
  if (first === 'backup' && second === 'restore-file' && third?.startsWith('/') && fourth)
    return { page: 'restoreFile', folder: third, file: fourth };
  if (first === 'backup') return { page: 'backup' };
  if (first === 'accounts' && second === 'new')
    return { page: 'account', accountId: null, ...(third ? { provider: third } : {}) };
  if (first === 'accounts' && second && /^\d+$/.test(second))
    return {
      page: 'account',
      accountId: Number(second),
      ...(third && problemFields.includes(third) ? { focus: third as ProblemField } : {}),
    };
  if (first === 'accounts') return { page: 'accounts' };
  if (first === 'profiles') return second ? { page: 'profiles', profile: second } : { page: 'profiles' };
  return { page: 'home' };
}

export type Navigate = (route: Route) => void;
