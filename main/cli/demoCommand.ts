// sfbackup demo — the whole cloud flow with no server of one's own: a WebDAV server on loopback, an
// account on it and sample folders, in a data dir of the demo's own under a temporary folder, shown in
// the same UI as `sfbackup ui`. Everything it made is removed when it ends.
import { DemoWorld, DEMO_USER } from '../demo/DemoWorld.js';
import { ensureAccountProfiles } from '../operations.js';
import type { CommandArgs } from './args.js';
import { Cli } from './Cli.js';
import { ui } from './uiCommand.js';

/** The demo's own environment: its home folder, and no session bus, keyring or accounts of the user's. */
function demoEnv(env: NodeJS.ProcessEnv, home: string): NodeJS.ProcessEnv {
  const own: NodeJS.ProcessEnv = { ...env, HOME: home };
  for (const name of ['DBUS_SESSION_BUS_ADDRESS', 'ACCOUNTS', 'AG_PROVIDERS', 'AG_SERVICES', 'SFBACKUP_DATA_DIR'])
    delete own[name];
  return own;
}

export async function demo(cli: Cli, args: CommandArgs): Promise<void> {
  const world = await DemoWorld.start();
  const demoCli = new Cli(cli.out, world.dataDir, demoEnv(cli.env, world.home));
  try {
    const account = await demoCli.stores.accounts.add({
      provider: 'webdav',
      serverAddress: world.serverUrl,
      username: DEMO_USER,
      password: world.password,
      name: 'Demo server',
    });
    ensureAccountProfiles(demoCli.stores, account.id);
    for (const folder of world.sampleFolders) demoCli.stores.units.add(folder);
    cli.out.note(
      `Demo: a WebDAV server at ${world.serverUrl} with the account "${DEMO_USER}", and sample folders in ` +
        `${world.home}. Everything is removed when the demo ends (Ctrl-C, closing its window, or "End demo").`,
    );
    let end!: () => void;
    // A moment for the answer to "End demo" to reach the page before the server closes.
    const ended = new Promise<void>((resolve) => (end = () => void setTimeout(resolve, 300)));
    await ui(demoCli, args, { bridge: { demo: { serverUrl: world.serverUrl, end } }, until: ended });
  } finally {
    await demoCli.close();
    await world.stop();
  }
}
