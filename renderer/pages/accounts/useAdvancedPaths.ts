// The account's paths follow Sailfish's defaults for the server and user name until the user sets
// them: change the user name and paths the user never edited follow it (they do not stay on the old user).
import { useEffect, useState } from 'react';
import type { AccountView, SettingsApi } from '../../../main/ipc/contract';
import type { AdvancedSettings } from './AdvancedSettingsDialog';
import { serverAddressProblem } from './validate';

type Paths = Pick<AdvancedSettings, 'webdavPath' | 'backupsPath'>;

export function useAdvancedPaths(
  api: SettingsApi,
  form: { provider: string; serverAddress: string; username: string },
  existing: AccountView | undefined,
) {
  const [defaults, setDefaults] = useState<Paths>();
  const [overrides, setOverrides] = useState<Partial<Paths>>({});
  const [ignoreSslErrors, setIgnoreSslErrors] = useState(false);
  const serverValid = !serverAddressProblem(form.serverAddress);

  useEffect(() => {
    if (!serverValid || !form.username.trim()) return;
    let stale = false;
    api.accounts.defaults({ provider: form.provider, serverAddress: form.serverAddress, username: form.username }).then(
      (d) => !stale && setDefaults(d),
      () => {},
    );
    return () => {
      stale = true;
    };
  }, [api, form.provider, form.serverAddress, form.username, serverValid]);

  // A saved account's paths are the user's own where they differ from the defaults for its saved user.
  useEffect(() => {
    if (!existing) return;
    setIgnoreSslErrors(existing.ignoreSslErrors);
    setOverrides({ webdavPath: existing.webdavPath, backupsPath: existing.backupsPath });
    let stale = false;
    api.accounts
      .defaults({ provider: existing.provider, serverAddress: existing.serverAddress, username: existing.username })
      .then(
        (d) => {
          if (stale) return;
          setOverrides({
            ...(existing.webdavPath !== d.webdavPath ? { webdavPath: existing.webdavPath } : {}),
            ...(existing.backupsPath !== d.backupsPath ? { backupsPath: existing.backupsPath } : {}),
          });
        },
        () => {},
      );
    return () => {
      stale = true;
    };
  }, [api, existing]);

  const webdavPath = overrides.webdavPath ?? defaults?.webdavPath;
  const backupsPath = overrides.backupsPath ?? defaults?.backupsPath;
  const settings: AdvancedSettings | undefined =
    webdavPath !== undefined && backupsPath !== undefined ? { webdavPath, backupsPath, ignoreSslErrors } : undefined;

  return {
    defaults: defaults ? { ...defaults, ignoreSslErrors: false } : undefined,
    /** What the account will use, once the defaults are known. */
    settings,
    /** Whether the user set the paths themselves (then they no longer follow the user name). */
    edited: overrides.webdavPath !== undefined || overrides.backupsPath !== undefined,
    accept(value: AdvancedSettings) {
      setIgnoreSslErrors(value.ignoreSslErrors);
      setOverrides({
        ...(value.webdavPath !== defaults?.webdavPath ? { webdavPath: value.webdavPath } : {}),
        ...(value.backupsPath !== defaults?.backupsPath ? { backupsPath: value.backupsPath } : {}),
      });
    },
  };
}
