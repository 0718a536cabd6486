// The Settings UI's sync profile calls (the developers' Sync profiles page): every profile with its keys,
// schedule and last result, one profile's XML and results log, and running or aborting one.
import { profileSummary } from '../buteo/profileSummary.js';
import type { SyncProfile } from '../buteo/SyncProfile.js';
import { InputError } from '../errors.js';
import type { CallArgs, CallResult, ProfileSummary } from '../ipc/contract.js';
import type { DaemonSession } from '../session.js';
import type { Stores } from '../stores.js';

type ProfileCall = 'profiles.list' | 'profiles.get' | 'profiles.run' | 'profiles.abort';
type Handlers = { [C in ProfileCall]: (...args: CallArgs<C>) => Promise<CallResult<C>> | CallResult<C> };

/** This computer's profile with its last result from the results log. */
function summaryOf(stores: Stores, p: SyncProfile, running: string[]): ProfileSummary {
  return profileSummary(p, stores.profiles.results(p.name).at(-1), running);
}

export function profileHandlers(context: () => { stores: Stores; session: DaemonSession }): Handlers {
  return {
    'profiles.list': async () => {
      const { stores, session } = context();
      const running = await session.msyncd.runningSyncs();
      return stores.profiles.list().map((p) => summaryOf(stores, p, running));
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
      return { summary: summaryOf(stores, profile, running), xml: profile.toXml(), log };
    },
    'profiles.run': (name) => context().session.msyncd.startSync(name),
    'profiles.abort': async (name) => {
      await context().session.msyncd.abortSync(name);
      return null;
    },
  };
}
