// The Settings UI's sync profile calls (the developers' Sync profiles page): every profile with its keys,
// schedule and last result, one profile's XML and results log, and running or aborting one.
import type { SyncProfile } from '../buteo/SyncProfile.js';
import { InputError } from '../errors.js';
import type { CallArgs, CallResult, ProfileSummary } from '../ipc/contract.js';
import type { DaemonSession } from '../session.js';
import type { Stores } from '../stores.js';

type ProfileCall = 'profiles.list' | 'profiles.get' | 'profiles.run' | 'profiles.abort';
type Handlers = { [C in ProfileCall]: (...args: CallArgs<C>) => Promise<CallResult<C>> | CallResult<C> };

function profileSummary(stores: Stores, p: SyncProfile, running: string[]): ProfileSummary {
  const last = stores.profiles.results(p.name).at(-1);
  const schedule = p.schedule;
  return {
    name: p.name,
    displayName: p.displayName,
    accountId: p.accountId ?? null,
    client: p.clientPlugin ?? null,
    enabled: p.enabled,
    schedule: schedule
      ? {
          enabled: schedule.enabled,
          interval: schedule.interval,
          days: schedule.days,
          ...(schedule.time ? { time: schedule.time } : {}),
        }
      : null,
    keys: p.keys(),
    running: running.includes(p.name),
    lastResult: last
      ? {
          time: last.time,
          majorCode: last.majorCode,
          minorCode: last.minorCode,
          scheduled: last.scheduled,
          ...(last.message ? { message: last.message } : {}),
        }
      : null,
  };
}

export function profileHandlers(context: () => { stores: Stores; session: DaemonSession }): Handlers {
  return {
    'profiles.list': async () => {
      const { stores, session } = context();
      const running = await session.msyncd.runningSyncs();
      return stores.profiles.list().map((p) => profileSummary(stores, p, running));
    },
    'profiles.get': async (name) => {
      const { stores, session } = context();
      const profile = stores.profiles.load(name);
      if (!profile) throw new InputError(`No sync profile ${name}`);
      const running = await session.msyncd.runningSyncs();
      const log = stores.profiles.results(name).map((r) => ({
        time: r.time,
        majorCode: r.majorCode,
        minorCode: r.minorCode,
        scheduled: r.scheduled,
        ...(r.message ? { message: r.message } : {}),
      }));
      return { summary: profileSummary(stores, profile, running), xml: profile.toXml(), log };
    },
    'profiles.run': (name) => context().session.msyncd.startSync(name),
    'profiles.abort': async (name) => {
      await context().session.msyncd.abortSync(name);
      return null;
    },
  };
}
