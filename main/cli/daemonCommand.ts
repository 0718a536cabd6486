// sfbackup daemon — the sync daemon and the backup service on the session bus until SIGINT/SIGTERM.
import { once } from 'node:events';
import { openSessionBus } from '../dbus/bus.js';
import { Engine } from '../engine.js';
import type { Cli } from './Cli.js';

export async function daemon(cli: Cli): Promise<void> {
  const connection = await openSessionBus(cli.env, (text) => cli.out.note(text));
  try {
    const engine = await Engine.start(cli.stores, connection.bus, { busAddress: connection.address });
    cli.out.note(`com.meego.msyncd and org.sailfishos.backup are running on ${connection.address}`);
    if (connection.privateDaemon)
      cli.out.note(`Other tools can reach them with: export DBUS_SESSION_BUS_ADDRESS='${connection.address}'`);
    await Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
    cli.out.note('Stopping: cancelling running operations…');
    await engine.stop();
    cli.out.result({ stopped: true }, () => 'Stopped');
  } finally {
    await connection.close();
  }
}
