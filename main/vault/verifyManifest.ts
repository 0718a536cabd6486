// Checks what an archive held against its own manifest, member by member: path, type, size, mode,
// modification time, link target and the SHA-256 of every file's content, and the list of units.
import { mtimeSeconds, parseLine, type ManifestEntry, type ManifestHead, type ManifestType } from './manifest.js';
import { displayPath } from './notes.js';
import { joinRel } from './stagedUnit.js';
import type { TarEntry } from './tar/TarReader.js';

export interface MemberRecord {
  entry: TarEntry;
  unit?: string;
  rel?: Buffer[];
  /** Why this member was not restored. */
  refused?: string;
  /** SHA-256 of a file's content as it was written (not taken when the archive's checksum vouched for it). */
  sha256?: string;
}

export class VerificationError extends Error {
  constructor(detail: string) {
    super(`The backup failed verification: ${detail}. Nothing was restored.`);
    this.name = 'VerificationError';
  }
}

const typeOf: Partial<Record<TarEntry['kind'], ManifestType>> = {
  file: 'file',
  directory: 'dir',
  symlink: 'symlink',
  hardlink: 'hardlink',
};

const MAX_MANIFEST = 1 << 30;

export class ManifestCheck {
  seen = false;
  private head: ManifestHead | undefined;
  private entries: ManifestEntry[] = [];
  private endCount: number | undefined;

  /** Reads the manifest member line by line as it streams in. */
  async read(data: AsyncIterable<Buffer>, size: number): Promise<void> {
    if (size > MAX_MANIFEST) throw new VerificationError('its manifest is too large');
    this.seen = true;
    let rest = '';
    const take = (line: string) => {
      if (line === '') return;
      let parsed;
      try {
        parsed = parseLine(line);
      } catch {
        throw new VerificationError('its manifest is damaged');
      }
      if (this.endCount !== undefined) throw new VerificationError('its manifest goes on after its end');
      if (parsed.kind === 'head') {
        if (this.head || this.entries.length > 0) throw new VerificationError('its manifest is damaged');
        this.head = parsed.head;
      } else if (parsed.kind === 'entry') this.entries.push(parsed.entry);
      else this.endCount = parsed.entries;
    };
    const decoder = new TextDecoder('utf-8', { fatal: true });
    try {
      for await (const chunk of data) {
        const lines = (rest + decoder.decode(chunk, { stream: true })).split('\n');
        rest = lines.pop() ?? '';
        lines.forEach(take);
      }
      take(rest + decoder.decode());
    } catch (err) {
      throw err instanceof VerificationError ? err : new VerificationError('its manifest is damaged');
    }
    if (!this.head) throw new VerificationError('its manifest has no head line');
    if (this.endCount === undefined) throw new VerificationError('its manifest is cut short');
  }

  /** The manifest's exact time for the i-th member, once it is checked. */
  mtimeOf(index: number): string | undefined {
    return this.seen ? this.entries[index]?.mtime : undefined;
  }

  compare(records: MemberRecord[], units: string[]): void {
    const listed = new Set(this.head?.units ?? []);
    for (const unit of units)
      if (!listed.has(unit)) throw new VerificationError(`the folder "${unit}" is not one of its units`);
    if (listed.size !== units.length) throw new VerificationError('a unit of its manifest is missing from it');
    if (this.endCount !== this.entries.length) throw new VerificationError('its manifest is incomplete');
    if (records.length !== this.entries.length)
      throw new VerificationError(`it holds ${records.length} members where its manifest lists ${this.entries.length}`);
    records.forEach((r, i) => {
      const m = this.entries[i]!;
      const path = r.unit !== undefined && r.rel ? joinRel([Buffer.from(r.unit), ...r.rel]) : r.entry.path;
      const name = displayPath(path);
      const wrong = (what: string) => new VerificationError(`${name}: ${what}`);
      if (r.refused) throw wrong(`it cannot be restored safely (${r.refused})`);
      if (!m.path.equals(path)) throw wrong(`the manifest expects ${displayPath(m.path)} here`);
      if (typeOf[r.entry.kind] !== m.type) throw wrong(`its type differs from the manifest (${m.type})`);
      if ((r.entry.mode & 0o7777) !== m.mode) throw wrong('its permissions differ from the manifest');
      if (r.entry.mtime !== mtimeSeconds(m.mtime)) throw wrong('its modification time differs from the manifest');
      if (m.type === 'file' && (r.entry.size !== m.size || (r.sha256 !== undefined && r.sha256 !== m.sha256)))
        throw wrong(
          r.entry.size !== m.size
            ? 'its size differs from the manifest'
            : 'its content differs from the manifest (SHA-256)',
        );
      if ((m.type === 'symlink' || m.type === 'hardlink') && !(m.link ?? Buffer.alloc(0)).equals(r.entry.linkpath))
        throw wrong('its link target differs from the manifest');
    });
  }
}
