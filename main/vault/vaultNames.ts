// What a client of org.sailfishos.backup needs without the service itself: its bus names, and how it
// refuses a request (a D-Bus error per refusal), as a typed error on both sides of the bus.
import { VAULT_REFUSALS, type VaultRefusal } from '../vocabulary.js';

export const VAULT_SERVICE = 'org.sailfishos.backup';
export const VAULT_PATH = '/sailfishbackup';
export const VAULT_INTERFACE = 'org.sailfishos.backup';

const INVALID_ARGS = 'org.freedesktop.DBus.Error.InvalidArgs';

/** Refused requests: the D-Bus layer turns these into named errors, and the proxy turns them back. */
export class VaultError extends Error {
  constructor(
    readonly kind: VaultRefusal,
    message: string,
  ) {
    super(message);
    this.name = 'VaultError';
  }
}

/** The D-Bus error name a refusal is answered with. */
export function vaultErrorName(kind: VaultRefusal): string {
  return kind === 'InvalidArgs' ? INVALID_ARGS : `${VAULT_INTERFACE}.Error.${kind}`;
}

/** The refusal a D-Bus error name stands for, or undefined for errors that are not the vault's own. */
export function vaultRefusalOf(errorName: string): VaultRefusal | undefined {
  if (errorName === INVALID_ARGS) return 'InvalidArgs';
  const prefix = `${VAULT_INTERFACE}.Error.`;
  if (!errorName.startsWith(prefix)) return undefined;
  const kind = errorName.slice(prefix.length);
  return (VAULT_REFUSALS as readonly string[]).includes(kind) ? (kind as VaultRefusal) : undefined;
}
