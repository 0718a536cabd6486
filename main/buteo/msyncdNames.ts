// Where Buteo's sync daemon is on the bus (com.meego.msyncd at /synchronizer), for its clients and the
// daemon alike; and this app's own signal beside it (never inside it): the bytes a transfer has moved.
export const MSYNCD_SERVICE = 'com.meego.msyncd';
export const MSYNCD_PATH = '/synchronizer';
export const MSYNCD_INTERFACE = 'com.meego.msyncd';

/** `BytesTransferred(s profile, s direction, t done, x total)`, total -1 when unknown. */
export const TRANSFER_PATH = '/sfbackup/transfer';
export const TRANSFER_INTERFACE = 'org.sailfishos.backupsettings.Transfer';
export const TRANSFER_DIRECTIONS = ['upload', 'download'] as const;
export type TransferDirection = (typeof TRANSFER_DIRECTIONS)[number];
