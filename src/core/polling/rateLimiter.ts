import { GatewayError } from '../gateway/errors';
import { t } from '../l10n/localize';
import { systemClock, type Clock, type TimerHandle } from '../util/clock';
import type { IDisposable } from '../util/lifecycle';

/**
 * The vendor's overload control (shared/docs/cc-gateway-api.md, "Rate"): 5 queries per
 * `{agentid}` per 2 s across the `calldata`, `agentgroup` and `queuedevice` families.
 * The gateway counts when a request arrives; we count when it leaves, so the window
 * carries a margin for requests that travel at different speeds.
 */
export interface RateLimit {
  readonly max: number;
  readonly windowMs: number;
}

export const VENDOR_LIMIT: RateLimit = { max: 5, windowMs: 2000 };
/** What we keep to: the vendor's 5 per 2 s, with a 10 % margin on the window. */
export const GATEWAY_AGENT_LIMIT: RateLimit = { max: 5, windowMs: 2200 };

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (e: Error) => void;
  readonly signal?: AbortSignal;
  readonly onAbort?: () => void;
}

interface Lane {
  /** When the last `max` requests of this key left, oldest first. */
  readonly sent: number[];
  readonly waiting: Waiter[];
  timer?: TimerHandle;
}

/**
 * A sliding-window limiter per key (origin and `{agentid}`). Nothing is dropped:
 * a request over the budget waits, first come first served, until the oldest of the
 * last `max` left more than `windowMs` ago. A cancelled wait leaves the queue.
 */
export class RateLimiter implements IDisposable {
  private readonly lanes = new Map<string, Lane>();
  private disposed = false;
  /** For tests and the benchmark: how many requests had to wait. */
  delayed = 0;

  constructor(
    readonly limit: RateLimit = GATEWAY_AGENT_LIMIT,
    private readonly clock: Clock = systemClock,
  ) {}

  /** Resolves when a request for `key` may leave; its slot is taken at that moment. */
  acquire(key: string, signal?: AbortSignal): Promise<void> {
    if (this.disposed || signal?.aborted) return Promise.reject(cancelled());
    const lane = this.lanes.get(key) ?? this.newLane(key);
    if (lane.waiting.length === 0 && this.take(lane)) return Promise.resolve();
    this.delayed++;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = signal
        ? { resolve, reject, signal, onAbort: () => this.leave(key, lane, waiter) }
        : { resolve, reject };
      if (waiter.onAbort) signal!.addEventListener('abort', waiter.onAbort, { once: true });
      lane.waiting.push(waiter);
      this.arm(key, lane);
    });
  }

  /** How many requests of `key` left within the last window (for tests). */
  recent(key: string): number {
    const lane = this.lanes.get(key);
    const now = this.clock.now();
    return lane ? lane.sent.filter((at) => now - at < this.limit.windowMs).length : 0;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const lane of this.lanes.values()) {
      if (lane.timer !== undefined) this.clock.clearTimeout(lane.timer);
      for (const w of lane.waiting.splice(0)) {
        if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
        w.reject(cancelled());
      }
    }
    this.lanes.clear();
  }

  private newLane(key: string): Lane {
    const lane: Lane = { sent: [], waiting: [] };
    this.lanes.set(key, lane);
    return lane;
  }

  /** Takes a slot now if the window allows it. */
  private take(lane: Lane): boolean {
    const now = this.clock.now();
    if (lane.sent.length >= this.limit.max && now - lane.sent[0] < this.limit.windowMs) return false;
    lane.sent.push(now);
    if (lane.sent.length > this.limit.max) lane.sent.shift();
    return true;
  }

  private arm(key: string, lane: Lane): void {
    if (lane.timer !== undefined || lane.waiting.length === 0) return;
    const wait = Math.max(0, lane.sent[0] + this.limit.windowMs - this.clock.now());
    lane.timer = this.clock.setTimeout(() => {
      lane.timer = undefined;
      while (lane.waiting.length > 0 && this.take(lane)) {
        const w = lane.waiting.shift()!;
        if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
        w.resolve();
      }
      this.arm(key, lane);
      this.forgetIdle(key, lane);
    }, wait);
  }

  private leave(key: string, lane: Lane, waiter: Waiter): void {
    const i = lane.waiting.indexOf(waiter);
    if (i < 0) return;
    lane.waiting.splice(i, 1);
    waiter.reject(cancelled());
    if (lane.waiting.length === 0 && lane.timer !== undefined) {
      this.clock.clearTimeout(lane.timer);
      lane.timer = undefined;
    }
    this.forgetIdle(key, lane);
  }

  /** A lane with nothing waiting and nothing in its window is forgotten: 5,000 agents do not keep 5,000 lanes. */
  private forgetIdle(key: string, lane: Lane): void {
    if (lane.waiting.length > 0 || lane.timer !== undefined) return;
    const last = lane.sent[lane.sent.length - 1];
    if (last === undefined || this.clock.now() - last >= this.limit.windowMs) this.lanes.delete(key);
  }
}

function cancelled(): GatewayError {
  return new GatewayError('cancelled', t('The request was cancelled.'));
}
