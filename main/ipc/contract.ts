// Every call and event between the Settings UI and the main process, as zod schemas. Electron's main
// process, its preload, the browser bridge and the renderer all import this one file; types are inferred.
import { z } from 'zod';
import { COPY_DIRECTIONS, FAILURE_KINDS, FILE_PROBLEM_KINDS, OPERATION_KINDS, VAULT_STATUSES } from '../vocabulary.js';

// The shared vocabulary, Buteo's codes with it: every layer routes on these, never on a sentence.
export * from '../vocabulary.js';
export { backupFileDate } from '../backupNames.js';
// Progress travels as numbers; the page words it as the CLI does ("Copying 12 MB of 40 MB · 3 MB/s · 0:09 left").
export { formatBytes, transferLine } from '../progressText.js';
// The form checks what the engine will check again: the same rules, so a value the page accepts is saved.
export { resolveBackupsPath, validateServerAddress, validateServerPath } from '../accounts/validation.js';

const accountId = z.number().int().positive().max(2147483647);
const shortText = z.string().max(1000);
const profileName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/);
const backupFile = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[^/\\\p{Cc}]+$/u)
  .refine((n) => n !== '.' && n !== '..');

/** Which field of the account form a failure concerns: where the UI shows it and where the fix is. */
export const problemFieldSchema = z.enum(['server', 'credentials', 'webdavPath', 'backupsPath']);
export type ProblemField = z.infer<typeof problemFieldSchema>;

/** A failure as the UI routes it: by kind and field, never by the words of the message. */
export const problemSchema = z.object({
  kind: z.enum(FAILURE_KINDS),
  /** The engine's own sentence (what the CLI prints); the UI words its text from the fields. */
  message: z.string(),
  /** Technical detail behind the sentence, for a "Details" disclosure. */
  detail: z.string().optional(),
  field: problemFieldSchema.optional(),
  /** The server path concerned, when there is one. */
  path: z.string().optional(),
  accountId: accountId.optional(),
  httpStatus: z.number().int().optional(),
});
export type Problem = z.infer<typeof problemSchema>;

/** The last time the app signed in to an account's server: when adding or editing it, or in a run. */
export const signInStatusSchema = z.object({
  state: z.enum(['ok', 'failed', 'unchecked']),
  at: z.string(),
  source: z.enum(['sign-in', 'backup', 'restore', 'list']),
  problem: problemSchema.optional(),
});
export type SignInStatus = z.infer<typeof signInStatusSchema>;

/** An id the UI picks for one sign-in check, so that it can cancel it. */
const checkId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

/** How saving an account signs in first: `offline` saves without signing in ("Save anyway"). */
const signInOptions = { offline: z.boolean().optional(), checkId: checkId.optional() };

export const accountSchema = z.object({
  id: accountId,
  provider: z.string(),
  providerName: z.string(),
  name: z.string(),
  enabled: z.boolean(),
  serverAddress: z.string(),
  webdavPath: z.string(),
  username: z.string(),
  ignoreSslErrors: z.boolean(),
  backupsPath: z.string(),
  backupEnabled: z.boolean(),
  hasPassword: z.boolean(),
  profiles: z.record(z.string(), z.string()),
  /** Set by the backup plugins when the server refused the stored password (libaccounts' CredentialsNeedUpdate). */
  credentialsNeedUpdate: z.boolean(),
  signIn: signInStatusSchema.nullable(),
});
export type AccountView = z.infer<typeof accountSchema>;

export const providerSchema = z.object({ id: z.string(), name: z.string(), description: z.string(), icon: z.string() });

export const accountInputSchema = z.object({
  provider: z.string().min(1).max(100),
  serverAddress: shortText,
  username: shortText,
  password: z.string().min(1).max(4096),
  name: shortText.optional(),
  webdavPath: shortText.optional(),
  backupsPath: shortText.optional(),
  ignoreSslErrors: z.boolean().optional(),
  ...signInOptions,
});
export type AccountInput = z.infer<typeof accountInputSchema>;

export const accountEditSchema = z.object({
  id: accountId,
  name: shortText.optional(),
  serverAddress: shortText.optional(),
  webdavPath: shortText.optional(),
  username: shortText.optional(),
  backupsPath: shortText.optional(),
  ignoreSslErrors: z.boolean().optional(),
  enabled: z.boolean().optional(),
  password: z.string().min(1).max(4096).optional(),
  ...signInOptions,
});
export type AccountEdit = z.infer<typeof accountEditSchema>;

