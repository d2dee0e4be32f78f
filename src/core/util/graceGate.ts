import type { Clock, TimerHandle } from './clock';
import type { IDisposable } from './lifecycle';

/**
 * A short grace before alarming: a problem is shown only if it is still there when the
 * grace ends. A condition the extension cures by itself within the grace (a session
 * signing in again, a gateway back after a restart) never reaches the user.
 */
export class GraceGate implements IDisposable {
  private readonly held = new Map<string, TimerHandle>();

  constructor(private readonly clock: Clock) {}

  /**
   * Calls `show` after `ms` if `stillTrue()` says the problem is still there then. Holding a
   * topic already held keeps its first deadline (a problem repeated each cycle is not postponed).
   */
  hold(topic: string, ms: number, stillTrue: () => boolean, show: () => void): void {
    if (this.held.has(topic)) return;
    const timer = this.clock.setTimeout(() => {
      this.held.delete(topic);
      if (stillTrue()) show();
    }, ms);
    this.held.set(topic, timer);
  }

  /** The problem went away (or was shown another way): nothing is shown for it. True if one was held. */
  cancel(topic: string): boolean {
    const timer = this.held.get(topic);
    if (timer === undefined) return false;
    this.clock.clearTimeout(timer);
    this.held.delete(topic);
    return true;
  }

  isHeld(topic: string): boolean {
    return this.held.has(topic);
  }

  dispose(): void {
    for (const timer of this.held.values()) this.clock.clearTimeout(timer);
    this.held.clear();
  }
}
