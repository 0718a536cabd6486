// When a daemon started on demand leaves: only after being idle for the whole time, never while busy.
import { describe, expect, it } from 'vitest';
import { IdleWatch } from '../../main/service/IdleWatch.js';

describe('leaving when idle', () => {
  it('counts idle time from the end of the last run and never leaves mid-run', () => {
    let now = 0;
    let busy = true;
    let left = 0;
    const watch = new IdleWatch({ idleMs: 60_000, busy: () => busy, onIdle: () => left++, now: () => now });
    try {
      now = 10 * 60_000; // a backup running for ten minutes
      expect(watch.check()).toBe(false);
      busy = false;
      now += 59_000; // it ended 59 s ago
      expect(watch.check()).toBe(false);
      watch.touch(); // a client called
      now += 30_000;
      expect(watch.check()).toBe(false);
      now += 30_000;
      expect(watch.check()).toBe(true);
      expect(watch.check()).toBe(true);
      expect(left).toBe(1);
    } finally {
      watch.stop();
    }
  });
});
