// Round trips hold for any input, not just the ones we thought of.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from '../../main/accounts/gvariant.js';
import { SyncProfile } from '../../main/buteo/SyncProfile.js';

// XML 1.0 cannot carry most control characters, so profile text is drawn without them.
const xmlText = fc.string({ unit: fc.constantFrom(...'abcXYZ019 _-./:;,&<>"\'ä✓€'.split('')), maxLength: 30 });
const keyName = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz_- '.split('')),
  minLength: 1,
  maxLength: 20,
});

describe('GVariant text', () => {
  it('decodes what it encodes, for any string and list of strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite' }), (s) => decodeValue('s', encodeValue('s', s)) === s),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.string(), (s) => decodeValue('s', encodeValue('s', s)) === s),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(
        fc.array(fc.string(), { maxLength: 8 }),
        (list) => JSON.stringify(decodeValue('as', encodeValue('as', list))) === JSON.stringify(list),
      ),
    );
  });

  it('decodes what it encodes, for any integer and boolean in range', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 4294967295 }), (n) => decodeValue('u', encodeValue('u', n)) === n));
    fc.assert(
      fc.property(
        fc.integer({ min: -2147483648, max: 2147483647 }),
        (n) => decodeValue('i', encodeValue('i', n)) === n,
      ),
    );
    fc.assert(fc.property(fc.boolean(), (b) => decodeValue('b', encodeValue('b', b)) === b));
  });

  it('never crashes on arbitrary text: it decodes or says why not', () => {
    fc.assert(
      fc.property(
        fc.string(),
        fc.constantFrom<'s' | 'b' | 'u' | 'i' | 'as'>('s', 'b', 'u', 'i', 'as'),
        (text, type) => {
          try {
            decodeValue(type, text);
          } catch (err) {
            expect((err as Error).name).toBe('InputError');
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('Buteo profile XML', () => {
  it('keeps every key, in order, with its value, through write and parse', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(keyName, xmlText), { maxLength: 12 }),
        fc.option(fc.tuple(fc.boolean(), fc.subarray([1, 2, 3, 4, 5, 6, 7], { minLength: 1 }))),
        (keys, schedule) => {
          const profile = SyncProfile.create('webdav.Backup-1', 'sync');
          for (const [name, value] of keys)
            profile.root.children.push({ tag: 'key', attrs: { name, value }, children: [] });
          if (schedule) profile.setSchedule({ enabled: schedule[0], time: '02:00:00', interval: 0, days: schedule[1] });
          const again = SyncProfile.parse(profile.toXml());
          expect(again.keys()).toEqual(keys);
          if (schedule)
            expect(again.schedule).toEqual({
              enabled: schedule[0],
              time: '02:00:00',
              interval: 0,
              days: [...schedule[1]].sort((a, b) => a - b),
            });
          expect(SyncProfile.parse(again.toXml()).toXml()).toBe(again.toXml());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never crashes on arbitrary text: it parses or says why not', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        try {
          SyncProfile.parse(`<profile name="p" type="sync">${text}</profile>`);
        } catch (err) {
          expect((err as Error).name).toBe('ProfileFormatError');
        }
      }),
      { numRuns: 2000 },
    );
  });
});
