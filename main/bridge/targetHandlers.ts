// The Settings UI's calls for backups on this computer: the drives and folders a backup can go to, back
// up now to one, the backups found there, restore from one (into the original folders or a chosen one),
// and the folder picker (the app's own dialog, or browser mode's folder browser on the server).
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { CallArgs, CallResult, EventName, EventPayload } from '../ipc/contract.js';
import type { DaemonSession } from '../session.js';
import type { Stores } from '../stores.js';
import { archiveUnits } from '../vault/archiveUnits.js';
import type { DriveMonitor } from '../targets/DriveMonitor.js';
import { createFolder, listFolder, type BrowseRoot } from '../targets/folderBrowser.js';
import { listFolderTargets } from '../targets/folderTargetList.js';
import { type FolderTargets, prepareTargetFolder } from '../targets/FolderTargets.js';
import { listLocalBackups } from '../targets/localBackups.js';
import { backupFileName } from '../backupNames.js';

type TargetCall =
  | 'targets.list'
  | 'targets.add'
  | 'targets.remove'
  | 'backup.toFolder'
  | 'backup.listFolder'
  | 'backup.restoreFile'
  | 'backup.fileUnits'
  | 'folders.pick'
  | 'folders.list'
  | 'folders.create';
type Handlers = { [C in TargetCall]: (...args: CallArgs<C>) => Promise<CallResult<C>> | CallResult<C> };

/** The app's own folder dialog (Electron's); absent in browser mode. */
export type PickFolder = (options: { title: string; start?: string }) => Promise<string | null>;

export interface TargetHandlerContext {
  stores: Stores;
  session: DaemonSession;
  drives: DriveMonitor | undefined;
  folders: FolderTargets;
  env: NodeJS.ProcessEnv;
  pickFolder: PickFolder | undefined;
  /** Marks the start of a run, so outcomes recorded since belong to it. */
  operationStarting(): void;
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
}

function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME && path.isAbsolute(env.HOME) ? env.HOME : '/';
}

/** Where the folder browser may go: the home folder and every mounted drive. */
async function browseRoots(context: TargetHandlerContext): Promise<BrowseRoot[]> {
  const drives = (await context.drives?.drives()) ?? [];
  return [{ label: 'Home', path: homeOf(context.env) }, ...drives.map((d) => ({ label: d.label, path: d.mountPath }))];
}

/** Only the places the page offers: a drive mounted now, this computer's folder, or a folder added. */
async function knownFolder(context: TargetHandlerContext, folder: string): Promise<string> {
  const targets = await listFolderTargets(context.drives, context.folders, context.env);
  if (!targets.some((t) => t.path === folder))
    throw new InputError(`${folder} is not a drive or folder backups go to (add it first)`);
  return folder;
}

async function existingFolder(folder: string): Promise<string> {
  const stats = await stat(folder).catch(() => undefined);
  if (!stats?.isDirectory()) throw new InputError(`The folder ${folder} does not exist`);
  return folder;
}

function backupIn(folder: string, name: string): string {
  if (name.startsWith('.')) throw new InputError(`"${name.slice(0, 80)}" is not a backup file name`);
  return path.join(folder, name);
}

export function targetHandlers(context: () => TargetHandlerContext): Handlers {
  return {
    'targets.list': async () => {
      const c = context();
      return {
        folders: await listFolderTargets(c.drives, c.folders, c.env),
        driveSource: c.drives?.source ?? 'mountinfo',
      };
    },
    'targets.add': (folder) => {
      const c = context();
      c.folders.add(folder);
      c.emit('targets.changed', {});
      return null;
    },
    'targets.remove': (folder) => {
      const c = context();
      c.folders.remove(folder);
      c.emit('targets.changed', {});
      return null;
    },
    'backup.toFolder': async (folder) => {
      const c = context();
      const { created } = prepareTargetFolder(await knownFolder(c, folder), c.env);
      const file = path.join(folder, backupFileName(new Date()));
      c.operationStarting();
      await c.session.vault.backupToFile(file);
      if (created) c.emit('targets.changed', {});
      return { file, created };
    },
    'backup.listFolder': async (folder) => {
      const list = await listLocalBackups(await knownFolder(context(), folder)).catch((err: unknown) => {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') return [];
        throw new InputError(`Could not look for backups in ${folder} (${code ?? 'error'})`);
      });
      return list.map(({ name, date, size }) => ({ name, date, size }));
    },
    'backup.restoreFile': async (folder, name, into) => {
      const c = context();
      const file = backupIn(await knownFolder(c, folder), name);
      const target = into === null ? undefined : await existingFolder(into);
      c.operationStarting();
      await c.session.vault.restoreFromFile(file, target);
      return null;
    },
    'backup.fileUnits': async (folder, name) => {
      const units = await archiveUnits(backupIn(await knownFolder(context(), folder), name)).catch((err: unknown) => {
        throw new InputError(`Could not read ${name} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
      });
      const known = new Set(
        context()
          .stores.units.list()
          .map((u) => u.name),
      );
      return { units, unknown: units.filter((u) => !known.has(u)) };
    },
    'folders.pick': async (options) => {
      const pick = context().pickFolder;
      if (!pick) return { native: false, path: null };
      return { native: true, path: await pick(options) };
    },
    'folders.list': async (folder) => {
      const c = context();
      return listFolder(folder ?? homeOf(c.env), await browseRoots(c));
    },
    'folders.create': async (parent, name) => createFolder(parent, name, await browseRoots(context())),
  };
}
