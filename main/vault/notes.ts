// What a backup or restore could not do as asked — a file skipped, a file that changed while it was
// read, a folder left out — named one by one, so "Finished" never hides a missing file.

export interface FileNote {
  /** Skipped: left out; changed: stored or restored differently; note: about the run or a folder. */
  kind: 'skipped' | 'changed' | 'note';
  /** The file or folder concerned; empty for a note about the whole run. */
  path: string;
  reason: string;
}

/** The note of a restore whose backup could not be verified (it has no manifest). */
export const UNVERIFIED_NOTE =
  'This backup has no manifest (made by an older version or by a device): its files could not be verified.';

/** Names beyond this many are counted, not listed: the results log and the UI stay readable. */
export const MAX_LISTED = 1000;

export class Notes {
  readonly list: FileNote[] = [];
  /** Files (or folders) the run left out. */
  skipped = 0;
  /** Other files that did not go as asked, counted by what happened to them ("changed while being read"). */
  private readonly changed = new Map<string, number>();
  private readonly said = new Set<string>();

  skip(path: string, reason: string): void {
    this.skipped++;
    this.push({ kind: 'skipped', path, reason });
  }

  change(path: string, reason: string, what = 'changed while being read'): void {
    this.changed.set(what, (this.changed.get(what) ?? 0) + 1);
    this.push({ kind: 'changed', path, reason });
  }

  /** A note about the whole run, said once however often it comes up. */
  note(reason: string, path = ''): void {
    const key = `${path}\0${reason}`;
    if (this.said.has(key)) return;
    this.said.add(key);
    this.list.push({ kind: 'note', path, reason });
  }

  private push(note: FileNote): void {
    if (this.list.length < MAX_LISTED) this.list.push(note);
    else if (this.list.length === MAX_LISTED)
      this.list.push({
        kind: 'note',
        path: '',
        reason: 'More files were skipped or changed; only the first ones are listed.',
      });
  }

  /** "3 files skipped, 1 changed while being read", or '' when every file went as asked. */
  summary(): string {
    const parts: string[] = [];
    if (this.skipped > 0) parts.push(`${this.skipped} ${this.skipped === 1 ? 'file' : 'files'} skipped`);
    for (const [what, n] of this.changed) parts.push(`${n} ${what}`);
    return parts.join(', ');
  }
}

/** A path for people: not-UTF-8 bytes as \xNN, control characters escaped, very long paths shortened. */
export function displayPath(bytes: Buffer | string): string {
  let text: string;
  if (typeof bytes === 'string') text = bytes;
  else {
    const utf8 = bytes.toString('utf8');
    text = Buffer.from(utf8, 'utf8').equals(bytes)
      ? utf8
      : [...bytes].map((b) => (b >= 0x80 ? `\\x${b.toString(16).padStart(2, '0')}` : String.fromCharCode(b))).join('');
  }
  text = text.replace(/\p{Cc}/gu, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return text.length > 300 ? `${text.slice(0, 140)}…${text.slice(-140)}` : text;
}
