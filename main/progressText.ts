// Human progress lines for transfers: "Uploading 120 MB of 512 MB · 48 MB/s · 0:08 left".

export function formatBytes(bytes: number): string {
  // Rates are fractions: a trickling server must read "0 B/s", never "0.19943544428080512 B/s".
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export interface RateSample {
  done: number;
  total: number | undefined;
  elapsedMs: number;
}

export function transferLine(verb: string, sample: RateSample): string {
  const parts = [
    sample.total
      ? `${verb} ${formatBytes(sample.done)} of ${formatBytes(sample.total)}`
      : `${verb} ${formatBytes(sample.done)}`,
  ];
  if (sample.elapsedMs >= 500 && sample.done > 0) {
    const rate = sample.done / (sample.elapsedMs / 1000);
    parts.push(`${formatBytes(rate)}/s`);
    if (sample.total && sample.total > sample.done)
      parts.push(`${formatDuration((sample.total - sample.done) / rate)} left`);
  }
  return parts.join(' · ');
}
