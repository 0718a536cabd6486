// Live progress on stderr: the vault's status line (stage, bytes, rate, ETA), rewritten in place on a terminal.
import type { VaultState } from '../vault/vaultTypes.js';
import type { VaultProxy } from '../vault/VaultProxy.js';

/** "Uploading 12 MB of 40 MB · 3 MB/s" → "Uploading"; "Backing up: Music · 1 MB of …" → "Backing up: Music". */
function stageOf(line: string): string {
  return line
    .split(' · ')[0]!
    .replace(/ [\d.]+ (?:B|kB|MB|GB|TB)\b.*$/, '')
    .replace(/ \d+%$/, '');
}

export async function showVaultProgress(
  vault: VaultProxy,
  stream: NodeJS.WriteStream = process.stderr,
): Promise<() => Promise<void>> {
  const state: Partial<VaultState> = {};
  let lastLine = '';
  let lastAt = 0;
  const tty = stream.isTTY === true;
  let trailing: NodeJS.Timeout | undefined;
  let lastStage = '';
  const print = (force: boolean) => {
    const pct =
      state.progress !== undefined && state.progress > 0 && state.progress < 1
        ? ` ${Math.round(state.progress * 100)}%`
        : '';
    const line = `${state.statusText || state.status || ''}${pct}`;
    const now = Date.now();
    if (!line || line === lastLine) return;
    // A new stage ("Backing up: Music", "Uploading") always shows; its byte counts at most every 250 ms.
    const stage = stageOf(line);
    if (stage !== lastStage) force = true;
    lastStage = stage;
    if (!force && now - lastAt < 250) {
      // Throttled, not dropped: the latest line still shows once the window has passed.
      trailing ??= setTimeout(
        () => {
          trailing = undefined;
          print(true);
        },
        250 - (now - lastAt),
      );
      return;
    }
    lastLine = line;
    lastAt = now;
    stream.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
  };
  const off = await vault.onStateChanged((changed) => {
    const statusChanged = changed.status !== undefined && changed.status !== state.status;
    Object.assign(state, changed);
    print(statusChanged);
  });
  return async () => {
    clearTimeout(trailing);
    await off();
    if (tty && lastLine) stream.write('\n');
  };
}
