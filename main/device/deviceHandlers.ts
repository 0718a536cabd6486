// The Settings UI's calls, answered by a device's own services: what its Settings → Backup page does
// (msyncd for profiles and schedules, the vault for backups, listings and restores). What lives in the
// device's privileged stores (accounts, the backed-up units) is not reachable from a desktop: those calls
// say so and point to the device.
import { applyAutoBackup, autoBackupOf, defaultAutoBackup } from '../buteo/autoBackup.js';
import { profileSummary } from '../buteo/profileSummary.js';
import { SyncProfile } from '../buteo/SyncProfile.js';
import { ProfileChange } from '../buteo/ProfileManager.js';
import { InputError } from '../errors.js';
import type {
  AccountView,
  AutoBackup,
  BackupPage,
  CallArgs,
  CallResult,
  EventName,
  EventPayload,
  TargetCall,
  VaultStateView,
} from '../ipc/contract.js';
import { listCloudBackupsWith } from '../operations.js';
import { cardHandlers } from './deviceCardHandlers.js';
import { scalarText } from '../scalar.js';
import { VAULT_INTERFACE, VAULT_PATH, VAULT_SERVICE } from '../vault/vaultService.js';
import { deviceAccounts, deviceProfileFor, readDeviceProfiles, type DeviceAccount } from './deviceProfiles.js';
import type { DeviceSession } from './DeviceSession.js';

type Handlers = { [C in TargetCall]: (...args: CallArgs<C>) => Promise<CallResult<C>> | CallResult<C> };

export const ON_THE_DEVICE =
  'A device keeps its accounts in its own protected store, out of reach of a desktop: add or change them on the device, in Settings → Accounts.';
const UNITS_ON_THE_DEVICE = 'What a device backs up is chosen on the device itself (Settings → Backup).';

export interface DeviceContext {
  session(): DeviceSession;
  vaultState(): VaultStateView;
  /** A backup or restore the device accepted from here, so that its end can be told after a reconnection. */
  started(kind: 'backup' | 'restore', accountId: number): void;
  startedFile(kind: 'backup' | 'restore', file: string): void;
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
}

const providerNames: Record<string, string> = { nextcloud: 'Nextcloud', owncloud: 'ownCloud', webdav: 'WebDAV' };

function accountView(a: DeviceAccount): AccountView {
  return {
    id: a.id,
    provider: a.provider,
    providerName: providerNames[a.provider] ?? a.provider,
    name: a.name,
    enabled: true,
    serverAddress: '',
    webdavPath: '',
    username: '',
    ignoreSslErrors: false,
    backupsPath: '',
    backupEnabled: true,
    hasPassword: true,
    profiles: { ...a.profiles },
    credentialsNeedUpdate: false,
    signIn: null,
  };
}

/** The names of what the device backs up (the vault's cloudBackupUnits, BackupRestoreStorageListModel.qml:240). */
async function backupUnits(session: DeviceSession): Promise<Array<{ name: string; path: string }>> {
  try {
    const [variant] = await session.client.call(
      VAULT_SERVICE,
      VAULT_PATH,
      'org.freedesktop.DBus.Properties',
      'Get',
      'ss',
      [VAULT_INTERFACE, 'cloudBackupUnits'],
    );
    const value = (variant as { value?: unknown }).value;
    return Array.isArray(value) ? value.map((u) => ({ name: scalarText(u), path: '' })) : [];
  } catch {
    // an older device vault without the property: no units to show
    return [];
  }
}

async function backupPage(context: DeviceContext): Promise<BackupPage> {
  const session = context.session();
  const profiles = await readDeviceProfiles(session.msyncd);
  const accounts = deviceAccounts(profiles.map((p) => p.profile));
  let autoAccountId: number | null = null;
  let autoBackup: AutoBackup = defaultAutoBackup;
  for (const account of accounts) {
    const profile = profiles.find((p) => p.profile.name === account.profiles.Backup)?.profile;
    if (!profile) continue;
    if (autoAccountId === null || profile.schedule?.enabled) autoBackup = autoBackupOf(profile);
    if (profile.schedule?.enabled && autoAccountId === null) autoAccountId = account.id;
  }
  return {
    accounts: accounts.map(accountView),
    autoAccountId,
    autoBackup,
    vault: context.vaultState(),
    units: await backupUnits(session),
    deviceId: await session.vault.backupFileDeviceId(),
    demo: null,
    // A device's files are its own: what it finds damaged, its own tools say.
    problems: [],
  };
}

