// WebDAV multistatus answers (PROPFIND Depth 1) read defensively: no DTDs, bounded nesting, only the
// folder's direct children, names decoded and never used as paths.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { scalarText } from '../../scalar.js';

export interface RemoteEntry {
  name: string;
  isCollection: boolean;
  size: number | undefined;
  modified: Date | undefined;
}

/** Real multistatus answers nest about six deep. */
const MAX_DEPTH = 100;

const propfindParser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: true,
  isArray: (name) => name === 'response' || name === 'propstat',
});

/** How deep elements nest, counted without building a tree. */
export function nestingDepth(xml: string): number {
  let depth = 0;
  let max = 0;
  const tags = /<(\/?)([^\s>/!?]+)[^>]*?(\/?)>/g;
  for (let m = tags.exec(xml); m; m = tags.exec(xml)) {
    if (m[1]) depth--;
    else if (!m[3]) max = Math.max(max, ++depth);
  }
  return max;
}

/** Entries of a multistatus answer, without the folder itself; names are decoded, never paths. */
export function parseMultistatus(xml: string, folder: string): RemoteEntry[] {
  // Entity declarations have no place in a listing (and are how XML bombs work).
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    throw new Error('the server sent a listing with a DOCTYPE, which is not a WebDAV listing');
  if (nestingDepth(xml) > MAX_DEPTH)
    throw new Error(`the server sent a listing nested more than ${MAX_DEPTH} deep, which is not a WebDAV listing`);
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new Error(
      `the server sent something that is not a WebDAV listing (${valid.err.msg}, line ${valid.err.line})`,
    );
  const doc = propfindParser.parse(xml) as { multistatus?: { response?: Array<Record<string, unknown>> } | '' };
  if (doc.multistatus === undefined)
    throw new Error('the server sent XML that is not a WebDAV listing (no multistatus)');
  const responses = (doc.multistatus || undefined)?.response ?? [];
  const self = folder.replace(/\/+$/, '');
  const out: RemoteEntry[] = [];
  for (const r of responses) {
    const href = scalarText(r.href);
    let hrefPath: string;
    try {
      hrefPath = decodeURIComponent(new URL(href, 'http://x').pathname).replace(/\/+$/, '');
    } catch {
      // an href that does not decode names no file we could use
      continue;
    }
    if (hrefPath === self || hrefPath === '') continue;
    // Only direct children of the folder: a server cannot point the list elsewhere.
    const slash = hrefPath.lastIndexOf('/');
    if (hrefPath.slice(0, slash) !== self) continue;
    const name = hrefPath.slice(slash + 1);
    const okStat =
      (r.propstat as Array<Record<string, unknown>> | undefined)?.find((p) => /\s200\s/.test(scalarText(p.status))) ??
      (r.propstat as Array<Record<string, unknown>> | undefined)?.[0];
    const prop = (okStat?.prop ?? {}) as Record<string, unknown>;
    const type = prop.resourcetype;
    const isCollection = typeof type === 'object' && type !== null && 'collection' in type;
    const length = Number(prop.getcontentlength);
    const modified = prop.getlastmodified ? new Date(scalarText(prop.getlastmodified)) : undefined;
    out.push({
      name,
      isCollection,
      size: Number.isFinite(length) && prop.getcontentlength !== undefined ? length : undefined,
      modified: modified && !Number.isNaN(modified.getTime()) ? modified : undefined,
    });
  }
  return out;
}
