// The profile's connection rule (`internet_connection_types`) against the connection the desktop has now.
// Buteo's own rule is Synchronizer::acceptScheduledSync (buteo-syncfw msyncd/synchronizer.cpp): a listed
// type must match; with no list, WLAN and Ethernet are allowed and cellular too (msyncd's default).
import { KEY_CONNECTION_TYPES, type SyncProfile } from './SyncProfile.js';

/** Sync::InternetConnectionType (buteo-syncfw SyncCommonDefs.h = QNetworkConfiguration::BearerType). */
export const InternetConnectionType = {
  Unknown: 0,
  Ethernet: 1,
  WLAN: 2,
  Cellular2G: 3,
  CDMA2000: 4,
  WCDMA: 5,
  HSPA: 6,
  Bluetooth: 7,
  WiMAX: 8,
  EVDO: 9,
  LTE: 10,
  Cellular3G: 11,
  Cellular4G: 12,
} as const;

const T = InternetConnectionType;
/** The bearers that mean mobile data: what Sailfish writes for "WLAN or mobile data", plus Bluetooth tethering. */
const MOBILE_TYPES = new Set<number>([
  T.Cellular2G,
  T.CDMA2000,
  T.WCDMA,
  T.HSPA,
  T.Bluetooth,
  T.WiMAX,
  T.EVDO,
  T.LTE,
  T.Cellular3G,
  T.Cellular4G,
]);

/** What a desktop is connected by, in the rule's terms. */
export type ConnectionKind = 'wlan' | 'ethernet' | 'mobile' | 'other' | 'offline' | 'unknown';

export interface ConnectionState {
  kind: ConnectionKind;
  /** For the log and the waiting message, e.g. "Wi-Fi", "mobile broadband (metered)". */
  description: string;
}

/** The connection types a profile allows; empty when it sets none (Buteo's default rule applies). */
export function allowedConnectionTypes(profile: SyncProfile): number[] {
  return (profile.key(KEY_CONNECTION_TYPES) ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter((part) => /^\d+$/.test(part))
    .map(Number);
}

/**
 * Whether a scheduled run may start on this connection. On a desktop Ethernet counts as WLAN, so
 * "WLAN only" (`2`) runs on a wired desktop; metered or cellular connections are mobile data.
 */
export function acceptsConnection(allowed: readonly number[], connection: ConnectionState): boolean {
  switch (connection.kind) {
    case 'offline':
      return false;
    case 'unknown':
      return true;
    default:
      break;
  }
  if (allowed.length === 0) return true;
  if (connection.kind === 'mobile') return allowed.some((t) => MOBILE_TYPES.has(t));
  return allowed.includes(T.WLAN) || allowed.includes(T.Ethernet);
}

/** NetworkManager's global state (NMState): below CONNECTED_LOCAL nothing can be reached. */
const NM_STATE_CONNECTED_LOCAL = 50;
/** NMMetered: YES and GUESS_YES mean "pay per byte". */
const NM_METERED = new Set([1, 3]);
const NM_MOBILE_TYPES = new Set(['gsm', 'cdma', 'bluetooth', 'wimax']);
const NM_WIFI_TYPES = new Set(['802-11-wireless', 'wifi']);
const NM_ETHERNET_TYPES = new Set(['802-3-ethernet', 'ethernet']);

export interface NetworkManagerProperties {
  /** `State` (NMState), when NetworkManager published it. */
  state: number | undefined;
  /** `PrimaryConnectionType`, e.g. "802-11-wireless"; undefined on a NetworkManager too old to have it. */
  primaryConnectionType: string | undefined;
  /** `Metered` (NMMetered). */
  metered: number | undefined;
}

/** The connection NetworkManager reports, classified for the rule. */
export function connectionFromNetworkManager(p: NetworkManagerProperties): ConnectionState {
  if (p.state !== undefined && p.state < NM_STATE_CONNECTED_LOCAL) return { kind: 'offline', description: 'offline' };
  const type = p.primaryConnectionType;
  if (type === undefined || type === '')
    return { kind: 'unknown', description: 'connected, with no primary connection reported' };
  const metered = p.metered !== undefined && NM_METERED.has(p.metered);
  if (NM_MOBILE_TYPES.has(type))
    return { kind: 'mobile', description: `mobile data (${type}${metered ? ', metered' : ''})` };
  if (metered) return { kind: 'mobile', description: `a metered connection (${type})` };
  if (NM_WIFI_TYPES.has(type)) return { kind: 'wlan', description: 'Wi-Fi' };
  if (NM_ETHERNET_TYPES.has(type)) return { kind: 'ethernet', description: 'Ethernet' };
  return { kind: 'other', description: type };
}

/** What the daemon asks before starting a scheduled run; the reason is said when it must wait. */
export interface ScheduledRunGate {
  mayRunScheduled(profile: SyncProfile): { allowed: true } | { allowed: false; reason: string };
}

export function connectionGate(current: () => ConnectionState): ScheduledRunGate {
  return {
    mayRunScheduled(profile) {
      const connection = current();
      if (acceptsConnection(allowedConnectionTypes(profile), connection)) return { allowed: true };
      const reason =
        connection.kind === 'offline'
          ? 'Waiting for a network connection.'
          : connection.kind === 'mobile'
            ? `Waiting for WLAN: automatic backups are set to WLAN only, and the connection now is ${connection.description}.`
            : `Waiting for an allowed connection: the profile does not allow ${connection.description}.`;
      return { allowed: false, reason };
    },
  };
}
