// Copying a backup between the connected device and this computer from the Settings UI: the same
// pullFile / pushFile as `sfbackup pull` and `push` (streamed over the device's SSH connection, checked
// by size and SHA-256 on both sides), with its progress as `device.copy` events and a cancel. A copy to
// this computer goes into its default backup folder, where "This computer"'s restore list finds it; a copy
// to the device goes onto one of its memory cards, where the device's own restore list finds it.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../errors.js';
import type { CallArgs, CallResult, CopyDirection, CopyResultView, EventName, EventPayload } from '../ipc/contract.js';
import type { DeviceSession } from '../device/DeviceSession.js';
import { isCardBackupName, listMemoryCards } from '../device/memoryCard.js';
import { pullFile, pushFile, type CopyProgress, type CopyResult } from '../device/transfer.js';
import { ProblemError } from '../signin/problems.js';
import { defaultBackupFolder, prepareTargetFolder } from '../targets/FolderTargets.js';
import type { UiBridge } from './dispatch.js';

export type CopyCall =
  'devices.copyToComputer' | 'devices.computerBackups' | 'devices.copyToDevice' | 'devices.cancelCopy';
type Handlers = { [C in CopyCall]: (...args: CallArgs<C>) => Promise<CallResult<C>> | CallResult<C> };

export interface CopyContext {
  /** The chosen device's session; throws when no device is chosen or it is not connected. */
  session(): DeviceSession;
  /** This computer's own bridge: its drives and folders, and the backups in them. */
  local: UiBridge;
  env: NodeJS.ProcessEnv;
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
}

/** One of the device's memory cards as mounted now: a copy goes to or comes from nowhere else. */
async function deviceCard(session: DeviceSession, folder: string): Promise<string> {
  const cards = await listMemoryCards(session.link);
  if (!cards.some((c) => c.path === folder))
    throw new InputError(`${folder} is not a memory card on the device (is it still in the device?)`);
  return folder;
}

export class DeviceCopies {
  private readonly running = new Map<string, AbortController>();

  constructor(private readonly context: CopyContext) {}

  readonly handlers: Handlers = {
    'devices.copyToComputer': async ({ copyId, folder, name }) => {
      if (!isCardBackupName(name)) throw new InputError(`"${name.slice(0, 80)}" is not a backup file name`);
      const session = this.context.session();
      const from = `${await deviceCard(session, folder)}/${name}`;
      // This computer's default folder: "This computer" in the restore list (made on the first copy, as on
      // the first backup there).
      const into = defaultBackupFolder(this.context.env);
      const target = path.join(into, name);
      if (existsSync(target))
        throw new InputError(`This computer already has ${name}, in ${into}; nothing was copied.`);
      prepareTargetFolder(into, this.context.env);
      return this.run(copyId, 'toComputer', into, (progress, signal) =>
        pullFile(session.link, from, target, progress, signal),
      );
    },
    'devices.computerBackups': async () => {
      const { folders } = await this.context.local.handle('targets.list', []);
      const found: CallResult<'devices.computerBackups'> = [];
      for (const folder of folders.filter((f) => f.exists)) {
        // A drive that cannot be read now is said on "This computer"'s own page; here it offers nothing.
        const backups = await this.context.local.handle('backup.listFolder', [folder.path]).catch(() => []);
        for (const b of backups) found.push({ folder: folder.path, label: folder.label, ...b });
      }
      return found;
    },
    'devices.copyToDevice': async ({ copyId, folder, name, to }) => {
      // Only a backup the restore list of this computer shows: a regular file in one of its drives or folders.
      const listed = await this.context.local.handle('backup.listFolder', [folder]);
      if (!listed.some((b) => b.name === name)) throw new InputError(`There is no backup ${name} in ${folder}`);
      const session = this.context.session();
      const card = await deviceCard(session, to);
      return this.run(copyId, 'toDevice', card, (progress, signal) =>
        pushFile(session.link, path.join(folder, name), card, progress, signal),
      );
    },
    'devices.cancelCopy': (copyId) => {
      this.running.get(copyId)?.abort();
      return null;
    },
  };

  private async run(
    copyId: string,
    direction: CopyDirection,
    folder: string,
    work: (progress: (p: CopyProgress) => void, signal: AbortSignal) => Promise<CopyResult>,
  ): Promise<CopyResultView> {
    if (this.running.has(copyId)) throw new InputError(`The copy ${copyId} is already running`);
    const controller = new AbortController();
    this.running.set(copyId, controller);
    try {
      const copied = await work(
        (p) => this.context.emit('device.copy', { copyId, direction, ...p }),
        controller.signal,
      );
      return {
        path: copied.path,
        folder,
        size: copied.size,
        sha256: copied.sha256,
        ...(copied.recorded ? { recorded: true } : {}),
      };
    } catch (err) {
      if (controller.signal.aborted)
        throw new ProblemError({ kind: 'cancelled', message: 'The copy was cancelled; nothing of it was kept.' });
      throw err;
    } finally {
      this.running.delete(copyId);
    }
  }

  /** Stops every copy (the device was switched or the window closed); each removes its partial file. */
  cancelAll(): void {
    for (const controller of this.running.values()) controller.abort();
  }
}
