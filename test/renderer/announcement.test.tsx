// @vitest-environment jsdom
import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useAnnouncement } from '../../renderer/components/useAnnouncement';

describe('what the progress live region says', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('says each new stage at once and the progress within a stage at most every 5 s', async () => {
    const { result, rerender } = renderHook(({ line, stage }) => useAnnouncement(line, stage), {
      initialProps: { line: 'Preparing', stage: 'Preparing' },
    });
    rerender({ line: 'Backing up: Documents', stage: 'Backing up' });
    expect(result.current).toBe('Backing up: Documents');
    const said = new Set<string>();
    // Twenty progress lines a second for 12 s of uploading.
    for (let i = 0; i < 240; i++) {
      rerender({ line: `Uploading ${i} MB of 240 MB`, stage: 'Uploading' });
      said.add(result.current);
      await act(() => vi.advanceTimersByTimeAsync(50));
      said.add(result.current);
    }
    // The stage change, then one line per 5 s: nowhere near 240.
    expect(said.size).toBeLessThanOrEqual(4);
    expect([...said][0]).toBe('Uploading 0 MB of 240 MB');
    rerender({ line: 'Finished', stage: 'Finished' });
    expect(result.current).toBe('Finished');
  });

  it('says the latest line once the interval has passed, even if nothing newer came', async () => {
    const { result, rerender } = renderHook(({ line, stage }) => useAnnouncement(line, stage), {
      initialProps: { line: 'Uploading 1 MB', stage: 'Uploading' },
    });
    rerender({ line: 'Uploading 2 MB', stage: 'Uploading' });
    expect(result.current).toBe('Uploading 1 MB');
    await act(() => vi.advanceTimersByTimeAsync(5_000));
    expect(result.current).toBe('Uploading 2 MB');
  });
});
