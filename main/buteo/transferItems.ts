// Buteo's transferProgress signal counts items, not bytes (SyncDBusInterface.h: aTransferDatabase
// 0 local / 1 remote, aTransferType 0 add / 1 modify / 2 delete / 3 error, aCommittedItems "No. of
// Items committed"). A backup archive is one item added on the server; a restore, one added locally.
import type { PluginOutcome } from './ClientPlugin.js';

export const TransferDatabase = { Local: 0, Remote: 1 } as const;
export const TransferType = { Add: 0, Modify: 1, Delete: 2, Error: 3 } as const;

export interface TransferSignal {
  database: number;
  type: number;
  mime: string;
  committed: number;
}

const ARCHIVE_MIME = 'application/x-tar';

/** The transferProgress signals for what a finished run committed. */
export function committedItems(outcome: PluginOutcome): TransferSignal[] {
  const out: TransferSignal[] = [];
  for (const [database, counts] of [
    [TransferDatabase.Local, outcome.local],
    [TransferDatabase.Remote, outcome.remote],
  ] as const) {
    for (const [type, n] of [
      [TransferType.Add, counts.added],
      [TransferType.Modify, counts.modified],
      [TransferType.Delete, counts.deleted],
    ] as const) {
      if (n > 0) out.push({ database, type, mime: ARCHIVE_MIME, committed: n });
    }
  }
  return out;
}
