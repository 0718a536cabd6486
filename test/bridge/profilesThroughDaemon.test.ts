// The UI bridge changes sync profiles only through the sync daemon's own methods: it keeps the daemon's
// guard (no removal while a profile runs) and every bus client hears each change (signalProfileChanged).
import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProfileChange } from '../../main/buteo/ProfileManager.js';
import { SyncStatus } from '../../main/buteo/codes.js';
import type { AccountSave } from '../../main/ipc/contract.js';
import { dispatchCall } from '../../main/bridge/dispatch.js';
import { startWorld, type World } from '../helpers/world.js';
import { startSilentServer, type SilentServer } from '../helpers/wrongServers.js';

describe('profiles through the daemon', () => {
  let world: World;
  let silent: SilentServer;
  const changes: Array<[string, number]> = [];

  const call = async <T>(name: string, ...args: unknown[]) => {
    const outcome = await dispatchCall(world.bridge, name, args);
    return outcome.ok
      ? { ok: true as const, result: outcome.result as T }
      : { ok: false as const, error: outcome.error };
  };

  const news = new EventEmitter();
  /** Resolves when the daemon has said, on the bus, that the profile changed in that way. */
  const heard = (profile: string, change: number) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!changes.some(([p, c]) => p === profile && c === change)) return;
        news.off('change', check);
        resolve();
      };
      news.on('change', check);
      check();
    });

  beforeAll(async () => {
    [world, silent] = await Promise.all([startWorld(), startSilentServer()]);
    await world.session.msyncd.onProfileChanged((profile, change) => {
      changes.push([profile, change]);
      news.emit('change');
    });
  });
  afterAll(async () => {
    await world?.close();
    await silent?.close();
  });

  it('creates an account’s profiles with the daemon, which tells the bus', async () => {
    const added = await call<AccountSave>('accounts.add', {
      provider: 'webdav',
      serverAddress: silent.url,
      username: 'u',
      password: 'p',
      offline: true,
    });
    expect(added.ok).toBe(true);
    const id = added.ok ? added.result.account!.id : 0;
    for (const op of ['Backup', 'BackupQuery', 'BackupRestore']) await heard(`webdav.${op}-${id}`, ProfileChange.Added);
    expect(world.stores.accounts.get(id).profileIds).toEqual({
      Backup: `webdav.Backup-${id}`,
      BackupQuery: `webdav.BackupQuery-${id}`,
      BackupRestore: `webdav.BackupRestore-${id}`,
    });
  });

  it('refuses to remove an account while one of its profiles runs, and removes it with the daemon after', async () => {
    const id = world.stores.accounts.list()[0]!.id;
    const query = `webdav.BackupQuery-${id}`;
    const started = new Promise<void>((resolve) => {
      void world.session.msyncd.onSyncStatus((e) => {
        if (e.profile === query && e.status === SyncStatus.Started) resolve();
      });
    });
    // The listing waits on a server that never answers: the profile runs until it is aborted.
    expect(await world.session.msyncd.startSync(query)).toBe(true);
    await started;
    const refused = await call<null>('accounts.remove', id);
    expect(refused.ok).toBe(false);
    expect(refused.ok ? '' : refused.error.message).toMatch(new RegExp(`${query.replace('.', '\\.')} is running`));
    expect(world.stores.accounts.list().map((a) => a.id)).toContain(id);
    expect(existsSync(world.stores.profiles.file(query))).toBe(true);

    const ended = new Promise<void>((resolve) => {
      void world.session.msyncd.onSyncStatus((e) => {
        if (e.profile === query && e.status !== SyncStatus.Started && e.status !== SyncStatus.Progress) resolve();
      });
    });
    await world.session.msyncd.abortSync(query);
    await ended;
    const removed = await call<null>('accounts.remove', id);
    expect(removed.ok).toBe(true);
    for (const op of ['Backup', 'BackupQuery', 'BackupRestore'])
      await heard(`webdav.${op}-${id}`, ProfileChange.Removed);
    expect(world.stores.profiles.forAccount(id)).toEqual([]);
    expect(world.stores.accounts.list()).toEqual([]);
  });
});