/** What saving an account did: saved after signing in, saved offline, or not saved and why. */
export const accountSaveSchema = z.object({
  account: accountSchema.nullable(),
  signIn: z.object({
    state: z.enum(['ok', 'failed', 'unchecked', 'cancelled']),
    problem: problemSchema.optional(),
  }),
});
export type AccountSave = z.infer<typeof accountSaveSchema>;

/** The Backup page's automatic backup settings, in its own words. */
export const autoBackupSchema = z.object({
  frequency: z.enum(['daily', 'weekly', 'monthly']),
  /** 1 = Monday … 7 = Sunday, for weekly backups. */
  day: z.number().int().min(1).max(7),
  time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
  connection: z.enum(['wlan', 'any']),
  /** For monthly backups, the real page's three choices (BackupSettingsItem.qml:84-94); first day when absent. */
  month: z.enum(['afterLastBackup', 'firstDay', 'lastDay']).optional(),
});
export type AutoBackup = z.infer<typeof autoBackupSchema>;

export const vaultStateSchema = z.object({
  status: z.enum(VAULT_STATUSES),
  statusText: z.string(),
  progress: z.number(),
  canCancel: z.boolean(),
  error: z.string(),
  /** Why the last operation failed, as a code ("NeedsFolder": a restore needs a folder to restore into). */
  errorCode: z.string().optional(),
  /** What runs: backupToCloud, restoreFromCloud, backupToFile or restoreFromFile (the vault's `mode`). */
  mode: z.string().optional(),
  /** What the last run skipped or changed, file by file, and its notes. */
  warnings: z
    .array(z.object({ kind: z.enum(['skipped', 'changed', 'note']), path: z.string(), reason: z.string() }))
    .optional(),
});
export type VaultStateView = z.infer<typeof vaultStateSchema>;

export const syncResultSchema = z.object({
  time: z.string(),
  majorCode: z.number(),
  minorCode: z.number(),
  scheduled: z.boolean(),
  message: z.string().optional(),
});

export const profileSummarySchema = z.object({
  name: z.string(),
  displayName: z.string(),
  accountId: z.number().nullable(),
  client: z.string().nullable(),
  enabled: z.boolean(),
  schedule: z
    .object({ enabled: z.boolean(), time: z.string().optional(), interval: z.number(), days: z.array(z.number()) })
    .nullable(),
  keys: z.array(z.tuple([z.string(), z.string()])),
  running: z.boolean(),
  lastResult: syncResultSchema.nullable(),
});
export type ProfileSummary = z.infer<typeof profileSummarySchema>;

/** A damaged file the app keeps, skipped where the rest can go on (main/fileProblems.ts). */
export const fileProblemSchema = z.object({
  kind: z.enum(FILE_PROBLEM_KINDS),
  file: z.string(),
  message: z.string(),
  accountId: z.number().optional(),
  key: z.string().optional(),
});
export type FileProblemView = z.infer<typeof fileProblemSchema>;

export const backupPageSchema = z.object({
  accounts: z.array(accountSchema),
  /** The account automatic backups go to, or null for "None". */
  autoAccountId: accountId.nullable(),
  autoBackup: autoBackupSchema,
  vault: vaultStateSchema,
  units: z.array(z.object({ name: z.string(), path: z.string() })),
  deviceId: z.string(),
  /** Damaged files: said here, never silently skipped. */
  problems: z.array(fileProblemSchema),
  /** Set when this is `sfbackup demo`: its own server and data, removed when it ends. */
  demo: z.object({ serverUrl: z.string() }).nullable(),
});
export type BackupPage = z.infer<typeof backupPageSchema>;

export const cloudBackupSchema = z.object({ name: z.string(), date: z.string().nullable() });

/** An absolute path on this computer, as the UI passes folders. */
const folderPath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') && !p.includes('\0'), 'must be an absolute path');

/** A place on this computer backups go to: a removable drive, the default folder, or a folder added. */
export const folderTargetSchema = z.object({
  kind: z.enum(['drive', 'home', 'folder']),
  path: z.string(),
  label: z.string(),
  size: z.number().nullable(),
  free: z.number().nullable(),
  exists: z.boolean(),
  problem: z.string().optional(),
});
export type FolderTargetView = z.infer<typeof folderTargetSchema>;

export const targetListSchema = z.object({
  folders: z.array(folderTargetSchema),
  /** Where drives are found: UDisks2, or the kernel's mount table when there is no UDisks2. */
  driveSource: z.enum(['udisks2', 'mountinfo']),
});
export type TargetList = z.infer<typeof targetListSchema>;

