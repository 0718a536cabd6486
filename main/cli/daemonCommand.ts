// sfbackup daemon [--only vault|msyncd] — the sync daemon and the backup service on the session bus until
// SIGINT/SIGTERM (or, when started on demand with --exit-when-idle, until it has been idle for that long);
// with --only, one of them, beside another implementation of the other.
import { once } from 'node:events';
import { openSessionBus } from '../dbus/bus.js';
import { Engine } from '../engine.js';
import { InputError } from '../errors.js';
import { MSYNCD_SERVICE } from '../buteo/msyncdNames.js';
import { AlwaysOn } from '../service/AlwaysOn.js';
import { VAULT_SERVICE } from '../vault/vaultNames.js';
import type { CommandArgs } from './args.js';
import type { Cli } from './Cli.js';
import { idleSecondsFrom } from './serviceCommand.js';

function parseOnly(value: string | undefined): 'vault' | 'msyncd' | undefined {
  if (value === undefined || value === 'vault' || value === 'msyncd') return value;
  throw new InputError(`--only takes "vault" or "msyncd", not "${value}"`);
}

export async function daemon(cli: Cli, args: CommandArgs): Promise<void> {
  const note = (text: string) => cli.out.note(text);
  const only = parseOnly(args.string('only'));
  // Listen from the start: a SIGTERM while starting up still stops cleanly instead of killing mid-write.
  const signalled = Promise.race([once(process, 'SIGINT'), once(process, 'SIGTERM')]);
  const idleSeconds = idleSecondsFrom(args);
  const always = await AlwaysOn.prepare(
    cli.env,
    {
      exitWhenIdleMs: idleSeconds === undefined ? undefined : idleSeconds * 1000,
      notifyFinished: args.flag('notify-finished'),
    },
    note,
  );
  const connection = await openSessionBus(cli.env, note);
  try {
    let engine: Engine;
    try {
      engine = await Engine.start(cli.stores, connection.bus, {
        ...always.engineOptions,
        ...(only ? { only } : {}),
        busAddress: connection.address,
      });
    } catch (err) {
      if (!(await always.yieldsToRunningDaemon(connection.bus))) throw err;
      note('Another sync daemon already runs on this bus; leaving the work to it.');
      return;
    }
    const names =
      only === 'vault' ? VAULT_SERVICE : only === 'msyncd' ? MSYNCD_SERVICE : `${MSYNCD_SERVICE} and ${VAULT_SERVICE}`;
    note(`${names} ${only ? 'is' : 'are'} running on ${connection.address}`);
    if (connection.privateDaemon)
      cli.out.note(`Other tools can reach them with: export DBUS_SESSION_BUS_ADDRESS='${connection.address}'`);
    await always.attach(engine, connection.bus, cli.stores);
    const ended = await Promise.race([signalled, always.ended]);
    if (ended === 'idle') note('Idle: nothing runs, waits or is scheduled; leaving until the next call.');
    else if (ended === 'bus-lost') note('The session bus went away: stopping.');
    else note('Stopping: cancelling running operations…');
    // Without a bus the engine's goodbye calls cannot be answered: do not wait for them forever.
    const stopping = engine.stop();
    await (ended === 'bus-lost' ? Promise.race([stopping, new Promise((r) => setTimeout(r, 5000))]) : stopping);
    cli.out.result({ stopped: true, ...(typeof ended === 'string' ? { reason: ended } : {}) }, () => 'Stopped');
  } finally {
    await always.stop();
    await connection.close();
  }
}
