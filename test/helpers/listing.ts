// `find -printf` listings of a folder tree, for comparing a restored tree with its source: type, mode,
// size, modification time, link target, link count and blocks, names kept as bytes.
import { execFileSync } from 'node:child_process';

export interface ListedEntry {
  type: string;
  mode: string;
  size: number;
  mtime: number;
  link: string;
  nlink: number;
  blocks: number;
}

const FIELDS = ['%P', '%y', '%m', '%s', '%T@', '%l', '%n', '%b'];

/** Path (latin1, so any bytes survive) → its metadata. */
export function listTree(dir: string): Map<string, ListedEntry> {
  const out = execFileSync('find', [dir, '-printf', FIELDS.map((f) => `${f}\\0`).join('')], { maxBuffer: 1 << 28 });
  const parts = out.toString('latin1').split('\0');
  const listing = new Map<string, ListedEntry>();
  for (let i = 0; i + FIELDS.length <= parts.length; i += FIELDS.length) {
    const [name, type, mode, size, mtime, link, nlink, blocks] = parts.slice(i, i + FIELDS.length);
    listing.set(name!, {
      type: type!,
      mode: mode!,
      size: Number(size),
      mtime: Number(mtime),
      link: link!,
      nlink: Number(nlink),
      blocks: Number(blocks),
    });
  }
  return listing;
}

/**
 * The differences between two listings, as readable lines: every field must match, times to within
 * 10 µs (Node sets times through a double) unless told otherwise (tar's own headers hold whole seconds),
 * folder sizes and blocks aside (they depend on history).
 */
export function listingDifferences(
  source: Map<string, ListedEntry>,
  restored: Map<string, ListedEntry>,
  options: { mtimeTolerance?: number; ignoreBlocks?: boolean } = {},
): string[] {
  const tolerance = options.mtimeTolerance ?? 1e-5;
  const diffs: string[] = [];
  const show = (name: string) => JSON.stringify(Buffer.from(name, 'latin1').toString('utf8'));
  for (const [name, a] of source) {
    const b = restored.get(name);
    if (!b) {
      diffs.push(`${show(name)}: missing`);
      continue;
    }
    const fields: Array<keyof ListedEntry> = ['type', 'mode', 'link', 'nlink'];
    if (a.type !== 'd') fields.push('size');
    for (const f of fields) if (a[f] !== b[f]) diffs.push(`${show(name)}: ${f} ${String(a[f])} → ${String(b[f])}`);
    if (Math.abs(a.mtime - b.mtime) > tolerance) diffs.push(`${show(name)}: mtime ${a.mtime} → ${b.mtime}`);
    if (!options.ignoreBlocks && a.type === 'f' && b.blocks > a.blocks + 8)
      diffs.push(`${show(name)}: blocks ${a.blocks} → ${b.blocks}`);
  }
  for (const name of restored.keys()) if (!source.has(name)) diffs.push(`${show(name)}: not in the source`);
  return diffs;
}
