// When a daemon started on demand may leave: nothing to do and nobody calling for a while. Being busy
// (a run, a queued or waiting run, a schedule to keep, the vault at work) restarts the count.
import type { MessageBus } from '../dbus/bus.js';

export interface IdleWatchOptions {
  /** How long the daemon must be idle before it leaves. */
  idleMs: number;
  /** Whether there is work now, or work to wait for (an enabled schedule). */
  busy(): boolean;
  onIdle(): void;
  now?: () => number;
}

export class IdleWatch {
  private last: number;
  private readonly timer: NodeJS.Timeout;
  private readonly now: () => number;
  private fired = false;
  private detachBus: (() => void) | undefined;

  constructor(private readonly options: IdleWatchOptions) {
    this.now = options.now ?? Date.now;
    this.last = this.now();
    const every = Math.min(30_000, Math.max(250, Math.floor(options.idleMs / 4)));
    this.timer = setInterval(() => this.check(), every);
    this.timer.unref();
  }

  /** Counts every method call arriving on the bus as activity (dbus-next runs method handlers first). */
  watchCalls(bus: MessageBus): void {
    const handler = (): boolean => {
      this.touch();
      return false;
    };
    bus.addMethodHandler(handler);
    this.detachBus = () => bus.removeMethodHandler(handler);
  }

  touch(): void {
    this.last = this.now();
  }

  /** Fires onIdle once when idle long enough; exported for tests. */
  check(): boolean {
    if (this.fired) return true;
    if (this.options.busy()) {
      this.touch();
      return false;
    }
    if (this.now() - this.last < this.options.idleMs) return false;
    this.fired = true;
    this.stop();
    this.options.onIdle();
    return true;
  }

  stop(): void {
    clearInterval(this.timer);
    this.detachBus?.();
  }
}