export const localBackupSchema = z.object({ name: z.string(), date: z.string().nullable(), size: z.number() });

export const folderListingSchema = z.object({
  path: z.string(),
  parent: z.string().nullable(),
  folders: z.array(z.object({ name: z.string(), path: z.string() })),
  roots: z.array(z.object({ label: z.string(), path: z.string() })),
});
export type FolderListing = z.infer<typeof folderListingSchema>;

/** The background service that keeps automatic backups running (sfbackup service status). */
export const serviceStatusSchema = z.object({
  installed: z.boolean(),
  /** …and it starts this copy of the app. */
  current: z.boolean(),
  /** It starts at login. */
  enabled: z.boolean(),
  running: z.boolean(),
  /** The running daemon is the service's (not this window's own engine). */
  runningAsService: z.boolean(),
  summary: z.array(z.string()),
});
export type ServiceStatusView = z.infer<typeof serviceStatusSchema>;

/** A device reached over SSH, as the Settings home lists it; the app keeps no password for it. */
export const deviceSchema = z.object({
  /** `user@host[:port]`. */
  id: z.string(),
  host: z.string(),
  user: z.string(),
  port: z.number().int(),
});
export type DeviceView = z.infer<typeof deviceSchema>;

/** Which device the pages act on, and how its connection is. */
export const deviceStateSchema = z.object({
  /** null: this computer. */
  device: deviceSchema.nullable(),
  state: z.enum(['local', 'connecting', 'connected', 'lost', 'failed']),
  /** Why it is not connected (ssh's or the device's sentence). */
  message: z.string().optional(),
});
export type DeviceState = z.infer<typeof deviceStateSchema>;

const deviceInput = z.object({
  host: z.string().min(1).max(253),
  user: z.string().min(1).max(32),
  port: z.number().int().min(1).max(65535),
});

/** An absolute path on the device (its memory card), as its own shell reads it. */
const devicePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => p.startsWith('/') && !/[\0\n]/.test(p), 'must be an absolute path on the device');

/** An id the page picks for one copy, so that its progress events and its cancel find it. */
const copyId = z.string().regex(/^[A-Za-z0-9-]{1,64}$/);

/** A copy between the device and this computer, checked by size and SHA-256 on both sides. */
export const copyResultSchema = z.object({
  /** Where the copy is now: a path on this computer (toComputer) or on the device (toDevice). */
  path: z.string(),
  /** The folder it went into, as the restore list names it. */
  folder: z.string(),
  size: z.number(),
  sha256: z.string(),
  /** The device's vault had recorded the backup's SHA-256 beside it, and the copy matches that too. */
  recorded: z.boolean().optional(),
});
export type CopyResultView = z.infer<typeof copyResultSchema>;

/** A backup file in one of this computer's drives or folders, offered to copy to the device. */
export const computerBackupSchema = z.object({
  folder: z.string(),
  /** The drive's or folder's name, as the restore list shows it ("This computer", a drive's label). */
  label: z.string(),
  name: z.string(),
  date: z.string().nullable(),
  size: z.number(),
});
export type ComputerBackupView = z.infer<typeof computerBackupSchema>;

