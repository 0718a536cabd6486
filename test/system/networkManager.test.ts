// The connection as NetworkManager reports it, from python-dbusmock's NetworkManager on a private system bus.
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionState } from '../../main/buteo/connectionRule.js';
import { NetworkMonitor } from '../../main/system/networkManager.js';
import { setNetwork, startBus, startDbusMock, waitFor, type DbusMock, type TestBus } from '../helpers/buses.js';

const NM = 'org.freedesktop.NetworkManager';

describe('the NetworkManager monitor', () => {
  let system: TestBus | undefined;
  let nm: DbusMock | undefined;
  let monitor: NetworkMonitor | undefined;

  afterEach(async () => {
    await monitor?.close();
    await nm?.stop();
    await system?.stop();
  });

  it('follows metered mobile data, then Wi-Fi, and counts everything as allowed when NetworkManager stops', async () => {
    system = await startBus('system');
    nm = await startDbusMock('networkmanager', system, NM);
    const client = await system.client();
    await setNetwork(client, { PrimaryConnectionType: 'gsm', Metered: 3 }, true);
    const notes: string[] = [];
    monitor = await NetworkMonitor.start({ DBUS_SYSTEM_BUS_ADDRESS: system.address }, (n) => notes.push(n));
    expect(monitor.state).toEqual({ kind: 'mobile', description: 'mobile data (gsm, metered)' });

    const changed = once(monitor, 'change') as Promise<[ConnectionState]>;
    await setNetwork(client, { PrimaryConnectionType: '802-11-wireless', Metered: 4 });
    expect((await changed)[0]).toEqual({ kind: 'wlan', description: 'Wi-Fi' });

    // A phone's hotspot: Wi-Fi that NetworkManager guesses is metered counts as mobile data.
    await setNetwork(client, { PrimaryConnectionType: '802-11-wireless', Metered: 3 });
    await waitFor('metered Wi-Fi', () => monitor!.state.kind === 'mobile');

    await nm.stop();
    await waitFor('NetworkManager gone', () => monitor!.state.kind === 'unknown');
    expect(notes).toEqual([
      'Connection: mobile data (gsm, metered).',
      'Connection: Wi-Fi.',
      'Connection: a metered connection (802-11-wireless).',
      'NetworkManager is not running: every connection counts as allowed for automatic backups.',
    ]);
  });

  it('without a system bus, says once that every connection counts as allowed', async () => {
    const notes: string[] = [];
    monitor = await NetworkMonitor.start({ DBUS_SYSTEM_BUS_ADDRESS: 'unix:path=/nonexistent/bus' }, (n) =>
      notes.push(n),
    );
    expect(monitor.state.kind).toBe('unknown');
    expect(notes.filter((n) => n.includes('every connection counts as allowed'))).toHaveLength(1);
  });
});
