// Adding or editing an account signs in first, against real servers that are wrong in each way a
// user meets: the cause comes back naming the field to fix, and nothing is saved.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dispatchCall } from '../../main/bridge/dispatch.js';
import type { AccountSave, CallError, SignInStatus } from '../../main/ipc/contract.js';
import { startApache, startRclone, type WebDavServer } from '../helpers/processes.js';
import { startWorld, type World } from '../helpers/world.js';
import {
  refusedUrl,
  selfSignedCertificate,
  startSilentServer,
  unknownHostUrl,
  type SilentServer,
} from '../helpers/wrongServers.js';

describe('signing in before an account is saved', () => {
  let world: World;
  let rclone: WebDavServer;
  let tls: WebDavServer;
  let apache: WebDavServer;
  let silent: SilentServer;

  const call = async <T>(name: string, ...args: unknown[]): Promise<T> => {
    const outcome = await dispatchCall(world.bridge, name, args);
    if (!outcome.ok) throw new Error(`${name} failed: ${outcome.error.message}`);
    return outcome.result as T;
  };
  const add = (input: Record<string, unknown>) =>
    call<AccountSave>('accounts.add', { provider: 'webdav', username: 'alice', password: 'right', ...input });
  const accountCount = async () => (await call<unknown[]>('accounts.list')).length;

  beforeAll(async () => {
    [world, rclone, tls, apache, silent] = await Promise.all([
      startWorld(),
      startRclone({ user: 'alice', password: 'right' }),
      startRclone({ user: 'alice', password: 'right', tls: selfSignedCertificate() }),
      startApache({ user: 'alice', password: 'right' }),
      startSilentServer(),
    ]);
  });
  afterAll(async () => {
    await world?.close();
    await Promise.all([rclone?.stop(), tls?.stop(), apache?.stop(), silent?.close()]);
  });

  it('refuses a wrong password at the credentials, and saves nothing', async () => {
    const r = await add({ serverAddress: rclone.url, password: 'wrong' });
    expect(r.account).toBeNull();
    expect(r.signIn).toMatchObject({
      state: 'failed',
      problem: { kind: 'auth', field: 'credentials', httpStatus: 401 },
    });
    expect(r.signIn.problem?.message).toContain('refused the user name or password');
    expect(await accountCount()).toBe(0);
  });

  it('says a refused port, an unknown host and a silent server are the server address', async () => {
    const refused = await add({ serverAddress: await refusedUrl() });
    expect(refused.signIn.problem).toMatchObject({ kind: 'refused', field: 'server', detail: 'ECONNREFUSED' });
    expect(refused.signIn.problem?.message).not.toMatch(/ECONN/);

    const unknown = await add({ serverAddress: unknownHostUrl });
    expect(unknown.signIn.problem).toMatchObject({ kind: 'unknown-host', field: 'server' });
    expect(unknown.signIn.problem?.message).toContain('server name was not found');

    const started = Date.now();
    const quiet = await add({ serverAddress: silent.url });
    expect(quiet.signIn.problem).toMatchObject({ kind: 'timeout', field: 'server' });
    expect(quiet.signIn.problem?.message).toMatch(/did not answer within 8 s/);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(await accountCount()).toBe(0);
  });

  it('stops a check the user cancels, and saves nothing', async () => {
    const pending = add({ serverAddress: silent.url, checkId: 'check-1' });
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    await call('accounts.cancelCheck', 'check-1');
    expect((await pending).signIn.state).toBe('cancelled');
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(await accountCount()).toBe(0);
  });

  it('names an untrusted certificate, and signs in once the account ignores SSL errors', async () => {
    const refused = await add({ serverAddress: tls.url });
    expect(refused.signIn.problem).toMatchObject({ kind: 'certificate', field: 'server' });
    const accepted = await add({ serverAddress: tls.url, ignoreSslErrors: true });
    expect(accepted.signIn.state).toBe('ok');
    expect(accepted.account?.signIn).toMatchObject({ state: 'ok', source: 'sign-in' });
    await call('accounts.remove', accepted.account!.id);
  });

  it('points at the paths when the WebDAV folder is missing or the backups path leaves it', async () => {
    const wrongUser = await add({ serverAddress: apache.url, webdavPath: '/remote.php/dav/files/carol' });
    expect(wrongUser.signIn.problem).toMatchObject({ field: 'webdavPath', path: '/remote.php/dav/files/carol' });

    const outside = await add({ serverAddress: apache.url, webdavPath: apache.webdavPath, backupsPath: '/Backups' });
    expect(outside.signIn.problem).toMatchObject({ field: 'backupsPath', path: '/Backups' });
    expect(outside.signIn.problem?.message).toContain(
      `The backups path starts at the server root, as on Sailfish; your files are under ${apache.webdavPath}.`,
    );
    expect(await accountCount()).toBe(0);

    const inside = await add({
      serverAddress: apache.url,
      webdavPath: apache.webdavPath,
      backupsPath: `${apache.webdavPath}/Backups`,
    });
    expect(inside.signIn.state).toBe('ok');
    expect(inside.account?.backupsPath).toBe(`${apache.webdavPath}/Backups`);
    await call('accounts.remove', inside.account!.id);
  });

  it('saves an offline server when asked, marked as not signed in', async () => {
    const r = await add({ serverAddress: await refusedUrl(), offline: true });
    expect(r.signIn.state).toBe('unchecked');
    expect(r.account?.signIn).toMatchObject({ state: 'unchecked' });
    await call('accounts.remove', r.account!.id);
  });

  it('keeps the old password when a new one is refused, and records failures of later runs', async () => {
    const { account } = await add({ serverAddress: rclone.url });
    const id = account!.id;
    const edit = await call<AccountSave>('accounts.update', { id, password: 'wrong' });
    expect(edit).toMatchObject({ account: null, signIn: { problem: { kind: 'auth', field: 'credentials' } } });
    expect((await call<SignInStatus>('accounts.check', { accountId: id })).state).toBe('ok');
    // Renaming signs in to nothing: the server is not part of the change.
    await rclone.stop();
    expect((await call<AccountSave>('accounts.update', { id, name: 'Renamed' })).account?.name).toBe('Renamed');

    const listing = await dispatchCall(world.bridge, 'backup.list', [id]);
    expect(listing.ok).toBe(false);
    const error = (listing as { error: CallError }).error;
    expect(error.problem).toMatchObject({ kind: 'refused', field: 'server', accountId: id });
    const [listed] = await call<Array<{ signIn: SignInStatus }>>('accounts.list');
    expect(listed?.signIn).toMatchObject({ state: 'failed', source: 'list', problem: { kind: 'refused' } });
    await rclone.restart();
  });
});
