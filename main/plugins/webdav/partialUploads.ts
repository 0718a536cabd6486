// Uploads in progress live on the server under a dot-name that says who is writing them:
// `.<backup file>.<boot>-<pid>-<start>-<random>.part`. The device folder is this machine's, so a
// later run can tell an upload whose writer is gone (another boot, or a process that no longer runs)
// from one that another live process is still sending, and removes only the first kind.
import { randomBytes } from 'node:crypto';
import { bootTag, identityTag, isAlive, parseIdentityTag } from '../../processIdentity.js';

const OWNED = /^\.sailfish_backup_.+\.([0-9a-f]{8})-(\d+-\d+)-[0-9a-f]+\.part$/;
const ANY_PART = /^\.sailfish_backup_.+\.part$/;
/** Uploads named before owners were recorded: a day without change proves nobody is sending them. */
const UNOWNED_AGE_MS = 24 * 3600_000;

/** The uploads this process is sending now; its other ones are leftovers it failed to remove. */
const sending = new Set<string>();

/** A new temporary name, marked as being sent until `uploadEnded` is called with it. */
export function partialUploadName(finalName: string): string {
  const name = `.${finalName}.${bootTag()}-${identityTag()}-${randomBytes(4).toString('hex')}.part`;
  sending.add(name);
  return name;
}

export function uploadEnded(name: string): void {
  sending.delete(name);
}

/** Whether a file of the device folder is an upload whose writer is provably gone. */
export function isAbandonedUpload(name: string, modified: Date | undefined, now = Date.now()): boolean {
  const owned = OWNED.exec(name);
  if (owned) {
    if (owned[1] !== bootTag()) return true; // written before this machine last started
    if (owned[2] === identityTag()) return !sending.has(name);
    const owner = parseIdentityTag(owned[2]!);
    return owner !== undefined && !isAlive(owner);
  }
  return ANY_PART.test(name) && modified !== undefined && now - modified.getTime() > UNOWNED_AGE_MS;
}
