// Buteo results logs (buteo-syncfw SyncLog/SyncResults XML): <synclog name><syncresults …><target>…
import { MajorCode } from './codes.js';
import { element, elements, parseXml, serializeXml, type XmlElement } from './xmlTree.js';

export const LOG_ENTRIES_KEPT = 5;

/**
 * A results time as Buteo writes it (QDateTime::toString(Qt::ISODate), no milliseconds): plugins
 * write UTC with "Z" (nextcloudbackupoperationclient.cpp currentDateTimeUtc), msyncd itself writes
 * local time without a zone (synchronizer.cpp currentDateTime).
 */
export function buteoTime(date: Date, zone: 'utc' | 'local'): string {
  if (zone === 'utc') return date.toISOString().slice(0, 19) + 'Z';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}T${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}

/**
 * The entries a log keeps (SyncLog.cpp addResults/toXml): the last five, plus the last successful
 * one when it is older than those, written first.
 */
export function keptResults(results: SyncResults[]): SyncResults[] {
  const last = results.slice(-LOG_ENTRIES_KEPT);
  const lastSuccess = results.findLast((r) => r.majorCode === MajorCode.Success);
  return lastSuccess && !last.includes(lastSuccess) ? [lastSuccess, ...last] : last;
}

/** One item a run added, deleted or modified (TargetResults.cpp ItemDetails: `<addedItem uid=…/>`). */
export interface ItemDetail {
  uid: string;
  operation: 'added' | 'deleted' | 'modified';
  failed?: boolean;
}

const itemTags = { added: 'addedItem', deleted: 'deletedItem', modified: 'modifiedItem' } as const;

export interface ItemCounts {
  added: number;
  deleted: number;
  modified: number;
  /** Which items, when the plugin says (the Backup plugin names the file it uploaded). */
  items?: ItemDetail[];
}

export interface TargetResults {
  name: string;
  local: ItemCounts;
  remote: ItemCounts;
}

export interface SyncResults {
  /** ISO-8601 */
  time: string;
  majorCode: MajorCode;
  /** A Buteo minor code; kept as read, since other writers may use codes we do not name. */
  minorCode: number;
  scheduled: boolean;
  /** Not in Buteo's own format: a sentence for the user; other readers ignore the attribute. */
  message?: string;
  targets: TargetResults[];
}

const zero: ItemCounts = { added: 0, deleted: 0, modified: 0 };

function counts(el: XmlElement | undefined): ItemCounts {
  if (!el) return { ...zero };
  const n = (v: string | undefined) => (Number.isFinite(Number(v)) ? Number(v) : 0);
  const items = Object.entries(itemTags).flatMap(([operation, tag]) =>
    elements(el, tag)
      .filter((item) => item.attrs.uid)
      .map((item): ItemDetail => ({
        uid: item.attrs.uid!,
        operation: operation as ItemDetail['operation'],
        ...(item.attrs.status?.toLowerCase() === 'failed' ? { failed: true } : {}),
      })),
  );
  return {
    added: n(el.attrs.added),
    deleted: n(el.attrs.deleted),
    modified: n(el.attrs.modified),
    ...(items.length > 0 ? { items } : {}),
  };
}

function countsElement(tag: string, c: ItemCounts): XmlElement {
  const attrs = { added: String(c.added), deleted: String(c.deleted), modified: String(c.modified) };
  const items = (c.items ?? []).map((i) =>
    element(itemTags[i.operation], { uid: i.uid, ...(i.failed ? { status: 'failed' } : {}) }),
  );
  return element(tag, attrs, items);
}

export function resultsToElement(r: SyncResults): XmlElement {
  const attrs: Record<string, string> = {
    time: r.time,
    majorcode: String(r.majorCode),
    minorcode: String(r.minorCode),
    scheduled: String(r.scheduled),
  };
  if (r.message) attrs.message = r.message;
  return element(
    'syncresults',
    attrs,
    r.targets.map((t) =>
      element('target', { name: t.name }, [countsElement('local', t.local), countsElement('remote', t.remote)]),
    ),
  );
}

export function resultsFromElement(el: XmlElement): SyncResults {
  const major = Number(el.attrs.majorcode);
  return {
    time: el.attrs.time ?? '',
    majorCode: major === 0 || major === 1 || major === 2 ? major : MajorCode.Failed,
    minorCode: Number(el.attrs.minorcode) || 0,
    scheduled: el.attrs.scheduled === 'true',
    ...(el.attrs.message ? { message: el.attrs.message } : {}),
    targets: elements(el, 'target').map((t) => ({
      name: t.attrs.name ?? '',
      local: counts(elements(t, 'local')[0]),
      remote: counts(elements(t, 'remote')[0]),
    })),
  };
}

export function parseSyncLog(xml: string): { name: string; results: SyncResults[] } {
  const root = parseXml(xml);
  if (root.tag !== 'synclog') throw new Error(`root element is <${root.tag}>, expected <synclog>`);
  return { name: root.attrs.name ?? '', results: elements(root, 'syncresults').map(resultsFromElement) };
}

export function serializeSyncLog(name: string, results: SyncResults[]): string {
  return serializeXml(element('synclog', { name }, keptResults(results).map(resultsToElement)));
}

export function serializeResults(r: SyncResults): string {
  return serializeXml(resultsToElement(r));
}