/** Request/response channels: arguments and result of each. */
export const calls = {
  'providers.list': { args: z.tuple([]), result: z.array(providerSchema) },
  'accounts.list': { args: z.tuple([]), result: z.array(accountSchema) },
  'accounts.add': { args: z.tuple([accountInputSchema]), result: accountSaveSchema },
  'accounts.update': { args: z.tuple([accountEditSchema]), result: accountSaveSchema },
  /** Signs in to a saved account's server again and records the outcome. */
  'accounts.check': {
    args: z.tuple([z.object({ accountId, checkId: checkId.optional() })]),
    result: signInStatusSchema,
  },
  'accounts.cancelCheck': { args: z.tuple([checkId]), result: z.null() },
  'accounts.remove': { args: z.tuple([accountId]), result: z.null() },
  'accounts.defaults': {
    args: z.tuple([z.object({ provider: z.string().max(100), serverAddress: shortText, username: shortText })]),
    result: z.object({ webdavPath: z.string(), backupsPath: z.string() }),
  },
  'backup.page': { args: z.tuple([]), result: backupPageSchema },
  'backup.setAuto': { args: z.tuple([accountId.nullable(), autoBackupSchema]), result: backupPageSchema },
  'backup.start': { args: z.tuple([accountId]), result: z.null() },
  'backup.cancel': { args: z.tuple([]), result: z.null() },
  'backup.list': { args: z.tuple([accountId]), result: z.array(cloudBackupSchema) },
  'backup.restore': { args: z.tuple([accountId, backupFile]), result: z.null() },
  /** A cloud backup restored into a folder instead of the original ones. */
  'backup.restoreInto': { args: z.tuple([accountId, backupFile, folderPath]), result: z.null() },
  /** Back up now to a drive or folder: the file goes right into it (Sailfish's memory card). */
  'backup.toFolder': {
    args: z.tuple([folderPath]),
    result: z.object({ file: z.string(), created: z.boolean() }),
  },
  'backup.listFolder': { args: z.tuple([folderPath]), result: z.array(localBackupSchema) },
  /** Restores a backup file of a drive or folder; into the given folder, or the original ones when null. */
  'backup.restoreFile': { args: z.tuple([folderPath, backupFile, folderPath.nullable()]), result: z.null() },
  /** The folders a backup file holds, and which of them this computer has no folder for. */
  'backup.fileUnits': {
    args: z.tuple([folderPath, backupFile]),
    result: z.object({ units: z.array(z.string()), unknown: z.array(z.string()) }),
  },
  'targets.list': { args: z.tuple([]), result: targetListSchema },
  'targets.add': { args: z.tuple([folderPath]), result: z.null() },
  'targets.remove': { args: z.tuple([folderPath]), result: z.null() },
  /**
   * Asks for a folder: the app's own dialog where there is one (`native`, with the chosen path or null when
   * cancelled); in browser mode `native` is false and the page shows its folder browser (folders.list).
   */
  'folders.pick': {
    args: z.tuple([z.object({ title: shortText, start: folderPath.optional() })]),
    result: z.object({ native: z.boolean(), path: z.string().nullable() }),
  },
  /** Subfolders of a folder inside the home folder or a mounted drive (null: the home folder). */
  'folders.list': { args: z.tuple([folderPath.nullable()]), result: folderListingSchema },
  'folders.create': { args: z.tuple([folderPath, z.string().min(1).max(255)]), result: z.string() },
  /** Starts `sfbackup demo` beside this window and gives its address. */
  'demo.start': { args: z.tuple([]), result: z.object({ url: z.string(), opened: z.boolean() }) },
  /** In the demo: ends it (its server and data go). */
  'demo.end': { args: z.tuple([]), result: z.null() },
  'units.add': {
    args: z.tuple([z.string().min(1).max(4096)]),
    result: z.object({ name: z.string(), path: z.string() }),
  },
  'units.remove': { args: z.tuple([z.string().min(1).max(4096)]), result: z.null() },
  'units.list': { args: z.tuple([]), result: z.array(z.object({ name: z.string(), path: z.string() })) },
  'profiles.list': { args: z.tuple([]), result: z.array(profileSummarySchema) },
  'profiles.get': {
    args: z.tuple([profileName]),
    result: z.object({ summary: profileSummarySchema, xml: z.string(), log: z.array(syncResultSchema) }),
  },
  'profiles.run': { args: z.tuple([profileName]), result: z.boolean() },
  'profiles.abort': { args: z.tuple([profileName]), result: z.null() },
  'service.status': { args: z.tuple([]), result: serviceStatusSchema },
  'service.install': { args: z.tuple([]), result: serviceStatusSchema },
  'devices.list': {
    args: z.tuple([]),
    result: z.object({ devices: z.array(deviceSchema), current: deviceStateSchema }),
  },
  /** Connects to a device (remembering it) and makes the pages act on it. */
  'devices.connect': { args: z.tuple([deviceInput]), result: deviceStateSchema },
  /** Makes the pages act on this computer (null) or a remembered device. */
  'devices.use': { args: z.tuple([z.string().max(300).nullable()]), result: deviceStateSchema },
  'devices.forget': { args: z.tuple([z.string().max(300)]), result: z.null() },
  /** Copies a backup from the device's memory card into this computer's default backup folder. */
  'devices.copyToComputer': {
    args: z.tuple([z.object({ copyId, folder: devicePath, name: backupFile })]),
    result: copyResultSchema,
  },
  /** This computer's backups (its drives and folders), to copy to the device. */
  'devices.computerBackups': { args: z.tuple([]), result: z.array(computerBackupSchema) },
  /** Copies a backup from one of this computer's drives or folders onto the device's memory card `to`. */
  'devices.copyToDevice': {
    args: z.tuple([z.object({ copyId, folder: folderPath, name: backupFile, to: devicePath })]),
    result: copyResultSchema,
  },
  /** Stops a copy; nothing of it is kept on either side. */
  'devices.cancelCopy': { args: z.tuple([copyId]), result: z.null() },
} as const;

