/**
 * The text of a value that came from outside (parsed XML, a D-Bus body): strings as they are,
 * numbers and booleans printed, anything else (objects, arrays, undefined) as the fallback.
 */
export function scalarText(value: unknown, fallback = ''): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return fallback;
}
