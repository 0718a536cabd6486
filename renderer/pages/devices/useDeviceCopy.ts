// One copy of a backup between the connected device and this computer, as the Backup page runs it: its
// progress from the `device.copy` events (bytes as numbers), its cancel, and how it ended.
import { useCallback, useRef, useState } from 'react';
import type { CallError, CopyDirection, CopyResultView } from '../../../main/ipc/contract';
import { callErrorOf } from '../../api';
import { useApi, useEvent } from '../../ApiContext';

export interface CopyView {
  copyId: string;
  direction: CopyDirection;
  name: string;
  status: 'running' | 'copied' | 'failed';
  progress?: { done: number; total: number; elapsedMs: number };
  result?: CopyResultView;
  error?: CallError;
}

function newCopyId(): string {
  const id = typeof crypto.randomUUID === 'function' ? crypto.randomUUID() : `c${Date.now()}${Math.random()}`;
  return id.replace(/[^A-Za-z0-9-]/g, '').slice(0, 64);
}

export function useDeviceCopy(onCopied?: (copy: CopyView) => void) {
  const api = useApi();
  const [copy, setCopy] = useState<CopyView>();
  const copied = useRef(onCopied);
  copied.current = onCopied;

  useEvent('device.copy', (e) =>
    setCopy((c) =>
      c?.copyId === e.copyId && c.status === 'running'
        ? { ...c, progress: { done: e.done, total: e.total, elapsedMs: e.elapsedMs } }
        : c,
    ),
  );

  const start = useCallback(
    (direction: CopyDirection, name: string, run: (copyId: string) => Promise<CopyResultView>) => {
      const copyId = newCopyId();
      setCopy({ copyId, direction, name, status: 'running' });
      run(copyId).then(
        (result) => {
          const done: CopyView = { copyId, direction, name, status: 'copied', result };
          setCopy(done);
          copied.current?.(done);
        },
        (err: unknown) => setCopy({ copyId, direction, name, status: 'failed', error: callErrorOf(err) }),
      );
    },
    [],
  );

  const toComputer = useCallback(
    (folder: string, name: string) =>
      start('toComputer', name, (copyId) => api.devices.copyToComputer({ copyId, folder, name })),
    [api, start],
  );
  const toDevice = useCallback(
    (folder: string, name: string, to: string) =>
      start('toDevice', name, (copyId) => api.devices.copyToDevice({ copyId, folder, name, to })),
    [api, start],
  );
  const cancel = useCallback(() => {
    if (copy?.status === 'running') void api.devices.cancelCopy(copy.copyId).catch(() => {});
  }, [api, copy]);

  return { copy, running: copy?.status === 'running', toComputer, toDevice, cancel };
}

export type DeviceCopy = ReturnType<typeof useDeviceCopy>;
