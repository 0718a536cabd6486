// Passwords in the desktop keyring through the Secret Service API (org.freedesktop.secrets on the
// session bus), keyed by the account's CredentialsId, for a desktop that runs one.
import dbus from 'dbus-next';
import { connectBus, waitConnected, type MessageBus } from '../dbus/bus.js';
import { DBusClient } from '../dbus/DBusClient.js';
import type { Credentials, KeyedSecrets } from './credentials.js';
import { scalarText } from '../scalar.js';
import { logger } from '../log.js';

const log = logger('accounts');

const SECRETS = 'org.freedesktop.secrets';
const SERVICE_PATH = '/org/freedesktop/secrets';
const SERVICE_IFACE = 'org.freedesktop.Secret.Service';
const NO_PROMPT = '/';
export const KEYRING_APPLICATION = 'sailfish-backup-settings';

export class KeyringError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KeyringError';
  }
}

export class SecretServiceStore implements KeyedSecrets {
  readonly description = 'the desktop keyring (Secret Service)';

  private constructor(
    private readonly client: DBusClient,
    private readonly session: string,
    private readonly collection: string,
    private readonly bus: MessageBus | undefined,
  ) {}

  /** The keyring on the session bus, or undefined when none runs or it has no default collection. */
  static async open(address: string | undefined): Promise<SecretServiceStore | undefined> {
    if (!address) return undefined;
    const bus = connectBus(address);
    try {
      await waitConnected(bus);
      const client = new DBusClient(bus);
      const [activatable] = (await client.call(
        'org.freedesktop.DBus',
        '/org/freedesktop/DBus',
        'org.freedesktop.DBus',
        'ListActivatableNames',
      )) as [string[]];
      if (!(await client.nameHasOwner(SECRETS)) && !activatable.includes(SECRETS)) {
        bus.disconnect();
        return undefined;
      }
      const [, session] = await client.call(SECRETS, SERVICE_PATH, SERVICE_IFACE, 'OpenSession', 'sv', [
        'plain',
        new dbus.Variant('s', ''),
      ]);
      const [collection] = await client.call(SECRETS, SERVICE_PATH, SERVICE_IFACE, 'ReadAlias', 's', ['default']);
      if (scalarText(collection, NO_PROMPT) === NO_PROMPT) {
        bus.disconnect();
        return undefined;
      }
      return new SecretServiceStore(client, scalarText(session), scalarText(collection), bus);
    } catch {
      // no Secret Service answers on this bus: no keyring (the file store is used)
      bus.disconnect();
      return undefined;
    }
  }

  close(): void {
    this.bus?.disconnect();
  }

  private attributes(id: number): Record<string, string> {
    return { application: KEYRING_APPLICATION, 'credentials-id': String(id) };
  }

  private async find(id: number): Promise<string | undefined> {
    const [unlocked, locked] = (await this.client.call(SECRETS, SERVICE_PATH, SERVICE_IFACE, 'SearchItems', 'a{ss}', [
      this.attributes(id),
    ])) as [string[], string[]];
    if (unlocked[0]) return unlocked[0];
    if (locked[0]) throw new KeyringError('The desktop keyring is locked; unlock it and try again.');
    return undefined;
  }

  async write(id: number, credentials: Credentials): Promise<void> {
    const properties = {
      'org.freedesktop.Secret.Item.Label': new dbus.Variant('s', `Backup account password (${credentials.username})`),
      'org.freedesktop.Secret.Item.Attributes': new dbus.Variant('a{ss}', this.attributes(id)),
    };
    const secret = [
      this.session,
      Buffer.alloc(0),
      Buffer.from(JSON.stringify(credentials), 'utf8'),
      'application/json',
    ];
    const [, prompt] = await this.client.call(
      SECRETS,
      this.collection,
      'org.freedesktop.Secret.Collection',
      'CreateItem',
      'a{sv}(oayays)b',
      [properties, secret, true],
    );
    if (scalarText(prompt, NO_PROMPT) !== NO_PROMPT)
      throw new KeyringError('The desktop keyring is locked; unlock it and try again.');
  }

  async read(id: number): Promise<Credentials | undefined> {
    const item = await this.find(id);
    if (!item) return undefined;
    const [secrets] = (await this.client.call(SECRETS, SERVICE_PATH, SERVICE_IFACE, 'GetSecrets', 'aoo', [
      [item],
      this.session,
    ])) as [Record<string, [string, Buffer, Buffer, string]>];
    const value = secrets[item]?.[2];
    if (!value) return undefined;
    try {
      const parsed = JSON.parse(value.toString('utf8')) as Partial<Credentials>;
      if (typeof parsed.username === 'string' && typeof parsed.password === 'string')
        return { username: parsed.username, password: parsed.password };
    } catch {
      // not ours
    }
    throw new KeyringError(`The keyring entry for credentials ${id} is not readable.`);
  }

  async remove(id: number): Promise<void> {
    const item = await this.find(id).catch((err: unknown) => {
      log.debug(`keyring entry ${id} is not readable; removing nothing`, err);
      return undefined;
    });
    if (item) await this.client.call(SECRETS, item, 'org.freedesktop.Secret.Item', 'Delete');
  }
}
