// Where a backup can go and where backups can be restored from: each cloud account, each removable drive
// (Sailfish's memory card), the default folder on this computer and the folders the user added.
import type { AccountView, FolderTargetView } from '../../../main/ipc/contract';
import { fileSize } from '../../format';

export type BackupTarget =
  | { key: string; kind: 'cloud'; label: string; accountId: number }
  | { key: string; kind: 'folder'; label: string; folder: FolderTargetView };

export function cloudTargets(accounts: AccountView[]): BackupTarget[] {
  return accounts.map((a) => ({ key: `cloud-${a.id}`, kind: 'cloud', label: a.name, accountId: a.id }));
}

/** As Sailfish names its memory card: "Memory card 112.8 GB", the free space after the name. */
export function folderLabel(folder: FolderTargetView): string {
  return folder.free === null ? folder.label : `${folder.label} ${fileSize(folder.free)}`;
}

export function folderTargets(folders: FolderTargetView[]): BackupTarget[] {
  return folders.map((f) => ({ key: `folder-${f.path}`, kind: 'folder', label: folderLabel(f), folder: f }));
}

/** The line under the picker for a folder: where the file goes, or why it cannot. */
export function folderNote(folder: FolderTargetView): string {
  if (folder.problem) return folder.problem;
  if (!folder.exists) return `Backups go to ${folder.path}, made on the first backup.`;
  return `Backups go to ${folder.path}.`;
}
