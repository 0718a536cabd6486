// The status path: a vault signal on the bus → the UI bridge's event, one event at a time (the latency
// of each signal on its way, not a queue's).
import path from 'node:path';
import { SettingsBridge } from '../main/bridge/SettingsBridge.js';
import { PrivateBusDaemon } from '../main/dbus/bus.js';
import { resolvePaths } from '../main/paths.js';
import { DaemonSession } from '../main/session.js';
import { openStores } from '../main/stores.js';
import { median } from './measure.js';

export async function statusLatency(work: string): Promise<{ count: number; medianMs: number; p99Ms: number }> {
  const bus = await PrivateBusDaemon.start();
  const env = { DBUS_SESSION_BUS_ADDRESS: bus.address };
  const stores = openStores(resolvePaths({ dataDir: path.join(work, 'latency'), env }), env);
  const session = await DaemonSession.open(stores, env, () => {}, {
    scheduleCheckMs: 0,
    deviceId: 'Bench_000000000000',
  });
  const bridge = await SettingsBridge.attach(stores, session);
  const latencies: number[] = [];
  try {
    let arrived: ((text: string) => void) | undefined;
    bridge.onEvent((name, payload) => {
      if (name === 'vault.state') arrived?.((payload as { statusText: string }).statusText);
    });
    for (let i = 0; i < 1000; i++) {
      const text = `bench ${i}`;
      const start = performance.now();
      const received = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1000);
        arrived = (got) => {
          if (got !== text) return;
          latencies.push(performance.now() - start);
          clearTimeout(timer);
          resolve();
        };
      });
      session.engine!.vault.emit('stateChanged', { statusText: text });
      await received;
    }
  } finally {
    await bridge.close();
    await session.close();
    stores.close();
    await bus.stop();
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: latencies.length,
    medianMs: median(latencies),
    p99Ms: sorted[Math.floor(sorted.length * 0.99)] ?? NaN,
  };
}
