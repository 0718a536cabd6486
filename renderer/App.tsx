import { Fragment, useEffect, useState, type ReactNode } from 'react';
import type { SettingsApi } from '../main/ipc/contract';
import { ApiContext } from './ApiContext';
import { ConnectionBar } from './components/ConnectionBar';
import { DeviceProvider, useDeviceState } from './DeviceContext';
import { routeFromHash, routeToHash, type Route } from './navigation';
import { AccountEditorPage } from './pages/accounts/AccountEditorPage';
import { AccountsPage } from './pages/accounts/AccountsPage';
import { BackupPage } from './pages/BackupPage';
import { ProfileInspector } from './pages/ProfileInspector';
import { RestoreConfirmPage } from './pages/RestoreConfirmPage';
import { SettingsHome } from './pages/SettingsHome';

export function App({ api }: { api: SettingsApi }) {
  const [route, setRoute] = useState<Route>(() => routeFromHash(window.location.hash));
  useEffect(() => {
    const onHash = () => setRoute(routeFromHash(window.location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  const navigate = (next: Route) => {
    window.location.hash = routeToHash(next);
    setRoute(next);
  };
  const back = () => window.history.back();

  let page;
  switch (route.page) {
    case 'backup':
      page = <BackupPage navigate={navigate} onBack={() => navigate({ page: 'home' })} />;
      break;
    case 'accounts':
      page = <AccountsPage navigate={navigate} onBack={() => navigate({ page: 'home' })} />;
      break;
    case 'account':
      page = (
        <AccountEditorPage
          key={`${route.accountId ?? 'new'}-${route.provider ?? ''}-${route.focus ?? ''}`}
          accountId={route.accountId}
          {...(route.provider ? { provider: route.provider } : {})}
          {...(route.focus ? { focus: route.focus } : {})}
          onBack={back}
          onDone={() => navigate({ page: 'backup' })}
        />
      );
      break;
    case 'restore':
      page = (
        <RestoreConfirmPage
          source={{ kind: 'cloud', accountId: route.accountId }}
          file={route.file}
          navigate={navigate}
          onBack={() => navigate({ page: 'backup' })}
        />
      );
      break;
    case 'restoreFile':
      page = (
        <RestoreConfirmPage
          source={{ kind: 'folder', folder: route.folder }}
          file={route.file}
          navigate={navigate}
          onBack={() => navigate({ page: 'backup' })}
        />
      );
      break;
    case 'profiles':
      page = (
        <ProfileInspector
          {...(route.profile ? { selected: route.profile } : {})}
          navigate={navigate}
          onBack={() => navigate({ page: 'home' })}
        />
      );
      break;
    default:
      page = <SettingsHome navigate={navigate} />;
  }
  return (
    <ApiContext.Provider value={api}>
      <DeviceProvider>
        <OnChosenDevice>{page}</OnChosenDevice>
      </DeviceProvider>
    </ApiContext.Provider>
  );
}

/** A page starts afresh when the device it acts on changes; the connection is shown above it. */
function OnChosenDevice({ children }: { children: ReactNode }) {
  const { device } = useDeviceState();
  return (
    <>
      {device && (
        <aside aria-label="Connection">
          <ConnectionBar />
        </aside>
      )}
      <Fragment key={device?.id ?? 'this computer'}>{children}</Fragment>
    </>
  );
}
