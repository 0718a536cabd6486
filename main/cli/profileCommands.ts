// sfbackup profiles create|list|show|log, units add|list|remove
import { ensureAccountProfiles } from '../operations.js';
import type { SyncProfile } from '../buteo/SyncProfile.js';
import { majorName } from '../buteo/codes.js';
import { InputError } from '../errors.js';
import type { Stores } from '../stores.js';
import type { Cli } from './Cli.js';
import { parseAccountId, type CommandArgs } from './args.js';

function profileSummary(stores: Stores, p: SyncProfile) {
  const last = stores.profiles.results(p.name).at(-1);
  return {
    name: p.name,
    displayname: p.displayName,
    accountid: p.accountId ?? null,
    client: p.clientPlugin ?? null,
    enabled: p.enabled,
    schedule: p.schedule ?? null,
    last_result: last ?? null,
  };
}

export async function profiles(cli: Cli, args: CommandArgs): Promise<void> {
  const [sub, arg] = args.positionals;
  const stores = cli.stores;
  switch (sub) {
    case 'create': {
      const id = parseAccountId(arg);
      await cli.announceAccountChanges();
      const created = Object.values(ensureAccountProfiles(stores, id)).map((p) => p.name);
      cli.out.result(created, () => created);
      return;
    }
    case 'list':
    case undefined: {
      const list = stores.profiles.list().map((p) => profileSummary(stores, p));
      for (const problem of stores.profiles.problems)
        cli.out.note(`warning: skipped ${problem.file}: ${problem.message}`);
      cli.out.result(list, () =>
        list.map((p) =>
          `${p.name.padEnd(32)} account ${String(p.accountid ?? '-').padEnd(4)} ${p.enabled ? 'enabled ' : 'disabled'} ${p.schedule?.enabled ? `scheduled ${p.schedule.time ?? ''}` : ''}`.trimEnd(),
        ),
      );
      return;
    }
    case 'show': {
      if (!arg) throw new InputError('profiles show needs a profile name');
      const profile = stores.profiles.load(arg);
      if (!profile) throw new InputError(`No sync profile ${arg}`);
      cli.out.result({ ...profileSummary(stores, profile), xml: profile.toXml() }, () => profile.toXml().trimEnd());
      return;
    }
    case 'log': {
      if (!arg) throw new InputError('profiles log needs a profile name');
      if (!stores.profiles.load(arg)) throw new InputError(`No sync profile ${arg}`);
      const results = stores.profiles.results(arg);
      cli.out.result(results, () =>
        results.length === 0
          ? ['No runs yet']
          : results.map((r) =>
              `${r.time}  ${majorName(r.majorCode)}${r.minorCode ? ` (${r.minorCode})` : ''}${r.scheduled ? '  scheduled' : ''}  ${r.message ?? ''}`.trimEnd(),
            ),
      );
      return;
    }
    default:
      throw new InputError(`Unknown command "profiles ${sub}" (create, list, show, log)`);
  }
}

export function units(cli: Cli, args: CommandArgs): void {
  const [sub, arg] = args.positionals;
  const store = cli.stores.units;
  switch (sub) {
    case 'add': {
      if (!arg) throw new InputError('units add needs a folder');
      const unit = store.add(arg, args.string('name'));
      cli.out.result(unit, () => `Backing up ${unit.path} as "${unit.name}"`);
      return;
    }
    case 'remove': {
      if (!arg) throw new InputError('units remove needs a folder or unit name');
      const unit = store.remove(arg);
      cli.out.result(unit, () => `No longer backing up ${unit.path}`);
      return;
    }
    case 'list':
    case undefined: {
      const list = store.list();
      cli.out.result(list, () =>
        list.length === 0
          ? ['Nothing is backed up yet. Add a folder with: sfbackup units add PATH']
          : list.map((u) => `${u.name.padEnd(20)} ${u.path}`),
      );
      return;
    }
    default:
      throw new InputError(`Unknown command "units ${sub}" (add, list, remove)`);
  }
}
