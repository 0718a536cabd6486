// Typed client of com.meego.msyncd, for the vault, the CLI and any other process.
import type { DBusClient } from '../dbus/DBusClient.js';
import {
  MSYNCD_INTERFACE,
  MSYNCD_PATH,
  MSYNCD_SERVICE,
  TRANSFER_DIRECTIONS,
  TRANSFER_INTERFACE,
  TRANSFER_PATH,
  type TransferDirection,
} from './msyncdNames.js';
import { scalarText } from '../scalar.js';

export interface SyncStatusEvent {
  profile: string;
  status: number;
  message: string;
  moreDetails: number;
}

export interface TransferProgressEvent {
  profile: string;
  db: number;
  type: number;
  mime: string;
  committed: number;
}

/** This app's daemon's BytesTransferred signal (transferService.ts). */
export interface BytesTransferredEvent {
  profile: string;
  direction: TransferDirection;
  done: number;
  /** Undefined when the size is not known. */
  total: number | undefined;
}

export class MsyncdProxy {
  constructor(private readonly client: DBusClient) {}

  private async call(member: string, signature = '', body: unknown[] = []): Promise<unknown[]> {
    return this.client.call(MSYNCD_SERVICE, MSYNCD_PATH, MSYNCD_INTERFACE, member, signature, body);
  }

  isRunning(): Promise<boolean> {
    return this.client.nameHasOwner(MSYNCD_SERVICE);
  }

  async startSync(profile: string): Promise<boolean> {
    return (await this.call('startSync', 's', [profile]))[0] === true;
  }

  /** NoReply in msyncd (SyncDBusAdaptor.h): waiting for an answer would wait for the call timeout. */
  abortSync(profile: string): Promise<void> {
    this.client.callNoReply(MSYNCD_SERVICE, MSYNCD_PATH, MSYNCD_INTERFACE, 'abortSync', 's', [profile]);
    return Promise.resolve();
  }

  /** msyncd's per-account summary: 0 running, 1 done, 2 failed (failedReason is a minor code then). */
  async status(accountId: number): Promise<{ status: number; failedReason: number; prev: number; next: number }> {
    const [status, failedReason, prev, next] = await this.call('status', 'u', [accountId]);
    return { status: Number(status), failedReason: Number(failedReason), prev: Number(prev), next: Number(next) };
  }

  async isConnectivityAvailable(type: number): Promise<boolean> {
    return (await this.call('isConnectivityAvailable', 'i', [type]))[0] === true;
  }

  async runningSyncs(): Promise<string[]> {
    return (await this.call('runningSyncs'))[0] as string[];
  }

  async syncProfile(profile: string): Promise<string> {
    return scalarText((await this.call('syncProfile', 's', [profile]))[0]);
  }

  async syncProfilesByKey(key: string, value: string): Promise<string[]> {
    return (await this.call('syncProfilesByKey', 'ss', [key, value]))[0] as string[];
  }

  async syncProfilesByType(type: string): Promise<string[]> {
    return (await this.call('syncProfilesByType', 's', [type]))[0] as string[];
  }

  async allVisibleSyncProfiles(): Promise<string[]> {
    return (await this.call('allVisibleSyncProfiles'))[0] as string[];
  }

  async updateProfile(xml: string): Promise<boolean> {
    return (await this.call('updateProfile', 's', [xml]))[0] === true;
  }

  async removeProfile(profile: string): Promise<boolean> {
    return (await this.call('removeProfile', 's', [profile]))[0] === true;
  }

  async getLastSyncResult(profile: string): Promise<string> {
    return scalarText((await this.call('getLastSyncResult', 's', [profile]))[0]);
  }

  async saveSyncResults(profile: string, resultsXml: string): Promise<boolean> {
    return (await this.call('saveSyncResults', 'ss', [profile, resultsXml]))[0] === true;
  }

  async setSyncSchedule(profile: string, scheduleXml: string): Promise<boolean> {
    return (await this.call('setSyncSchedule', 'ss', [profile, scheduleXml]))[0] === true;
  }

  onSyncStatus(handler: (event: SyncStatusEvent) => void): Promise<() => Promise<void>> {
    return this.client.subscribe({ interface: MSYNCD_INTERFACE, member: 'syncStatus', path: MSYNCD_PATH }, (body) => {
      const [profile, status, message, moreDetails] = body as [string, number, string, number];
      handler({ profile, status, message, moreDetails });
    });
  }

  onTransferProgress(handler: (event: TransferProgressEvent) => void): Promise<() => Promise<void>> {
    return this.client.subscribe(
      { interface: MSYNCD_INTERFACE, member: 'transferProgress', path: MSYNCD_PATH },
      (body) => {
        const [profile, db, type, mime, committed] = body as [string, number, number, string, number];
        handler({ profile, db, type, mime, committed });
      },
    );
  }

  /** Bytes moved by a running transfer; only this app's daemon sends them. Malformed signals are dropped. */
  onBytesTransferred(handler: (event: BytesTransferredEvent) => void): Promise<() => Promise<void>> {
    return this.client.subscribe(
      { interface: TRANSFER_INTERFACE, member: 'BytesTransferred', path: TRANSFER_PATH },
      (body) => {
        const [profile, direction, done, total] = body;
        if (typeof profile !== 'string' || !TRANSFER_DIRECTIONS.some((d) => d === direction)) return;
        const bytes = Number(done);
        const size = Number(total);
        if (!Number.isSafeInteger(bytes) || bytes < 0 || !Number.isSafeInteger(size)) return;
        handler({
          profile,
          direction: direction as TransferDirection,
          done: bytes,
          total: size < 0 ? undefined : size,
        });
      },
    );
  }

  onResultsAvailable(handler: (profile: string, resultsXml: string) => void): Promise<() => Promise<void>> {
    return this.client.subscribe(
      { interface: MSYNCD_INTERFACE, member: 'resultsAvailable', path: MSYNCD_PATH },
      (body) => {
        handler(scalarText(body[0]), scalarText(body[1]));
      },
    );
  }

  onProfileChanged(handler: (profile: string, change: number, xml: string) => void): Promise<() => Promise<void>> {
    return this.client.subscribe(
      { interface: MSYNCD_INTERFACE, member: 'signalProfileChanged', path: MSYNCD_PATH },
      (body) => {
        handler(scalarText(body[0]), Number(body[1]), scalarText(body[2]));
      },
    );
  }
}
