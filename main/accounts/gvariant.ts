// GVariant text format, as libaccounts-glib stores setting values (g_variant_print without type
// annotations; g_variant_parse with the column's type string). Only the types accounts use.
import { InputError } from '../errors.js';

export type SettingType = 's' | 'b' | 'i' | 'u' | 'x' | 't' | 'd' | 'as';
export type SettingValue = string | boolean | number | string[];

const settingTypes: ReadonlySet<string> = new Set(['s', 'b', 'i', 'u', 'x', 't', 'd', 'as']);

export function isSettingType(type: string): type is SettingType {
  return settingTypes.has(type);
}

const integerRanges: Record<'i' | 'u' | 'x' | 't', [number, number]> = {
  i: [-2147483648, 2147483647],
  u: [0, 4294967295],
  x: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  t: [0, Number.MAX_SAFE_INTEGER],
};

const namedEscapes: Record<string, string> = {
  '\x07': 'a',
  '\b': 'b',
  '\f': 'f',
  '\n': 'n',
  '\r': 'r',
  '\t': 't',
  '\v': 'v',
};
const unescapes: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
};

/** g_variant_print of a string: single quotes unless the text holds one, then double quotes. */
export function printString(text: string): string {
  const quote = text.includes("'") ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (/\p{Cc}/u.test(ch)) {
      const code = ch.codePointAt(0) ?? 0;
      out += '\\' + (namedEscapes[ch] ?? 'u' + code.toString(16).padStart(4, '0'));
    } else out += ch;
  }
  return out + quote;
}

export function encodeValue(type: SettingType, value: SettingValue): string {
  switch (type) {
    case 's':
      if (typeof value !== 'string') throw new InputError(`expected a string, got ${typeof value}`);
      return printString(value);
    case 'b':
      if (typeof value !== 'boolean') throw new InputError(`expected a boolean, got ${typeof value}`);
      return value ? 'true' : 'false';
    case 'as':
      if (!Array.isArray(value)) throw new InputError('expected a list of strings');
      return '[' + value.map(printString).join(', ') + ']';
    case 'd':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw new InputError('expected a number');
      return Number.isInteger(value) ? value.toFixed(1) : String(value);
    default: {
      const [min, max] = integerRanges[type];
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        throw new InputError(`expected an integer in [${min}, ${max}] for type '${type}'`);
      }
      return String(value);
    }
  }
}

class TextReader {
  pos = 0;
  constructor(readonly text: string) {}

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] ?? '')) this.pos++;
  }
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  fail(what: string): never {
    throw new InputError(`invalid GVariant text ${JSON.stringify(this.text.slice(0, 80))}: ${what}`);
  }

  readString(): string {
    const quote = this.peek();
    if (quote !== "'" && quote !== '"') this.fail('expected a quoted string');
    this.pos++;
    let out = '';
    for (;;) {
      const ch = this.text[this.pos++];
      if (ch === undefined) this.fail('unterminated string');
      if (ch === quote) return out;
      if (ch !== '\\') {
        out += ch;
        continue;
      }
      const esc = this.text[this.pos++] ?? this.fail('dangling escape');
      if (esc === 'u' || esc === 'U') {
        const len = esc === 'u' ? 4 : 8;
        const hex = this.text.slice(this.pos, this.pos + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) this.fail('bad unicode escape');
        out += String.fromCodePoint(parseInt(hex, 16));
        this.pos += len;
      } else out += unescapes[esc] ?? esc;
    }
  }

  readWord(): string {
    const match = /^[^\s,\]]+/.exec(this.text.slice(this.pos));
    if (!match) this.fail('expected a value');
    this.pos += match[0].length;
    return match[0];
  }

  end(): void {
    this.skipSpace();
    if (this.pos !== this.text.length) this.fail('trailing characters');
  }
}

// Type keywords g_variant_print adds when annotating ("uint32 7", "@as []").
const annotation =
  /^(?:@[a-z{}()]+|boolean|byte|int16|uint16|int32|uint32|int64|uint64|handle|double|string|objectpath|signature)\s+/;

export function decodeValue(type: SettingType, text: string): SettingValue {
  const reader = new TextReader(text.trim().replace(annotation, ''));
  let value: SettingValue;
  if (type === 's') value = reader.readString();
  else if (type === 'as') {
    if (reader.peek() !== '[') reader.fail('expected a list');
    reader.pos++;
    const items: string[] = [];
    reader.skipSpace();
    while (reader.peek() !== ']') {
      if (items.length > 0) {
        if (reader.peek() !== ',') reader.fail("expected ','");
        reader.pos++;
        reader.skipSpace();
      }
      items.push(reader.readString());
      reader.skipSpace();
    }
    reader.pos++;
    value = items;
  } else {
    const word = reader.readWord();
    if (type === 'b') {
      if (word !== 'true' && word !== 'false') reader.fail('expected true or false');
      value = word === 'true';
    } else if (type === 'd') {
      value = Number(word);
      if (!Number.isFinite(value)) reader.fail('expected a number');
    } else {
      if (!/^[-+]?\d+$/.test(word)) reader.fail('expected an integer');
      value = Number(word);
      const [min, max] = integerRanges[type];
      if (value < min || value > max) reader.fail(`integer out of range for '${type}'`);
    }
  }
  reader.end();
  return value;
}
