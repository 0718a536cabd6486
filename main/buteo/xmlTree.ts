// An ordered XML tree (fast-xml-parser's preserveOrder form) so that profiles round-trip what we
// do not understand: unknown keys, fields, attributes, comments and element order stay as they were.
import { XMLBuilder, XMLParser, XMLValidator } from 'fast-xml-parser';
import { scalarText } from '../scalar.js';

export type Attributes = Record<string, string>;
export interface XmlElement {
  tag: string;
  attrs: Attributes;
  children: XmlChild[];
}
export type XmlChild = XmlElement | { text: string } | { comment: string };

const ATTR = ':@';
const options = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  commentPropName: '#comment',
  parseTagValue: false,
  parseAttributeValue: false,
  // Not trimmed: attribute values (key names and values) keep their spaces; whitespace between
  // elements is dropped in fromRaw instead, so formatting does not pile up over round trips.
  trimValues: false,
  processEntities: true,
  allowBooleanAttributes: false,
} as const;

const parser = new XMLParser(options);
const builder = new XMLBuilder({ ...options, format: true, indentBy: '    ', suppressEmptyNode: true });

type RawNode = Record<string, unknown>;

function fromRaw(node: RawNode): XmlChild | undefined {
  for (const key of Object.keys(node)) {
    if (key === ATTR) continue;
    if (key === '#text') {
      const text = scalarText(node[key]);
      return text.trim() === '' ? undefined : { text };
    }
    if (key === '#comment') {
      const parts = node[key] as RawNode[];
      return { comment: parts.map((p) => scalarText(p['#text'])).join('') };
    }
    if (key.startsWith('?')) return undefined;
    const attrs: Attributes = {};
    for (const [name, value] of Object.entries((node[ATTR] as Record<string, unknown> | undefined) ?? {})) {
      attrs[name] = String(value);
    }
    const children = ((node[key] as RawNode[]) ?? []).map(fromRaw).filter((c): c is XmlChild => c !== undefined);
    return { tag: key, attrs, children };
  }
  return undefined;
}

function toRaw(child: XmlChild): RawNode {
  if ('text' in child) return { '#text': child.text };
  if ('comment' in child) return { '#comment': [{ '#text': child.comment }] };
  const raw: RawNode = { [child.tag]: child.children.map(toRaw) };
  if (Object.keys(child.attrs).length > 0) raw[ATTR] = { ...child.attrs };
  return raw;
}

export class XmlParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlParseError';
  }
}

/** Parses a document and returns its root element; DTDs and entity declarations are refused. */
export function parseXml(text: string): XmlElement {
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new XmlParseError('DOCTYPE and ENTITY declarations are not allowed');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlParseError(`${valid.err.msg} (line ${valid.err.line})`);
  const nodes = (parser.parse(text) as RawNode[]).map(fromRaw);
  const root = nodes.find((n): n is XmlElement => n !== undefined && 'tag' in n);
  if (!root) throw new XmlParseError('the document has no root element');
  return root;
}

export function serializeXml(root: XmlElement): string {
  const body = builder.build([toRaw(root)]).trim();
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body}\n`;
}

export function elements(parent: XmlElement, tag?: string): XmlElement[] {
  return parent.children.filter((c): c is XmlElement => 'tag' in c && (tag === undefined || c.tag === tag));
}

export function element(tag: string, attrs: Attributes = {}, children: XmlChild[] = []): XmlElement {
  return { tag, attrs, children };
}

export function cloneElement(el: XmlElement): XmlElement {
  return structuredClone(el);
}
