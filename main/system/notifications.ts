// Desktop notifications (org.freedesktop.Notifications, the Desktop Notifications spec) for automatic
// backups: a failed scheduled run says so with its cause and offers to open the Backup page; a finished
// one is announced only when asked. Without a notification server nothing is sent.
import dbus from 'dbus-next';
import { MajorCode } from '../buteo/codes.js';
import { resultsFromElement, type SyncResults } from '../buteo/syncLog.js';
import { parseXml } from '../buteo/xmlTree.js';
import type { MessageBus } from '../dbus/bus.js';
import { DBusClient } from '../dbus/DBusClient.js';
import { errorMessage } from '../errors.js';

const SERVICE = 'org.freedesktop.Notifications';
const PATH = '/org/freedesktop/Notifications';
const INTERFACE = 'org.freedesktop.Notifications';
const OPEN_ACTION = 'default';

/** What the daemon emits when a run ends: its profile and the results-log entry (buteo SyncResults XML). */
export interface ResultsSource {
  on(event: 'resultsAvailable', listener: (profile: string, resultsXml: string) => void): unknown;
  off(event: 'resultsAvailable', listener: (profile: string, resultsXml: string) => void): unknown;
}

export interface NotifierOptions {
  /** Announce finished automatic backups too, not only failures. */
  notifyFinished: boolean;
  /** Where a run went, in the user's words ("alice@cloud.example.com"); undefined when unknown. */
  describe(profile: string): string | undefined;
  /** The notification's action: open the Backup page. */
  openBackupPage(): void;
  note(text: string): void;
}

export interface NotificationText {
  summary: string;
  body: string;
}

/** The words of a notification for a run's results; undefined when the run deserves none. */
export function notificationFor(
  results: SyncResults,
  target: string | undefined,
  notifyFinished: boolean,
): NotificationText | undefined {
  if (!results.scheduled) return undefined;
  const where = target ? ` to ${target}` : '';
  if (results.majorCode === MajorCode.Failed) {
    const cause = results.message?.trim() || `The sync daemon reported error ${results.minorCode}.`;
    return {
      summary: 'Automatic backup failed',
      body: `The automatic backup${where} did not finish. ${cause} Your data was not backed up this time.`,
    };
  }
  if (results.majorCode === MajorCode.Success && notifyFinished)
    return { summary: 'Automatic backup finished', body: `Your data was backed up${where}.` };
  return undefined;
}

export class DesktopNotifier {
  private readonly ours = new Set<number>();
  private readonly notified = new Set<string>();
  private readonly offs: Array<() => Promise<void> | void> = [];
  private saidNoServer = false;

  private constructor(
    private readonly client: DBusClient,
    private readonly options: NotifierOptions,
  ) {}

  static async attach(bus: MessageBus, source: ResultsSource, options: NotifierOptions): Promise<DesktopNotifier> {
    const notifier = new DesktopNotifier(new DBusClient(bus), options);
    const onResults = (profile: string, xml: string) =>
      void notifier.onResults(profile, xml).catch((err: unknown) => options.note(errorMessage(err)));
    source.on('resultsAvailable', onResults);
    notifier.offs.push(() => void source.off('resultsAvailable', onResults));
    notifier.offs.push(
      await notifier.client.subscribe({ interface: INTERFACE, member: 'ActionInvoked', path: PATH }, (body) => {
        const [id, action] = body as [number, string];
        if (notifier.ours.has(id) && action === OPEN_ACTION) options.openBackupPage();
      }),
      await notifier.client.subscribe({ interface: INTERFACE, member: 'NotificationClosed', path: PATH }, (body) => {
        notifier.ours.delete(body[0] as number);
      }),
    );
    return notifier;
  }

  private async onResults(profile: string, xml: string): Promise<void> {
    let results: SyncResults;
    try {
      results = resultsFromElement(parseXml(xml));
    } catch {
      // results another daemon sent that do not parse: nothing to notify about
      return;
    }
    const text = notificationFor(results, this.options.describe(profile), this.options.notifyFinished);
    // One notification per run, even if its results were announced twice.
    const key = `${profile}@${results.time}`;
    if (!text || this.notified.has(key)) return;
    this.notified.add(key);
    await this.send(text, results.majorCode === MajorCode.Failed);
  }

  /** A server that runs now, or that the bus can start. */
  private async serverAvailable(): Promise<boolean> {
    if (await this.client.nameHasOwner(SERVICE)) return true;
    const [names] = await this.client.call(
      'org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus',
      'ListActivatableNames',
    );
    return Array.isArray(names) && names.includes(SERVICE);
  }

  private async send(text: NotificationText, failure: boolean): Promise<void> {
    try {
      if (!(await this.serverAvailable())) {
        if (!this.saidNoServer) this.options.note('No notification server runs: failures show only in the log.');
        this.saidNoServer = true;
        return;
      }
      const [caps] = await this.client.call(SERVICE, PATH, INTERFACE, 'GetCapabilities');
      const actions = Array.isArray(caps) && caps.includes('actions') ? [OPEN_ACTION, 'Open Backup settings'] : [];
      const hints = {
        urgency: new dbus.Variant('y', 1),
        category: new dbus.Variant('s', failure ? 'transfer.error' : 'transfer.complete'),
      };
      const [id] = await this.client.call(SERVICE, PATH, INTERFACE, 'Notify', 'susssasa{sv}i', [
        'Sailfish Backup',
        0,
        failure ? 'dialog-error' : 'document-save',
        text.summary,
        text.body,
        actions,
        hints,
        -1,
      ]);
      if (typeof id === 'number') this.ours.add(id);
    } catch (err) {
      this.options.note(`Could not show a notification (${errorMessage(err)}).`);
    }
  }

  async close(): Promise<void> {
    for (const off of this.offs.splice(0)) await off();
  }
}
