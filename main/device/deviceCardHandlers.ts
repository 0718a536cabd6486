// The Settings UI's calls about drives and folders, answered for a device: its memory cards are the only
// places a backup goes besides its cloud accounts (Settings → Backup offers nothing else), the device's
// own vault writes and restores the files (backupToFile / restoreFromFile), and a backup restores into
// the device's own data, never into a folder chosen here.
import { InputError } from '../errors.js';
import type { CallArgs, CallResult } from '../ipc/contract.js';
import { backupFileName } from '../backupNames.js';
import type { DeviceSession } from './DeviceSession.js';
import { isCardBackupName, listCardBackups, listMemoryCards } from './memoryCard.js';

type CardCall =
  | 'targets.list'
  | 'targets.add'
  | 'targets.remove'
  | 'backup.toFolder'
  | 'backup.listFolder'
  | 'backup.restoreFile'
  | 'backup.fileUnits'
  | 'backup.restoreInto'
  | 'folders.pick'
  | 'folders.list'
  | 'folders.create';
type Handlers = { [C in CardCall]: (...args: CallArgs<C>) => Promise<CallResult<C>> | CallResult<C> };

export const CARDS_ON_THE_DEVICE =
  'A device backs up to its cloud accounts and its memory cards only; it finds its cards itself.';
const RESTORES_IN_PLACE = 'A device restores a backup into its own data; copy it here with sfbackup pull instead.';

export interface CardContext {
  session(): DeviceSession;
  /** A backup or restore of a file the device accepted from here (see DeviceBridge). */
  startedFile(kind: 'backup' | 'restore', file: string): void;
}

/** One of the device's memory cards as it is mounted now: nothing else is written to or read from. */
async function knownCard(session: DeviceSession, folder: string): Promise<string> {
  const cards = await listMemoryCards(session.link);
  if (!cards.some((c) => c.path === folder))
    throw new InputError(`${folder} is not a memory card on the device (is it still in the device?)`);
  return folder;
}

export function cardHandlers(context: CardContext): Handlers {
  const refuse = (message: string) => () => Promise.reject(new InputError(message));
  return {
    'targets.list': async () => ({
      folders: (await listMemoryCards(context.session().link)).map((c) => ({
        kind: 'drive' as const,
        path: c.path,
        label: `Memory card ${c.label}`,
        size: c.size,
        free: c.free,
        exists: true,
        ...(c.writable ? {} : { problem: `The device cannot write to ${c.path}.` }),
      })),
      driveSource: 'mountinfo' as const,
    }),
    'targets.add': refuse(CARDS_ON_THE_DEVICE),
    'targets.remove': refuse(CARDS_ON_THE_DEVICE),
    'backup.toFolder': async (folder) => {
      const session = context.session();
      // BackupView.qml:161-162: the card's path and a new backup file name.
      const file = `${await knownCard(session, folder)}/${backupFileName(new Date())}`;
      await session.vault.backupToFile(file);
      context.startedFile('backup', file);
      return { file, created: false };
    },
    'backup.listFolder': async (folder) => {
      const session = context.session();
      const list = await listCardBackups(session.link, await knownCard(session, folder));
      return list.map(({ name, date, size }) => ({ name, date, size }));
    },
    'backup.restoreFile': async (folder, name, into) => {
      if (into !== null) throw new InputError(RESTORES_IN_PLACE);
      if (!isCardBackupName(name)) throw new InputError(`"${name.slice(0, 80)}" is not a backup file name`);
      const session = context.session();
      const file = `${await knownCard(session, folder)}/${name}`;
      await session.vault.restoreFromFile(file);
      context.startedFile('restore', file);
      return null;
    },
    // The device's vault puts every folder of its backup back where it came from.
    'backup.fileUnits': () => ({ units: [], unknown: [] }),
    'backup.restoreInto': refuse(RESTORES_IN_PLACE),
    'folders.pick': refuse(CARDS_ON_THE_DEVICE),
    'folders.list': refuse(CARDS_ON_THE_DEVICE),
    'folders.create': refuse(CARDS_ON_THE_DEVICE),
  };
}
