// sfbackup daemon [--only vault|msyncd] — the sync daemon and the backup service on the session bus
// until SIGINT/SIGTERM; with --only, one of them, beside another implementation of the other.
import { once } from 'node:events';
import { openSessionBus } from '../dbus/bus.js';
import { Engine } from '../engine.js';
import { InputError } from '../errors.js';
import { MSYNCD_SERVICE } from '../buteo/msyncdService.js';
import { VAULT_SERVICE } from '../vault/vaultService.js';
import type { CommandArgs } from './args.js';
import type { Cli } from './Cli.js';

function parseOnly(value: string | undefined): 'vault' | 'msyncd' | undefined {
  if (value === undefined || value === 'vault' || value === 'msyncd') return value;
  throw new InputError(`--only takes "vault" or "msyncd", not "${value}"`);
}

export async function daemon(cli: Cli, args: CommandArgs): Promise<void> {
  const only = parseOnly(args.string('only'));
  const connection = await openSessionBus(cli.env, (text) => cli.out.note(text));
  try {
    const engine = await Engine.start(cli.stores, connection.bus, only ? { only } : {});
    const names =
      only === 'vault' ? VAULT_SERVICE : only === 'msyncd' ? MSYNCD_SERVICE : `${MSYNCD_SERVICE} and ${VAULT_SERVICE}`;
    cli.out.note(`${names} ${only ? 'is' : 'are'} running on ${connection.address}`);
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
