import { InputError } from '../errors.js';

/** A command's own arguments after the global options were taken out. */
export interface CommandArgs {
  positionals: string[];
  string(name: string): string | undefined;
  flag(name: string): boolean;
}

export function parseAccountId(text: string | undefined): number {
  const id = Number(text);
  if (!text || !Number.isInteger(id) || id <= 0 || id > 2147483647)
    throw new InputError(`"${text ?? ''}" is not an account id`);
  return id;
}
