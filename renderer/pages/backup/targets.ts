// Where a backup can go and where backups can be restored from. Today: each cloud account. Other kinds
// (a memory card, a folder) add their own entries here and their own rows on the Backup page.
import type { AccountView } from '../../../main/ipc/contract';

export interface BackupTarget {
  /** Unique among targets: the picker's value. */
  key: string;
  kind: 'cloud';
  label: string;
  accountId: number;
}

export function cloudTargets(accounts: AccountView[]): BackupTarget[] {
  return accounts.map((a) => ({ key: `cloud-${a.id}`, kind: 'cloud', label: a.name, accountId: a.id }));
}
