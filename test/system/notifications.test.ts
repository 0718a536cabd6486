// Notifications for automatic backups, shown by python-dbusmock's notification server on a private bus.
import { EventEmitter } from 'node:events';
import dbus from 'dbus-next';
import { afterEach, describe, expect, it } from 'vitest';
import { serializeResults, type SyncResults } from '../../main/buteo/syncLog.js';
import { DesktopNotifier } from '../../main/system/notifications.js';
import { startBus, startDbusMock, waitFor, type DbusMock, type TestBus } from '../helpers/buses.js';
import { connectBus, waitConnected, type MessageBus } from '../../main/dbus/bus.js';

const SERVER = 'org.freedesktop.Notifications';
const PATH = '/org/freedesktop/Notifications';

const failed: SyncResults = {
  time: '2026-11-26T08:40:00.000Z',
  majorCode: 1,
  minorCode: 402,
  scheduled: true,
  message: 'The server refused the user name or password (HTTP 401).',
  targets: [],
};

describe('desktop notifications', () => {
  let session: TestBus | undefined;
  let server: DbusMock | undefined;
  let notifier: DesktopNotifier | undefined;
  let bus: MessageBus | undefined;

  afterEach(async () => {
    await notifier?.close();
    bus?.disconnect();
    await server?.stop();
    await session?.stop();
  });

  async function attach(options: { notifyFinished?: boolean; caps?: string } = {}) {
    session = await startBus('session');
    if (options.caps !== undefined)
      server = await startDbusMock('notification_daemon', session, SERVER, { capabilities: options.caps });
    bus = connectBus(session.address);
    await waitConnected(bus);
    const source = new EventEmitter<{ resultsAvailable: [string, string] }>();
    const opened: string[] = [];
    const notes: string[] = [];
    notifier = await DesktopNotifier.attach(bus, source, {
      notifyFinished: options.notifyFinished ?? false,
      describe: (profile) => (profile === 'webdav.Backup-1' ? 'alice@cloud.example.com' : undefined),
      openBackupPage: () => opened.push('backup'),
      note: (text) => notes.push(text),
    });
    const client = await session.client();
    const notifies = async () => (await server!.calls(client, PATH)).filter((c) => c.method === 'Notify');
    const announce = (results: SyncResults, profile = 'webdav.Backup-1') =>
      source.emit('resultsAvailable', profile, serializeResults(results));
    return { client, opened, notes, notifies, announce };
  }

  it('says once, with the cause, that an automatic backup failed, and its action opens the Backup page', async () => {
    const { client, opened, notifies, announce } = await attach({ caps: 'body actions' });
    announce(failed);
    announce(failed); // the same run announced twice still makes one notification
    announce({ ...failed, scheduled: false }); // a manual run is watched on screen: no notification
    announce({ ...failed, majorCode: 0, minorCode: 0, time: '2026-11-27T08:40:00.000Z' });
    await waitFor('a notification', async () => (await notifies()).length > 0);
    await new Promise((r) => setTimeout(r, 300));
    const calls = await notifies();
    expect(calls).toHaveLength(1);
    const [app, , , summary, body, actions] = calls[0]!.args as [string, number, string, string, string, string[]];
    expect(app).toBe('Sailfish Backup');
    expect(summary).toBe('Automatic backup failed');
    expect(body).toBe(
      'The automatic backup to alice@cloud.example.com did not finish. The server refused the user name or password (HTTP 401). Your data was not backed up this time.',
    );
    expect(actions).toEqual(['default', 'Open Backup settings']);

    // The user clicks it: the server says which notification and which action.
    await client.call(SERVER, PATH, 'org.freedesktop.DBus.Mock', 'EmitSignal', 'sssav', [
      'org.freedesktop.Notifications',
      'ActionInvoked',
      'us',
      [new dbus.Variant('u', 1), new dbus.Variant('s', 'default')],
    ]);
    await waitFor('the Backup page to open', () => opened.length === 1);
  });

  it('announces a finished automatic backup only when asked, and offers no action the server cannot show', async () => {
    const { notifies, announce } = await attach({ caps: 'body', notifyFinished: true });
    announce({ ...failed, majorCode: 0, minorCode: 0, message: undefined });
    await waitFor('a notification', async () => (await notifies()).length > 0);
    const [, , , summary, body, actions] = (await notifies())[0]!.args as string[];
    expect([summary, body, actions]).toEqual([
      'Automatic backup finished',
      'Your data was backed up to alice@cloud.example.com.',
      [],
    ]);
  });

  it('sends nothing, and says so once, when no notification server runs', async () => {
    const { notes, announce } = await attach();
    announce(failed);
    announce({ ...failed, time: '2026-11-27T08:40:00.000Z' });
    await waitFor('the notice', () => notes.length > 0);
    await new Promise((r) => setTimeout(r, 200));
    // A Notify call to nobody would have failed and said "Could not show a notification".
    expect(notes).toEqual(['No notification server runs: failures show only in the log.']);
  });
});
