// The watchdog of one WebDAV request: a server that does not answer, stops sending, or trickles
// (a byte every few seconds) ends the request with a sentence saying which, instead of hanging forever.
import { MinorCode } from '../../buteo/codes.js';
import { BackupError } from '../../errors.js';
import { formatBytes } from '../../progressText.js';

export interface TransferLimits {
  /** From sending the request to the first sign of an answer: a silent server fails this fast. */
  answerTimeoutMs: number;
  /** A request that has started moving data and then moves none for this long fails. */
  idleTimeoutMs: number;
  /** A body that moves fewer bytes per second than this, averaged over `rateWindowMs`, fails. */
  minBytesPerSecond: number;
  rateWindowMs: number;
}

export const DEFAULT_TRANSFER_LIMITS: TransferLimits = {
  answerTimeoutMs: 20_000,
  idleTimeoutMs: 60_000,
  minBytesPerSecond: 1024,
  rateWindowMs: 60_000,
};

/** What the request tells its watchdog. */
export interface TransferSignals {
  /** Body bytes moved (either direction). */
  bytes(count: number): void;
  /** The server has answered (headers arrived). */
  answered(): void;
  /** The body is complete; from here on only the idle limit applies (the server may be processing). */
  bodyDone(): void;
}

export class TransferWatch implements TransferSignals {
  readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private last = Date.now();
  private heard = false;
  private flowStart: number | undefined;
  private total = 0;
  private samples: Array<{ at: number; total: number }> = [];

  constructor(
    private readonly limits: TransferLimits,
    private readonly server: string,
    private readonly doing: string,
    /** Overrides the answer limit for a request the server may take long to act on (MOVE of a large file). */
    private readonly answerMs = Math.min(limits.answerTimeoutMs, limits.idleTimeoutMs),
  ) {
    // Checked at most once a second (as often as the shortest limit when it is shorter): a limit is a floor,
    // a busy machine must not make it stricter.
    const tick = Math.max(10, Math.min(1000, answerMs, limits.idleTimeoutMs, limits.rateWindowMs));
    this.timer = setInterval(() => this.check(), tick);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  bytes(count: number): void {
    const now = Date.now();
    this.last = now;
    this.heard = true;
    this.flowStart ??= now;
    this.total += count;
  }

  answered(): void {
    this.last = Date.now();
    this.heard = true;
  }

  bodyDone(): void {
    this.last = Date.now();
    this.flowStart = undefined;
    this.samples = [];
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private fail(message: string): void {
    this.stop();
    this.controller.abort(new BackupError(MinorCode.ConnectionError, message, { kind: 'timeout' }));
  }

  private check(): void {
    const now = Date.now();
    const seconds = (ms: number) => Math.round(ms / 1000);
    if (!this.heard) {
      if (now - this.last > this.answerMs)
        this.fail(`The server ${this.server} did not answer within ${seconds(this.answerMs)} s while ${this.doing}.`);
      return;
    }
    if (now - this.last > this.limits.idleTimeoutMs) {
      this.fail(
        `The server ${this.server} stopped answering while ${this.doing} (no data for ${seconds(this.limits.idleTimeoutMs)} s).`,
      );
      return;
    }
    if (this.flowStart === undefined) return;
    this.samples.push({ at: now, total: this.total });
    const windowStart = now - this.limits.rateWindowMs;
    while (this.samples.length > 1 && this.samples[1]!.at <= windowStart) this.samples.shift();
    if (now - this.flowStart < this.limits.rateWindowMs) return;
    const from = this.samples[0]!;
    const moved = this.total - from.total;
    const elapsed = Math.max(1, now - from.at);
    if ((moved * 1000) / elapsed < this.limits.minBytesPerSecond)
      this.fail(
        `The transfer with ${this.server} stayed under ${formatBytes(this.limits.minBytesPerSecond)}/s for ` +
          `${seconds(this.limits.rateWindowMs)} s while ${this.doing}; it was stopped (the server or the connection is too slow).`,
      );
  }
}
