// Asking for a folder, whichever window the page is in: the app's own dialog when the app has one
// (folders.pick answers with the choice), else the page's folder browser. Callers get the path or null.
import { useCallback, useRef, useState, type ReactNode } from 'react';
import { messageOf, useApi } from '../ApiContext';
import { FolderBrowser } from './FolderBrowser';

interface Request {
  title: string;
  start?: string | undefined;
}

export function useFolderPicker(): {
  pick: (request: Request) => Promise<string | null>;
  element: ReactNode;
  error: string | undefined;
} {
  const api = useApi();
  const [open, setOpen] = useState<Request>();
  const [error, setError] = useState<string>();
  const settle = useRef<(path: string | null) => void>(undefined);

  const pick = useCallback(
    async (request: Request) => {
      setError(undefined);
      try {
        const answer = await api.folders.pick({
          title: request.title,
          ...(request.start ? { start: request.start } : {}),
        });
        if (answer.native) return answer.path;
      } catch (err) {
        setError(messageOf(err));
        return null;
      }
      return new Promise<string | null>((resolve) => {
        settle.current = resolve;
        setOpen(request);
      });
    },
    [api],
  );

  const close = (path: string | null) => {
    setOpen(undefined);
    settle.current?.(path);
    settle.current = undefined;
  };

  const element = open ? (
    <FolderBrowser title={open.title} start={open.start} onCancel={() => close(null)} onChoose={(p) => close(p)} />
  ) : null;
  return { pick, element, error };
}
