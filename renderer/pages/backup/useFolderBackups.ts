// The drives and folders of this computer as the Backup page shows them: where a backup can go, and the
// backups found in each, kept current as drives come and go (the targets.changed event).
import { useCallback, useEffect, useState } from 'react';
import type { TargetList } from '../../../main/ipc/contract';
import { callErrorOf } from '../../api';
import { messageOf, useApi, useEvent } from '../../ApiContext';
import type { BackupListState } from './RestoreSection';

export function useFolderBackups() {
  const api = useApi();
  const [targets, setTargets] = useState<TargetList>();
  const [lists, setLists] = useState<Record<string, BackupListState>>({});
  const [error, setError] = useState<string>();

  const refreshFolder = useCallback(
    (folder: string) => {
      setLists((l) => ({ ...l, [folder]: { loading: true, items: l[folder]?.items ?? [] } }));
      api.backup.listFolder(folder).then(
        (items) => setLists((l) => ({ ...l, [folder]: { loading: false, items } })),
        (err: unknown) => setLists((l) => ({ ...l, [folder]: { loading: false, items: [], error: callErrorOf(err) } })),
      );
    },
    [api],
  );

  const load = useCallback(async () => {
    try {
      const next = await api.targets.list();
      setTargets(next);
      setError(undefined);
      for (const folder of next.folders) if (folder.exists) refreshFolder(folder.path);
    } catch (err) {
      setError(messageOf(err));
    }
  }, [api, refreshFolder]);

  useEffect(() => {
    void load();
  }, [load]);
  useEvent('targets.changed', () => void load());

  return { targets, lists, error, load, refreshFolder };
}
