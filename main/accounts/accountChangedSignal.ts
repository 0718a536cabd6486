// libaccounts' change notification: com.google.code.AccountsSSO.Accounts.AccountChanged on
// /ServiceType/<type>, body (u sec, u nsec, u account, b created, b deleted, s provider,
// a(ssua{sv}as) services), as ag-account.c builds it. Other libaccounts users follow our edits through it.
import dbus from 'dbus-next';
import type { DBusClient } from '../dbus/DBusClient.js';
import type { AccountChange, StoredSetting } from './AccountStore.js';

export const ACCOUNTS_INTERFACE = 'com.google.code.AccountsSSO.Accounts';
export const ACCOUNT_CHANGED = 'AccountChanged';

/** g_dbus-style escaping of a service type into an object path element. */
export function escapeObjectPathElement(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `_${b.toString(16).padStart(2, '0')}`,
    )
    .join('');
}

function variant(setting: StoredSetting): dbus.Variant {
  return new dbus.Variant(setting.type, setting.value);
}

export function accountChangedBody(change: AccountChange, now = process.hrtime.bigint()): unknown[] {
  const services = [...change.services.entries()].map(([name, s]) => {
    const settings: Record<string, dbus.Variant> = {};
    const removed: string[] = [];
    for (const [key, value] of s.settings) {
      if (value) settings[key] = variant(value);
      else removed.push(key);
    }
    return [name, s.type, s.id, settings, removed];
  });
  const sec = Number((now / 1_000_000_000n) % 4294967296n);
  const nsec = Number(now % 1_000_000_000n);
  return [sec, nsec, change.accountId, change.created, change.deleted, change.provider, services];
}

export function emitAccountChanged(client: DBusClient, change: AccountChange): void {
  const types = new Set([...change.services.values()].map((s) => s.type));
  if (types.size === 0) types.add('global');
  const body = accountChangedBody(change);
  for (const type of types) {
    client.emitSignal(
      `/ServiceType/${escapeObjectPathElement(type)}`,
      ACCOUNTS_INTERFACE,
      ACCOUNT_CHANGED,
      'uuubbsa(ssua{sv}as)',
      body,
    );
  }
}
