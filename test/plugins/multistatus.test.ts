// PROPFIND answers as servers send them: namespaces under any prefix, comments, CDATA, entities and
// percent-encoded names, a failed propstat beside a good one; anything not well formed is refused.
import { describe, expect, it } from 'vitest';
import { parseMultistatus } from '../../main/plugins/webdav/multistatus.js';

const listing = `<?xml version="1.0" encoding="utf-8"?>
<d:multistatus xmlns:d="DAV:" xmlns:s="http://sabredav.org/ns"><!-- the folder itself -->
<d:response><d:href>/dav/f/</d:href><d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>
<d:response><d:href>/dav/f/a%20b&amp;c.tar</d:href><d:propstat><d:prop><d:resourcetype/><d:getcontentlength>12</d:getcontentlength><d:getlastmodified>Thu, 01 Jan 2026 00:00:00 GMT</d:getlastmodified></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat><d:propstat><d:prop><x:foo xmlns:x="y" a=">"/></d:prop><d:status>HTTP/1.1 404 Not Found</d:status></d:propstat></d:response>
<D:response xmlns:D="DAV:"><D:href><![CDATA[/dav/f/sub]]></D:href><D:propstat><D:prop><D:resourcetype><D:collection/></D:resourcetype></D:prop><D:status>HTTP/1.1 200 OK</D:status></D:propstat></D:response>
<d:response><d:href>http://elsewhere/dav/other/x.tar</d:href></d:response>
</d:multistatus>
`;

describe('multistatus listings', () => {
  it('read the direct children of the folder, with their type, size and time', () => {
    expect(parseMultistatus(listing, '/dav/f')).toEqual([
      { name: 'a b&c.tar', isCollection: false, size: 12, modified: new Date('2026-01-01T00:00:00Z') },
      { name: 'sub', isCollection: true, size: undefined, modified: undefined },
    ]);
  });

  it('refuse what is not a well-formed listing', () => {
    const cases: Array<[string, RegExp]> = [
      [`${listing}Internal Server Error`, /extra text at the end/], // rclone, while it writes a file
      ['<?xml version="1.0"?><d:multistatus xmlns:d="DAV:"><d:response><d:href>/x</d:hr', /unclosed tag/],
      ['<d:multistatus xmlns:d="DAV:"><d:response></d:href></d:multistatus>', /does not match/],
      ['<d:multistatus xmlns:d="DAV:"><d:x>&nbsp;</d:x></d:multistatus>', /unknown entity/],
      ['<d:multistatus xmlns:d="DAV:"><d:x>a & b</d:x></d:multistatus>', /bare "&"/],
      ['<html><body>Login</body></html>', /no multistatus/],
      ['', /no multistatus/],
      ['<!DOCTYPE d [<!ENTITY a "x">]><d:multistatus xmlns:d="DAV:"/>', /DOCTYPE/],
      [`<d:multistatus xmlns:d="DAV:">${'<d:x>'.repeat(200)}${'</d:x>'.repeat(200)}</d:multistatus>`, /nested/],
    ];
    for (const [xml, error] of cases) expect(() => parseMultistatus(xml, '/dav/f'), xml.slice(0, 60)).toThrow(error);
  });

  it('read 10,000 backups at once', () => {
    const entry = (i: number) =>
      `<d:response><d:href>/dav/f/sailfish_backup_2026-01-01T00-00-00Z-${i}.tar</d:href><d:propstat><d:prop><d:resourcetype/><d:getcontentlength>10</d:getcontentlength></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`;
    const xml = `<d:multistatus xmlns:d="DAV:">${Array.from({ length: 10_000 }, (_, i) => entry(i)).join('')}</d:multistatus>`;
    const entries = parseMultistatus(xml, '/dav/f');
    expect(entries).toHaveLength(10_000);
    expect(entries[9_999]).toEqual({
      name: 'sailfish_backup_2026-01-01T00-00-00Z-9999.tar',
      isCollection: false,
      size: 10,
      modified: undefined,
    });
  });
});
