import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue, printString } from '../../main/accounts/gvariant.js';

describe('GVariant text, as libaccounts stores setting values', () => {
  it('writes strings the way g_variant_print does', () => {
    expect(printString('Sailfish OS/Backups')).toBe("'Sailfish OS/Backups'");
    expect(printString("it's")).toBe(`"it's"`);
    expect(printString('back\\slash')).toBe("'back\\\\slash'");
    expect(printString('tab\there\n')).toBe("'tab\\there\\n'");
    expect(printString('\u0001')).toBe("'\\u0001'");
  });

  it('reads back what it writes, for every supported type', () => {
    const cases: Array<[Parameters<typeof encodeValue>[0], Parameters<typeof encodeValue>[1]]> = [
      ['s', 'quote \' and " and \\ and ünïcode ✓'],
      ['b', true],
      ['b', false],
      ['u', 4294967295],
      ['i', -2147483648],
      ['x', -9007199254740991],
      ['t', 0],
      ['d', 1.5],
      ['as', ['nextcloud.Backup', "it's", '']],
      ['as', []],
    ];
    for (const [type, value] of cases) expect(decodeValue(type, encodeValue(type, value))).toEqual(value);
  });

  it('reads values other writers produce: type annotations, double quotes, escapes', () => {
    expect(decodeValue('u', 'uint32 7')).toBe(7);
    expect(decodeValue('as', '@as []')).toEqual([]);
    expect(decodeValue('as', "['a', \"b'c\"]")).toEqual(['a', "b'c"]);
    expect(decodeValue('s', "'\\u00e4\\t'")).toBe('ä\t');
  });

  it('refuses malformed or out-of-range text with a message instead of guessing', () => {
    expect(() => decodeValue('b', 'maybe')).toThrow(/true or false/);
    expect(() => decodeValue('u', '-1')).toThrow(/out of range/);
    expect(() => decodeValue('s', "'unterminated")).toThrow(/unterminated/);
    expect(() => decodeValue('as', "['a' 'b']")).toThrow(/expected ','/);
    expect(() => decodeValue('i', '5 trailing')).toThrow(/trailing/);
    expect(() => encodeValue('u', -3)).toThrow(/integer/);
    expect(() => encodeValue('s', 5)).toThrow(/string/);
  });
});
