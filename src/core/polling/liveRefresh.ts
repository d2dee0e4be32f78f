import type { Clock, TimerHandle } from '../util/clock';
import type { IDisposable } from '../util/lifecycle';

/**
 * Refreshes something while it is visible (the Show Detailed Statistics panel): once per
 * interval counted from the start of the last refresh, never two at once, nothing while
 * hidden; shown again after the interval ran out, it refreshes at once. The requests it
 * makes go through the connection like the rows' (the same per-agent rate limiter), so it
 * adds one request per interval to that agent's budget and no more.
 */
export class LiveRefresh implements IDisposable {
  private visible: boolean;
  private timer: TimerHandle | undefined;
  private inFlight = false;
  private lastStart = Number.NEGATIVE_INFINITY;
  private disposed = false;

  constructor(
    private readonly o: {
      readonly intervalMs: () => number;
      /** One refresh; its failure is its own business (it shows it), LiveRefresh just goes on. */
      readonly run: () => Promise<void>;
      readonly clock: Clock;
      readonly visible: boolean;
    },
  ) {
    this.visible = o.visible;
  }

  /** A refresh made elsewhere (the command's first fetch): the next is an interval after it. */
  ranAt(ms: number): void {
    this.lastStart = Math.max(this.lastStart, ms);
    this.schedule();
  }

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.schedule();
  }

  /** The user asked for fresh numbers: now, unless one is already on its way. */
  refreshNow(): void {
    if (this.disposed || this.inFlight) return;
    this.clear();
    void this.tick();
  }

  dispose(): void {
    this.disposed = true;
    this.clear();
  }

  private clear(): void {
    if (this.timer !== undefined) this.o.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.clear();
    if (this.disposed || !this.visible || this.inFlight) return;
    const wait = Math.max(0, this.lastStart + this.o.intervalMs() - this.o.clock.now());
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = undefined;
      void this.tick();
    }, wait);
  }

  private async tick(): Promise<void> {
    if (this.disposed || !this.visible || this.inFlight) return;
    this.inFlight = true;
    this.lastStart = this.o.clock.now();
    try {
      await this.o.run();
    } catch {
      // run() shows its own failure; the next interval tries again.
    } finally {
      this.inFlight = false;
      this.schedule();
    }
  }
}