export function deviceHandlers(context: DeviceContext): Handlers {
  const listedPaths = new Map<string, string>();
  const refuse = (message: string) => () => Promise.reject(new InputError(message));
  return {
    ...cardHandlers(context),
    'providers.list': () => [],
    'accounts.list': async () =>
      deviceAccounts((await readDeviceProfiles(context.session().msyncd)).map((p) => p.profile)).map(accountView),
    'accounts.add': refuse(ON_THE_DEVICE),
    'accounts.update': refuse(ON_THE_DEVICE),
    'accounts.check': refuse(ON_THE_DEVICE),
    'accounts.cancelCheck': () => null,
    'accounts.remove': refuse(ON_THE_DEVICE),
    'accounts.defaults': refuse(ON_THE_DEVICE),
    'backup.page': () => backupPage(context),
    'backup.setAuto': async (accountId, auto) => {
      const { msyncd } = context.session();
      // As the device's page does: every account's Backup schedule, on only for the chosen account.
      for (const { profile } of await readDeviceProfiles(msyncd)) {
        if (!/\.Backup-\d+$/.test(profile.name)) continue;
        const fresh = SyncProfile.parse(await msyncd.syncProfile(profile.name));
        applyAutoBackup(fresh, auto, fresh.accountId === accountId);
        if (!(await msyncd.updateProfile(fresh.toXml())))
          throw new Error(`The device's sync daemon did not save ${profile.name}`);
        context.emit('profiles.changed', { profile: profile.name, change: ProfileChange.Modified });
      }
      return backupPage(context);
    },
    'backup.start': async (accountId) => {
      await context.session().vault.backupToCloud(accountId);
      context.started('backup', accountId);
      return null;
    },
    'backup.cancel': async () => {
      await context.session().vault.cancel();
      return null;
    },
    'backup.list': async (accountId) => {
      const session = context.session();
      const query = await deviceProfileFor(session.msyncd, accountId, 'BackupQuery');
      const list = await listCloudBackupsWith(session, query, accountId);
      for (const b of list) listedPaths.set(`${accountId}/${b.name}`, b.path);
      return list.map(({ name, date }) => ({ name, date }));
    },
    'backup.restore': async (accountId, file) => {
      // RestorePage.qml:89: "<fileDir>/<fileName>" as the listing gave it.
      await context.session().vault.restoreFromCloud(accountId, listedPaths.get(`${accountId}/${file}`) ?? file);
      context.started('restore', accountId);
      return null;
    },
    'units.list': () => backupUnits(context.session()),
    'units.add': refuse(UNITS_ON_THE_DEVICE),
    'units.remove': refuse(UNITS_ON_THE_DEVICE),
    'profiles.list': async () => {
      const { msyncd } = context.session();
      const running = await msyncd.runningSyncs();
      return (await readDeviceProfiles(msyncd)).map((p) => profileSummary(p.profile, p.last, running));
    },
    'profiles.get': async (name) => {
      const { msyncd } = context.session();
      const found = (await readDeviceProfiles(msyncd)).find((p) => p.profile.name === name);
      if (!found) throw new InputError(`The device has no sync profile ${name}`);
      const summary = profileSummary(found.profile, found.last, await msyncd.runningSyncs());
      // msyncd gives the last result over D-Bus, not the whole log.
      return { summary, xml: found.profile.toXml(), log: summary.lastResult ? [summary.lastResult] : [] };
    },
    'profiles.run': (name) => context.session().msyncd.startSync(name),
    'profiles.abort': async (name) => {
      await context.session().msyncd.abortSync(name);
      return null;
    },
    'service.status': () => ({
      installed: true,
      current: true,
      enabled: true,
      running: true,
      runningAsService: true,
      summary: ['The device runs its own sync daemon: its automatic backups need nothing from this computer.'],
    }),
    'service.install': refuse('The device runs its own sync daemon; there is nothing to install for it here.'),
    'demo.start': refuse('The demo runs on this computer: choose This computer on the Settings home first.'),
    'demo.end': refuse('The demo runs on this computer: choose This computer on the Settings home first.'),
  };
}
