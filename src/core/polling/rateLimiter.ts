import { GatewayError } from '../model/errors';
import { t } from '../l10n/localize';
import { systemClock, type Clock, type TimerHandle } from '../util/clock';
import type { IDisposable } from '../util/lifecycle';

/**
 * The vendor's overload control (docs/cc-gateway-api.md, "Rate"): 5 queries per
 * `{agentid}` per 2 s across the `calldata`, `agentgroup` and `queuedevice` families.
 * The gateway counts a request when it arrives, somewhere between when we send it and when
 * its answer is back. So a slot is taken when a request leaves and counts until the answer
 * came back plus the window: any two requests 5 apart then arrive at least the window
 * apart, whatever the network delays (a departure-only count failed under load).
 */
export interface RateLimit {
  readonly max: number;
  readonly windowMs: number;
}

export const VENDOR_LIMIT: RateLimit = { max: 5, windowMs: 2000 };
/** What we keep to: the vendor's 5 per 2 s, with a 10 % margin on the window. */
export const GATEWAY_AGENT_LIMIT: RateLimit = { max: 5, windowMs: 2200 };

/** Called when the request has settled: its slot then runs out `windowMs` later. */
export type Release = () => void;

interface Waiter {
  readonly resolve: (release: Release) => void;
  readonly reject: (e: Error) => void;
  readonly signal?: AbortSignal;
  readonly onAbort?: () => void;
}

interface Lane {
  /** When the last `max` settled requests of this key settled, oldest first. */
  readonly settled: number[];
  /** Requests that left and have not settled: each holds a slot. */
  inFlight: number;
  readonly waiting: Waiter[];
  timer?: TimerHandle;
}

/**
 * A sliding-window limiter per key (origin and `{agentid}`). Nothing is dropped:
 * a request over the budget waits, first come first served, until a slot is free (fewer
 * than `max` requests in flight or settled within `windowMs`). A cancelled wait leaves the
 * queue; a release is idempotent.
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

  /** Resolves when a request for `key` may leave, with the function to call once it settled. */
  acquire(key: string, signal?: AbortSignal): Promise<Release> {
    if (this.disposed || signal?.aborted) return Promise.reject(cancelled());
    const lane = this.lanes.get(key) ?? this.newLane(key);
    if (lane.waiting.length === 0 && this.take(lane)) return Promise.resolve(this.releaser(key, lane));
    this.delayed++;
    return new Promise<Release>((resolve, reject) => {
      const waiter: Waiter = signal
        ? { resolve, reject, signal, onAbort: () => this.leave(key, lane, waiter) }
        : { resolve, reject };
      if (waiter.onAbort) signal!.addEventListener('abort', waiter.onAbort, { once: true });
      lane.waiting.push(waiter);
      this.arm(key, lane);
    });
  }

  /** Slots of `key` in use now: in flight, or settled within the window (for tests). */
  recent(key: string): number {
    const lane = this.lanes.get(key);
    return lane ? this.used(lane) : 0;
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
    const lane: Lane = { settled: [], inFlight: 0, waiting: [] };
    this.lanes.set(key, lane);
    return lane;
  }

  private used(lane: Lane): number {
    const now = this.clock.now();
    let n = lane.inFlight;
    for (const at of lane.settled) if (now - at < this.limit.windowMs) n++;
    return n;
  }

  /** Takes a slot now if one is free. */
  private take(lane: Lane): boolean {
    if (this.used(lane) >= this.limit.max) return false;
    lane.inFlight++;
    return true;
  }

  private releaser(key: string, lane: Lane): Release {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      lane.inFlight--;
      lane.settled.push(this.clock.now());
      if (lane.settled.length > this.limit.max) lane.settled.shift();
      if (this.disposed) return;
      // The slot runs out a window from now: waiting requests go then (the timer is re-armed for it).
      if (lane.timer !== undefined) this.clock.clearTimeout(lane.timer);
      lane.timer = undefined;
      this.arm(key, lane);
      this.forgetIdle(key, lane);
    };
  }

  /** Sends what may go now; otherwise waits for the earliest settled slot to run out (or a release). */
  private drain(key: string, lane: Lane): void {
    while (lane.waiting.length > 0 && this.take(lane)) {
      const w = lane.waiting.shift()!;
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      w.resolve(this.releaser(key, lane));
    }
  }

  private arm(key: string, lane: Lane): void {
    if (lane.timer !== undefined || lane.waiting.length === 0) return;
    const now = this.clock.now();
    const expiring = lane.settled.filter((at) => now - at < this.limit.windowMs);
    // Every slot in flight: a release re-arms.
    if (expiring.length === 0) return;
    const wait = Math.max(0, Math.min(...expiring) + this.limit.windowMs - now);
    lane.timer = this.clock.setTimeout(() => {
      lane.timer = undefined;
      this.drain(key, lane);
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

  /** A lane with nothing waiting, in flight or in its window is forgotten: 5,000 agents do not keep 5,000 lanes. */
  private forgetIdle(key: string, lane: Lane): void {
    if (lane.waiting.length > 0 || lane.timer !== undefined || lane.inFlight > 0) return;
    const last = lane.settled[lane.settled.length - 1];
    if ((last === undefined || this.clock.now() - last >= this.limit.windowMs) && this.lanes.get(key) === lane) this.lanes.delete(key);
  }
}

function cancelled(): GatewayError {
  return new GatewayError('cancelled', t('The request was cancelled.'));
}
