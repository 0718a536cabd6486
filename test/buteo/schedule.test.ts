import { describe, expect, it } from 'vitest';
import { nextRun } from '../../main/buteo/schedule.js';
import { INTERVAL_FIRST_DAY_OF_MONTH, INTERVAL_LAST_DAY_OF_MONTH } from '../../main/buteo/SyncProfile.js';

// Local times: schedules are wall-clock times on the device.
const at = (y: number, m: number, d: number, h = 0, min = 0) => new Date(y, m - 1, d, h, min);

describe('when a Buteo schedule fires next', () => {
  it('fires daily at its time', () => {
    const s = { enabled: true, time: '02:00:00', interval: 0, days: [1, 2, 3, 4, 5, 6, 7] };
    expect(nextRun(s, at(2026, 11, 26, 1, 0))).toEqual(at(2026, 11, 26, 2, 0));
    expect(nextRun(s, at(2026, 11, 26, 2, 0))).toEqual(at(2026, 11, 27, 2, 0));
  });

  it('fires weekly on its day only (Thursday 26 Nov 2026 → Monday 30 Nov)', () => {
    const s = { enabled: true, time: '05:00:00', interval: 0, days: [1] };
    expect(nextRun(s, at(2026, 11, 26, 12))).toEqual(at(2026, 11, 30, 5, 0));
  });

  it('fires on the first and last day of the month', () => {
    expect(
      nextRun({ enabled: true, time: '02:00:00', interval: INTERVAL_FIRST_DAY_OF_MONTH, days: [] }, at(2026, 11, 26)),
    ).toEqual(at(2026, 12, 1, 2, 0));
    expect(
      nextRun({ enabled: true, time: '02:00:00', interval: INTERVAL_LAST_DAY_OF_MONTH, days: [] }, at(2027, 2, 10)),
    ).toEqual(at(2027, 2, 28, 2, 0));
  });

  it('fires every N minutes for interval schedules, and never when disabled', () => {
    expect(nextRun({ enabled: true, time: undefined, interval: 90, days: [] }, at(2026, 11, 26, 10))).toEqual(
      at(2026, 11, 26, 11, 30),
    );
    expect(nextRun({ enabled: false, time: '02:00:00', interval: 0, days: [1] }, at(2026, 11, 26))).toBeUndefined();
  });
});
