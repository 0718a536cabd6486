// What a polite live region should say about a running operation: every new stage at once, progress
// within a stage at most every few seconds, so a screen reader is not talked over nine times a second.
import { useEffect, useRef, useState } from 'react';

export const ANNOUNCE_EVERY_MS = 5_000;

export function useAnnouncement(line: string, stage: string, everyMs = ANNOUNCE_EVERY_MS): string {
  const [said, setSaid] = useState(line);
  const last = useRef({ stage, at: Date.now() });
  const latest = useRef(line);
  latest.current = line;
  useEffect(() => {
    if (line === said) return;
    const now = Date.now();
    if (stage !== last.current.stage || now - last.current.at >= everyMs) {
      last.current = { stage, at: now };
      setSaid(line);
      return;
    }
    // Say the latest line once the interval has passed, if nothing newer was said by then.
    const timer = setTimeout(
      () => {
        last.current = { stage, at: Date.now() };
        setSaid(latest.current);
      },
      everyMs - (now - last.current.at),
    );
    return () => clearTimeout(timer);
  }, [line, stage, said, everyMs]);
  return said;
}
