// A private session bus with the engine on it, and the stores behind it: what the UI transports attach to.
import { resolvePaths } from '../../main/paths.js';
import { DaemonSession } from '../../main/session.js';
import { openStores, type Stores } from '../../main/stores.js';
import { SettingsBridge } from '../../main/bridge/SettingsBridge.js';
import { PrivateBusDaemon } from '../../main/dbus/bus.js';
import { tempDir } from './processes.js';

export interface World {
  bus: PrivateBusDaemon;
  stores: Stores;
  session: DaemonSession;
  bridge: SettingsBridge;
  dataDir: string;
  close(): Promise<void>;
}

export async function startWorld(dataDir = tempDir()): Promise<World> {
  const bus = await PrivateBusDaemon.start();
  const env = { DBUS_SESSION_BUS_ADDRESS: bus.address };
  const stores = openStores(resolvePaths({ dataDir, env }), env);
  const session = await DaemonSession.open(stores, env, () => {}, {
    deviceId: 'Test-Desktop_0123456789ab',
    scheduleCheckMs: 0,
  });
  const bridge = await SettingsBridge.attach(stores, session);
  return {
    bus,
    stores,
    session,
    bridge,
    dataDir,
    async close() {
      await bridge.close();
      await session.close();
      stores.close();
      await bus.stop();
    },
  };
}
