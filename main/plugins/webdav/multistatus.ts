// WebDAV multistatus answers (PROPFIND Depth 1) read defensively: the XML must be well formed, with no
// DTD (entity declarations are how XML bombs work), nesting bounded; only the folder's direct children
// count, their names decoded and never used as paths. One pass over the text that keeps only the few
// elements a listing needs: a general XML parser took 0.2 s for 10,000 backups, ten times this.

export interface RemoteEntry {
  name: string;
  isCollection: boolean;
  size: number | undefined;
  modified: Date | undefined;
}

/** Real multistatus answers nest about six deep. */
const MAX_DEPTH = 100;

const entities: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function notAListing(why: string): Error {
  return new Error(`the server sent something that is not a WebDAV listing (${why})`);
}

/** Text with its character and entity references replaced; an unknown entity is not well formed. */
function decodeText(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|&/g, (whole, ref: string | undefined) => {
    if (!ref) throw notAListing('a bare "&"');
    if (ref[0] !== '#') {
      const named = entities[ref];
      if (named === undefined) throw notAListing(`an unknown entity &${ref};`);
      return named;
    }
    const code = ref[1] === 'x' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    if (!Number.isInteger(code) || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
      throw notAListing(`a bad character reference ${whole}`);
    return String.fromCodePoint(code);
  });
}

/** The element name without its namespace prefix: `d:href`, `D:href`, `href` are all `href`. */
function localName(qname: string): string {
  return qname.slice(qname.indexOf(':') + 1);
}

/** Where the tag starting at `from` ends: the first '>' outside quoted attribute values; -1 if none. */
function tagEnd(xml: string, from: number): number {
  let quote = 0;
  for (let i = from; i < xml.length; i++) {
    const c = xml.charCodeAt(i);
    if (quote) {
      if (c === quote) quote = 0;
    } else if (c === 0x22 || c === 0x27) quote = c;
    else if (c === 0x3e) return i;
  }
  return -1;
}

interface Response {
  href: string;
  props: Array<{ status: string; collection: boolean; length?: string; modified?: string }>;
}

/**
 * Walks the document once: checks that it is well formed, and collects each `response` (directly under
 * the root `multistatus`) with the `href`, `status`, `resourcetype`, `getcontentlength` and
 * `getlastmodified` of its `propstat`s.
 */
