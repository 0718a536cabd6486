// The one-pass listing reader (multistatus.ts) against a general XML parser: for random listings
// written the ways servers write them (any namespace prefix, comments, CDATA, character references,
// a failed propstat before the good one, folders, odd names), both read the same entries. The general
// parser is fast-xml-parser, which reads the app's profiles; it is the reference here, kept out of the
// listing path only because it takes ten times as long for 10,000 backups (docs/benchmarks.md).
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { parseMultistatus, type RemoteEntry } from '../../main/plugins/webdav/multistatus.js';
import { scalarText } from '../../main/scalar.js';

const reference = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: true,
  htmlEntities: true, // numeric references too (without it `&#39;` stays as text; main's reader had that bug)
  isArray: (name) => name === 'response' || name === 'propstat',
});

/** The entries a general parser finds, by the same rules (direct children, first 200 propstat). */
function referenceEntries(xml: string, folder: string): RemoteEntry[] {
  const doc = reference.parse(xml) as { multistatus?: { response?: Array<Record<string, unknown>> } | '' };
  const self = folder.replace(/\/+$/, '');
  const out: RemoteEntry[] = [];
  for (const r of (doc.multistatus || undefined)?.response ?? []) {
    const hrefPath = decodeURIComponent(new URL(scalarText(r.href).trim(), 'http://x').pathname).replace(/\/+$/, '');
    if (hrefPath === self || hrefPath === '') continue;
    const slash = hrefPath.lastIndexOf('/');
    if (hrefPath.slice(0, slash) !== self) continue;
    const stats = r.propstat as Array<Record<string, unknown>> | undefined;
    const stat = stats?.find((p) => /\s200\s/.test(scalarText(p.status))) ?? stats?.[0];
    const prop = (stat?.prop ?? {}) as Record<string, unknown>;
    const type = prop.resourcetype;
    const length = prop.getcontentlength === undefined ? undefined : Number(scalarText(prop.getcontentlength).trim());
    const modified = prop.getlastmodified ? new Date(scalarText(prop.getlastmodified).trim()) : undefined;
    out.push({
      name: hrefPath.slice(slash + 1),
      isCollection: typeof type === 'object' && type !== null && 'collection' in type,
      size: length !== undefined && Number.isFinite(length) ? length : undefined,
      modified: modified && !Number.isNaN(modified.getTime()) ? modified : undefined,
    });
  }
  return out;
}

/** Text as a server may escape it: plain entities, numeric references, or a CDATA section. */
function escaped(text: string, style: number): string {
  if (style === 2 && !text.includes(']]>')) return `<![CDATA[${text}]]>`;
  return text.replace(/[&<>"']/g, (c) =>
    style === 1
      ? `&#${c.charCodeAt(0)};`
      : { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }[c]!,
  );
}

const nameChars = fc.constantFrom(...'ab-_.Zé0 &<>\'"%+#ü'.split(''));
const entryArb = fc.record({
  name: fc
    .string({ unit: nameChars, minLength: 1, maxLength: 12 })
    .filter((s) => s.trim() === s && s !== '.' && s !== '..'),
  collection: fc.boolean(),
  length: fc.option(fc.nat({ max: 2 ** 40 }), { nil: undefined }),
  modified: fc.option(fc.date({ min: new Date('2000-01-01'), max: new Date('2090-01-01'), noInvalidDate: true }), {
    nil: undefined,
  }),
  failedFirst: fc.boolean(),
  style: fc.nat({ max: 2 }),
  comment: fc.boolean(),
  absoluteHref: fc.boolean(),
  elsewhere: fc.boolean(),
});
const listingArb = fc.record({
  prefix: fc.constantFrom('d:', 'D:', 'lp1:', ''),
  entries: fc.array(entryArb, { maxLength: 8 }),
  declaration: fc.boolean(),
});

type Listing = typeof listingArb extends fc.Arbitrary<infer T> ? T : never;

function listingXml({ prefix, entries, declaration }: Listing, folder: string): string {
  const ns = prefix ? `xmlns:${prefix.slice(0, -1)}="DAV:"` : 'xmlns="DAV:"';
  const el = (name: string, body?: string) =>
    body === undefined ? `<${prefix}${name}/>` : `<${prefix}${name}>${body}</${prefix}${name}>`;
  const responses = entries.map((e) => {
    const where = e.elsewhere ? '/dav/other' : folder;
    const path = `${where}/${encodeURIComponent(e.name)}${e.collection ? '/' : ''}`;
    const href = escaped(e.absoluteHref ? `http://server.example${path}` : path, e.style);
    const props = [
      el('resourcetype', e.collection ? el('collection') : ''),
      e.length === undefined ? '' : el('getcontentlength', String(e.length)),
      e.modified === undefined ? '' : el('getlastmodified', e.modified.toUTCString()),
    ].join(e.comment ? '<!-- - -->\n' : '');
    const ok = el('propstat', el('prop', props) + el('status', 'HTTP/1.1 200 OK'));
    const failed = el(
      'propstat',
      el('prop', '<x:quota xmlns:x="urn:x" a=">"/>') + el('status', 'HTTP/1.1 404 Not Found'),
    );
    return el('response', el('href', href) + (e.failedFirst ? failed + ok : ok + failed));
  });
  const self = el(
    'response',
    el('href', `${folder}/`) + el('propstat', el('prop', el('resourcetype', el('collection')))),
  );
  return `${declaration ? '<?xml version="1.0" encoding="utf-8"?>\n' : ''}<${prefix}multistatus ${ns}>${self}\n${responses.join('\n')}</${prefix}multistatus>`;
}

describe('the one-pass listing reader', () => {
  it('reads what a general XML parser reads, for listings written the ways servers write them', () => {
    const folder = '/dav/files/u/Backups';
    fc.assert(
      fc.property(listingArb, (listing) => {
        const xml = listingXml(listing, folder);
        const entries = parseMultistatus(xml, folder);
        expect(entries).toEqual(referenceEntries(xml, folder));
        expect(entries.map((e) => e.name)).toEqual(listing.entries.filter((e) => !e.elsewhere).map((e) => e.name));
      }),
      { numRuns: 300 },
    );
  });
});
