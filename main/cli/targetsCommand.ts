// sfbackup targets [list] | add DIR | remove DIR — where backups can go: the cloud accounts, the mounted
// removable drives (UDisks2, or the mount table), the default folder in the home folder and added folders.
import path from 'node:path';
import { InputError } from '../errors.js';
import { DriveMonitor } from '../targets/DriveMonitor.js';
import { listFolderTargets } from '../targets/folderTargetList.js';
import { FolderTargets, folderTargetsFile } from '../targets/FolderTargets.js';
import { formatBytes } from '../progressText.js';
import type { CommandArgs } from './args.js';
import type { Cli } from './Cli.js';

function spaceText(size: number | null, free: number | null): string {
  if (free === null) return '';
  return size === null ? `${formatBytes(free)} free` : `${formatBytes(free)} free of ${formatBytes(size)}`;
}

export async function targets(cli: Cli, args: CommandArgs): Promise<void> {
  const [sub, arg] = args.positionals;
  const folders = new FolderTargets(folderTargetsFile(cli.paths.dataDir));
  switch (sub) {
    case 'add': {
      if (!arg) throw new InputError('targets add needs a folder');
      const added = folders.add(path.resolve(arg));
      cli.out.result({ added }, () => `Backups can go to ${added}`);
      return;
    }
    case 'remove': {
      if (!arg) throw new InputError('targets remove needs a folder');
      folders.remove(path.resolve(arg));
      cli.out.result({ removed: path.resolve(arg) }, () => `${path.resolve(arg)} is no longer a backup folder`);
      return;
    }
    case 'list':
    case undefined:
      break;
    default:
      throw new InputError(`Unknown targets command "${sub}": use list, add DIR or remove DIR`);
  }
  const drives = await DriveMonitor.start(cli.env, (text) => cli.out.note(text));
  try {
    const local = await listFolderTargets(drives, folders, cli.env);
    const accounts = cli.stores.accounts.list().map((a) => ({
      kind: 'account' as const,
      id: a.id,
      label: a.name,
      provider: a.provider,
      backupsPath: a.backupsPath,
    }));
    cli.out.result({ accounts, folders: local, driveSource: drives.source }, () => [
      ...accounts.map((a) => `account ${String(a.id).padEnd(4)} ${a.label} (${a.provider}) ${a.backupsPath}`),
      ...local.map((t) =>
        [
          t.kind.padEnd(12),
          `${t.label}`,
          t.path,
          spaceText(t.size, t.free),
          t.exists ? '' : '(made on first backup)',
          t.problem ?? '',
        ]
          .filter(Boolean)
          .join('  '),
      ),
    ]);
  } finally {
    await drives.close();
  }
}