function readResponses(xml: string): Response[] {
  if (/<!DOCTYPE|<!ENTITY/i.test(xml))
    throw new Error('the server sent a listing with a DOCTYPE, which is not a WebDAV listing');
  const stack: string[] = [];
  const responses: Response[] = [];
  let response: Response | undefined;
  let prop: Response['props'][number] | undefined;
  let text = '';
  let rootSeen = false;
  let at = 0;
  const n = xml.length;
  while (at < n) {
    const lt = xml.indexOf('<', at);
    const end = lt < 0 ? n : lt;
    if (end > at) {
      const chunk = xml.slice(at, end);
      if (stack.length === 0) {
        if (chunk.trim() !== '') throw notAListing(rootSeen ? 'extra text at the end' : 'text before the root');
      } else text += chunk;
    }
    if (lt < 0) break;
    if (xml.startsWith('<?', lt)) {
      const close = xml.indexOf('?>', lt + 2);
      if (close < 0) throw notAListing('an unclosed processing instruction');
      at = close + 2;
      continue;
    }
    if (xml.startsWith('<!--', lt)) {
      const close = xml.indexOf('-->', lt + 4);
      if (close < 0) throw notAListing('an unclosed comment');
      at = close + 3;
      continue;
    }
    if (xml.startsWith('<![CDATA[', lt)) {
      const close = xml.indexOf(']]>', lt + 9);
      if (close < 0 || stack.length === 0) throw notAListing('a misplaced CDATA section');
      text += xml.slice(lt + 9, close).replace(/&/g, '&amp;');
      at = close + 3;
      continue;
    }
    const gt = tagEnd(xml, lt + 1);
    if (gt < 0) throw notAListing('an unclosed tag');
    const tag = xml.slice(lt + 1, gt);
    at = gt + 1;
    if (tag[0] === '/') {
      const name = tag.slice(1).trim();
      if (stack.pop() !== name) throw notAListing(`a closing tag </${name}> that does not match`);
      const local = localName(name);
      const depth = stack.length; // 0 root, 1 response, 2 href/propstat, 3 prop/status, 4 properties
      const value = decodeText(text);
      text = '';
      if (depth === 2 && local === 'href' && response) response.href = value.trim();
      else if (depth === 3 && local === 'status' && prop) prop.status = value;
      else if (depth === 4 && prop && local === 'getcontentlength') prop.length = value.trim();
      else if (depth === 4 && prop && local === 'getlastmodified') prop.modified = value.trim();
      else if (depth === 2 && local === 'propstat') prop = undefined;
      else if (depth === 1 && local === 'response' && response) {
        responses.push(response);
        response = undefined;
      }
      continue;
    }
    const selfClosing = tag.endsWith('/');
    const name = /^[^\s/]+/.exec(tag)?.[0];
    if (!name || !/^[A-Za-z_][\w.:-]*$/.test(name)) throw notAListing(`a malformed tag <${tag.slice(0, 40)}>`);
    const attrs = tag.slice(name.length, selfClosing ? -1 : undefined);
    if (!/^(\s+[A-Za-z_][\w.:-]*\s*=\s*("[^"<]*"|'[^'<]*'))*\s*$/.test(attrs))
      throw notAListing(`malformed attributes in <${name}>`);
    if (stack.length === 0) {
      if (rootSeen) throw notAListing('a second root element');
      if (localName(name) !== 'multistatus') throw notAListing('no multistatus');
      rootSeen = true;
    }
    const local = localName(name);
    const depth = stack.length;
    if (depth === 1 && local === 'response') response = { href: '', props: [] };
    else if (depth === 2 && local === 'propstat' && response) {
      prop = { status: '', collection: false };
      response.props.push(prop);
    } else if (depth === 5 && local === 'collection' && prop && localName(stack[4]!) === 'resourcetype')
      prop.collection = true;
    text = '';
    if (selfClosing) continue;
    stack.push(name);
    if (stack.length > MAX_DEPTH)
      throw new Error(`the server sent a listing nested more than ${MAX_DEPTH} deep, which is not a WebDAV listing`);
  }
  if (!rootSeen) throw new Error('the server sent XML that is not a WebDAV listing (no multistatus)');
  if (stack.length > 0) throw notAListing(`it ends inside <${stack[stack.length - 1]}>`);
  return responses;
}

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
  const self = folder.replace(/\/+$/, '');
  const out: RemoteEntry[] = [];
  for (const r of readResponses(xml)) {
    let hrefPath: string;
    try {
      hrefPath = decodeURIComponent(new URL(r.href, 'http://x').pathname).replace(/\/+$/, '');
    } catch {
      // an href that does not decode names no file we could use
      continue;
    }
    if (hrefPath === self || hrefPath === '') continue;
    // Only direct children of the folder: a server cannot point the list elsewhere.
    const slash = hrefPath.lastIndexOf('/');
    if (hrefPath.slice(0, slash) !== self) continue;
    const prop = r.props.find((p) => /\s200\s/.test(p.status)) ?? r.props[0];
    const length = Number(prop?.length);
    const modified = prop?.modified ? new Date(prop.modified) : undefined;
    out.push({
      name: hrefPath.slice(slash + 1),
      isCollection: prop?.collection ?? false,
      size: prop?.length !== undefined && prop.length !== '' && Number.isFinite(length) ? length : undefined,
      modified: modified && !Number.isNaN(modified.getTime()) ? modified : undefined,
    });
  }
  return out;
}
