// HTTP agents that connect to one origin only (scheme, host and port), so the account's password can go
// nowhere else. node-fetch follows a redirect to another port of the same host with the Authorization
// header still attached; with these agents that connection is never opened and the request fails.
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';

export const FOREIGN_ORIGIN = 'ERR_SFB_FOREIGN_ORIGIN';

export class ForeignOriginError extends Error {
  readonly code = FOREIGN_ORIGIN;
  constructor(readonly target: string) {
    super(`refused to connect to ${target}, which is not the account's server`);
    this.name = 'ForeignOriginError';
  }
}

type ConnectOptions = http.ClientRequestArgs;
type Callback = (err: Error | null, stream: Duplex) => void;

function defaultPort(protocol: string): number {
  return protocol === 'https:' ? 443 : 80;
}

function bareHost(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

/** Checks a connection the agent (of `protocol`) is asked for; throws unless it goes to `origin`. */
function checkOrigin(origin: URL, protocol: string, options: ConnectOptions): void {
  const host = bareHost(options.host ?? options.hostname ?? '');
  const port = Number(options.port) || defaultPort(protocol);
  if (
    protocol === origin.protocol &&
    host === bareHost(origin.hostname) &&
    port === (Number(origin.port) || defaultPort(protocol))
  )
    return;
  throw new ForeignOriginError(`${protocol}//${host.includes(':') ? `[${host}]` : host}:${port}`);
}

/** Fails the request through its callback, as a refused connection would. */
function refuse(err: unknown, callback: Callback | undefined): undefined {
  if (!callback) throw err;
  process.nextTick(() => callback(err as Error, undefined as unknown as Duplex));
  return undefined;
}

class OriginHttpAgent extends http.Agent {
  constructor(
    private readonly origin: URL,
    options: http.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: ConnectOptions, callback?: Callback): Duplex | null | undefined {
    try {
      checkOrigin(this.origin, 'http:', options);
    } catch (err) {
      return refuse(err, callback);
    }
    return super.createConnection(options, callback);
  }
}

class OriginHttpsAgent extends https.Agent {
  constructor(
    private readonly origin: URL,
    options: https.AgentOptions,
  ) {
    super(options);
  }

  override createConnection(options: https.RequestOptions, callback?: Callback): Duplex | null | undefined {
    try {
      checkOrigin(this.origin, 'https:', options);
    } catch (err) {
      return refuse(err, callback);
    }
    return super.createConnection(options, callback);
  }
}

/** The agents for one account's server: every other origin is refused before a byte is sent. */
export function originBoundAgents(
  serverAddress: string,
  options: { rejectUnauthorized: boolean },
): { httpAgent: http.Agent; httpsAgent: https.Agent } {
  const origin = new URL(serverAddress);
  return {
    httpAgent: new OriginHttpAgent(origin, { keepAlive: true }),
    httpsAgent: new OriginHttpsAgent(origin, { keepAlive: true, rejectUnauthorized: options.rejectUnauthorized }),
  };
}
