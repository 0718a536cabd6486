// sfbackup service install | uninstall | status — keep the daemon available without a terminal open.
import { InputError } from '../errors.js';
import { defaultDaemonSettings, ServiceInstaller } from '../service/ServiceInstaller.js';
import type { ServiceStatus } from '../service/serviceStatus.js';
import type { CommandArgs } from './args.js';
import type { Cli } from './Cli.js';

const MAX_IDLE_SECONDS = 7 * 24 * 3600;

/** --exit-when-idle SECONDS, shared by `daemon` and `service install`; undefined when not given. */
export function idleSecondsFrom(args: CommandArgs): number | undefined {
  const text = args.string('exit-when-idle');
  if (text === undefined) return undefined;
  const seconds = Number(text);
  if (!/^\d+$/.test(text) || seconds < 1 || seconds > MAX_IDLE_SECONDS)
    throw new InputError(`--exit-when-idle takes a number of seconds from 1 to ${MAX_IDLE_SECONDS}, not "${text}"`);
  return seconds;
}

function show(cli: Cli, status: ServiceStatus, done?: string): void {
  cli.out.result(status, () => [...(done ? [done] : []), ...status.summary]);
}

export async function service(cli: Cli, args: CommandArgs): Promise<void> {
  const [action, ...extra] = args.positionals;
  if (extra.length > 0) throw new InputError(`Unexpected argument "${extra[0]}"`);
  const installer = new ServiceInstaller(cli.paths.dataDir, cli.env, (text) => cli.out.note(text));
  switch (action) {
    case 'install': {
      const settings = {
        exitWhenIdleSeconds: idleSecondsFrom(args) ?? defaultDaemonSettings.exitWhenIdleSeconds,
        notifyFinished: args.flag('notify-finished'),
      };
      return show(cli, await installer.install(settings), 'Installed.');
    }
    case 'uninstall':
      return show(cli, await installer.uninstall(), 'Uninstalled.');
    case 'status':
      return show(cli, await installer.status());
    default:
      throw new InputError(
        'Usage: sfbackup service install [--exit-when-idle SECONDS] [--notify-finished] | uninstall | status',
      );
  }
}