export type CallName = keyof typeof calls;
/** Calls about which device the pages act on (answered by the bridge router), and the calls the pages make of it. */
export type DeviceCall = Extract<CallName, `devices.${string}`>;
export type TargetCall = Exclude<CallName, DeviceCall>;
export type CallArgs<C extends CallName> = z.infer<(typeof calls)[C]['args']>;
export type CallResult<C extends CallName> = z.infer<(typeof calls)[C]['result']>;

/** Events pushed to the UI as they happen (from D-Bus signals; no polling). */
export const events = {
  'vault.state': vaultStateSchema,
  'vault.operation': z.object({
    kind: z.enum(OPERATION_KINDS),
    /** 0 for a backup to or restore from a file. */
    accountId: z.number(),
    /** The backup file, for a backup to or restore from a file. */
    file: z.string().optional(),
    status: z.enum(VAULT_STATUSES),
    error: z.string().optional(),
    problem: problemSchema.optional(),
  }),
  'sync.status': z.object({
    profile: z.string(),
    status: z.number(),
    message: z.string(),
    moreDetails: z.number(),
    at: z.string(),
  }),
  'sync.transfer': z.object({
    profile: z.string(),
    db: z.number(),
    type: z.number(),
    mime: z.string(),
    committed: z.number(),
    at: z.string(),
  }),
  'profiles.changed': z.object({ profile: z.string(), change: z.number() }),
  'accounts.changed': z.object({}),
  'device.state': deviceStateSchema,
  /** A drive was mounted or unmounted, or a folder added or removed. */
  'targets.changed': z.object({}),
  /** How far a copy between the device and this computer is: bytes as numbers, worded by the page. */
  'device.copy': z.object({
    copyId,
    direction: z.enum(COPY_DIRECTIONS),
    done: z.number(),
    total: z.number(),
    elapsedMs: z.number(),
  }),
} as const;

export type EventName = keyof typeof events;

/** Electron's IPC channels: `sfb:call:<call name>` for each call, one channel for every event. */
export const CALL_CHANNEL_PREFIX = 'sfb:call:';
export const EVENT_CHANNEL = 'sfb:event';
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;

export function isCallName(name: string): name is CallName {
  return Object.hasOwn(calls, name);
}

/** A failure the UI can show: a sentence, a code when there is one (Buteo minor code, 'invalid-arguments'),
 *  and for failures at a server, the problem to route on. */
export const callErrorSchema = z.object({
  message: z.string(),
  code: z.union([z.number(), z.string()]).optional(),
  problem: problemSchema.optional(),
});
export type CallError = z.infer<typeof callErrorSchema>;

type Group<C extends string> = C extends `${infer G}.${string}` ? G : never;
type VerbOf<C extends string, G extends string> = C extends `${G}.${infer V}` ? V : never;

/** The API as verbs: `api.backup.start(id)`, `api.accounts.add({...})`. */
type Verb<C extends CallName> = (...args: CallArgs<C>) => Promise<CallResult<C>>;
export type SettingsVerbs = {
  [G in Group<CallName>]: {
    [V in VerbOf<CallName, G>]: Verb<Extract<CallName, `${G}.${V}`>>;
  };
};

/** What the renderer gets, whichever transport carries it (Electron IPC or the browser bridge). */
export type SettingsApi = SettingsVerbs & {
  on<E extends EventName>(name: E, handler: (payload: EventPayload<E>) => void): () => void;
};

export type Invoke = (name: CallName, args: unknown[]) => Promise<unknown>;
export type Subscribe = (name: EventName, handler: (payload: unknown) => void) => () => void;

/** Builds the verbs from one transport function, so every transport exposes the same API. */
export function buildApi(invoke: Invoke, subscribe: Subscribe): SettingsApi {
  const api: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const name of Object.keys(calls) as CallName[]) {
    const [group, verb] = name.split('.') as [string, string];
    (api[group] ??= {})[verb] = (...args: unknown[]) => invoke(name, args);
  }
  return Object.assign(api, { on: subscribe }) as unknown as SettingsApi;
}
