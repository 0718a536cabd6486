// Where a device is: `[user@]host[:port]`, as `--device` and the "Connect to a device…" form take it.
// Everything here ends up on ssh's command line, so only plain names pass: nothing that could read as
// an option or a shell word.
import { InputError } from '../errors.js';

export interface DeviceAddress {
  /** Left to ssh (its config, or the local user name) when absent. */
  user?: string;
  host: string;
  port?: number;
}

/** A Sailfish device over USB networking, as Settings → System → Developer tools shows it. */
export const DEFAULT_DEVICE = { host: '192.168.2.15', user: 'defaultuser', port: 22 } as const;

const USER = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*\.?$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;

export function checkUser(user: string): string {
  if (!USER.test(user)) throw new InputError(`"${user.slice(0, 40)}" is not a user name`);
  return user;
}

export function checkHost(host: string): string {
  if (host.length > 253 || !(HOST_NAME.test(host) || (host.includes(':') && IPV6.test(host))))
    throw new InputError(`"${host.slice(0, 60)}" is not a host name or address`);
  return host;
}

export function checkPort(port: number): number {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InputError(`"${port}" is not a port`);
  return port;
}

/** Parses `[user@]host[:port]`; an IPv6 address with a port is written `[::1]:22`. */
export function parseDeviceAddress(text: string): DeviceAddress {
  const trimmed = text.trim();
  const at = trimmed.lastIndexOf('@');
  const user = at >= 0 ? checkUser(trimmed.slice(0, at)) : undefined;
  let rest = at >= 0 ? trimmed.slice(at + 1) : trimmed;
  let port: number | undefined;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(rest);
  if (bracketed) {
    rest = bracketed[1]!;
    if (bracketed[2]) port = checkPort(Number(bracketed[2]));
  } else if (/^[^:]+:\d+$/.test(rest)) {
    const colon = rest.lastIndexOf(':');
    port = checkPort(Number(rest.slice(colon + 1)));
    rest = rest.slice(0, colon);
  }
  return { ...(user ? { user } : {}), host: checkHost(rest), ...(port !== undefined ? { port } : {}) };
}

/** `user@host:port` as the user wrote it (port only when not ssh's default). */
export function deviceLabel(address: DeviceAddress): string {
  const host = address.host.includes(':') ? `[${address.host}]` : address.host;
  return `${address.user ? `${address.user}@` : ''}${host}${address.port && address.port !== 22 ? `:${address.port}` : ''}`;
}
