// Over 300 lines: one timer loop with its back-off, probing, slow-down and credential stops;
// they share the same slots and the same due queue, so they stay in one class.
import { t } from '../l10n/localize';
import { GatewayError, isGatewayError } from '../model/errors';
import type { AgentStatistics } from '../model/statistics';
import { systemClock, type Clock, type TimerHandle } from '../util/clock';
import type { IDisposable } from '../util/lifecycle';
import { onUnexpectedError } from '../util/unexpectedError';

export type PollOutcome = { readonly ok: true; readonly stats: AgentStatistics } | { readonly ok: false; readonly error: GatewayError };

/** `K`: the type of credential keys (opaque strings). */
export interface SchedulerOptions<K extends string = string> {
  /** Performs one request; must honour the signal. `onDemand`: asked for now (Refresh, a query), not due on the schedule. */
  readonly fetch: (agentId: string, signal: AbortSignal, onDemand?: boolean) => Promise<AgentStatistics>;
  /** Every finished request of a watched agent, polled or queried, lands here. */
  readonly onOutcome: (agentId: string, outcome: PollOutcome, at: number) => void;
  /** Called once when a credential is refused; polling for it stops until unblock(). */
  readonly onAuthBlocked?: (credentialKey: K) => void;
  /** Which credential an agent's next request would use: agents sharing one stop together on an auth failure. */
  readonly credentialKey?: (agentId: string) => K;
  /**
   * Which credential an auth failure stops: the one that request was sent with (captured
   * when it left), which may differ from the agent's credential now. Default: credentialKey.
   */
  readonly stopKey?: (agentId: string, error: GatewayError) => K;
  readonly intervalMs: number;
  /** Requests in flight at once, across all agents. */
  readonly concurrency?: number;
  /** ± share of the delay added at random, so many windows do not poll in lock-step. */
  readonly jitterRatio?: number;
  readonly maxBackoffMs?: number;
  readonly random?: () => number;
  readonly clock?: Clock;
  /**
   * When an agent's next read falls due after a regular one (`delayMs` from `now`); default:
   * `now + delayMs` with jitter. Shared reads place it at the same moment on every desk.
   */
  readonly nextDueAt?: (agentId: string, now: number, delayMs: number) => number;
  /** A failure that says nothing of the gateway (a shared read nobody answered): next interval, no back-off. */
  readonly isPassing?: (error: GatewayError) => boolean;
}

interface Slot<K extends string> {
  nextDueAt: number;
  /** Consecutive agent-level failures, for exponential back-off. */
  failures: number;
  inFlight?: Promise<AgentStatistics>;
  /** Aborted only when the slot is dropped (agent removed, scheduler disposed). */
  controller?: AbortController;
  /** The credential whose refusal stopped this agent, until it is unblocked. */
  stoppedOn?: K;
  /** Its next request was asked for (refresh, query), not merely due. */
  demanded?: boolean;
}

const MAX_TIMER_MS = 2 ** 31 - 1;
const MAX_SLOWDOWN = 8;

/**
 * Polls watched agents with one chained setTimeout (never setInterval):
 * at most one request per agent in flight, bounded concurrency, jitter,
 * per-agent exponential back-off, one probe per interval while the gateway is
 * unreachable, and a stop per credential on auth failure.
 */
export class PollScheduler<K extends string = string> implements IDisposable {
  private readonly slots = new Map<string, Slot<K>>();
  private readonly blocked = new Set<K>();
  private timer: TimerHandle | undefined;
  private timerDueAt = 0;
  private inFlightCount = 0;
  private intervalMs: number;
  private paused = false;
  private active = true;
  private disposed = false;
  /** Set while the origin is unreachable: only one probe request per interval. */
  private originDown = false;
  private nextProbeAt = 0;
  private slowDownFactor = 1;
  /**
   * Agents found due by the last full scan, earliest first. Later pumps take from it
   * instead of rescanning, so a 1,000-agent cycle costs O(n), not O(n²).
   */
  private dueQueue: [string, Slot<K>][] = [];
  private lastSlowDownAt = 0;
  private readonly concurrency: number;
  private readonly jitterRatio: number;
  private readonly maxBackoffMs: number;
  private readonly random: () => number;
  private readonly clock: Clock;
  private readonly keyOf: (agentId: string) => K;
  private readonly stopKeyOf: (agentId: string, error: GatewayError) => K;

  constructor(private readonly options: SchedulerOptions<K>) {
    this.intervalMs = options.intervalMs;
    this.concurrency = Math.max(1, options.concurrency ?? 6);
    this.jitterRatio = Math.min(0.5, Math.max(0, options.jitterRatio ?? 0.1));
    this.maxBackoffMs = options.maxBackoffMs ?? 15 * 60_000;
    this.random = options.random ?? Math.random;
    this.clock = options.clock ?? systemClock;
    this.keyOf = options.credentialKey ?? (() => 'default' as K);
    this.stopKeyOf = options.stopKey ?? ((agentId) => this.keyOf(agentId));
  }

  /** Newly watched agents are due at once; removed ones are cancelled. */
  setAgents(agentIds: readonly string[]): void {
    const wanted = new Set(agentIds);
    for (const [id, slot] of this.slots) {
      if (!wanted.has(id)) {
        slot.controller?.abort();
        this.slots.delete(id);
      }
    }
    const now = this.clock.now();
    for (const id of wanted) if (!this.slots.has(id)) this.slots.set(id, { nextDueAt: now, failures: 0 });
    this.rescan();
  }

  setIntervalMs(ms: number): void {
    if (ms === this.intervalMs) return;
    const now = this.clock.now();
    // Pull in agents that were waiting on the old, longer interval.
    for (const slot of this.slots.values()) if (slot.failures === 0) slot.nextDueAt = Math.min(slot.nextDueAt, now + ms);
    this.intervalMs = ms;
    this.rescan();
  }

  /** False while the window is unfocused or nothing shows the numbers. */
  setActive(active: boolean): void {
    if (this.active === active) return;
    this.active = active;
    this.rescan();
  }

  pause(): void {
    this.paused = true;
    this.pump();
  }

  resume(): void {
    this.paused = false;
    this.rescan();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get isRunning(): boolean {
    return !this.disposed && !this.paused && this.active;
  }

  /** Immediate poll of all agents (or one), skipping back-off waits but not auth stops. */
  refresh(agentId?: string): void {
    const now = this.clock.now();
    // While the gateway is down one agent probes at a time, the longest-waiting first: a refresh of
    // all moves the probe forward but keeps that order, or the same agent would probe every time and
    // the others would keep their old reason for ever.
    for (const [id, slot] of this.slots) {
      if (agentId === id || (agentId === undefined && !this.originDown)) {
        slot.nextDueAt = now;
        slot.demanded = true;
      }
    }
    if (this.originDown) this.nextProbeAt = now;
    this.rescan();
  }

  /**
   * A query from a user or a script. Joins the request already in flight for
   * that agent instead of sending a second one; watched agents' results also
   * land in onOutcome. Runs even while paused: the user asked for it.
   */
  fetchNow(agentId: string): Promise<AgentStatistics> {
    const slot = this.slots.get(agentId);
    if (slot?.inFlight) return slot.inFlight;
    if (slot) {
      slot.demanded = true;
      return this.start(agentId, slot);
    }
    const controller = new AbortController();
    return this.options.fetch(agentId, controller.signal, true);
  }

  isBlocked(credentialKey: K): boolean {
    return this.blocked.has(credentialKey);
  }

  /** The stop that holds this agent now (its own refusal, or its credential's), if any. */
  stopOf(agentId: string): K | undefined {
    const slot = this.slots.get(agentId);
    if (slot?.stoppedOn !== undefined && this.blocked.has(slot.stoppedOn)) return slot.stoppedOn;
    if (this.blocked.size === 0 || !slot) return undefined;
    const key = this.keyOf(agentId);
    return this.blocked.has(key) ? key : undefined;
  }

  /**
   * Another request (an event poll, a sign-in) got an answer: the gateway is back, so the agents
   * held by the outage are due now instead of at the next probe.
   */
  originAnswered(): void {
    if (!this.originDown || this.disposed) return;
    this.backUp(this.clock.now(), undefined);
    this.rescan();
  }

  /** A new Guid arrived for this credential: its agents are due at once. */
  unblock(credentialKey: K): void {
    const wasBlocked = this.blocked.delete(credentialKey);
    const now = this.clock.now();
    for (const [id, slot] of this.slots) {
      const mine = slot.stoppedOn === credentialKey || this.keyOf(id) === credentialKey;
      if (slot.stoppedOn === credentialKey) slot.stoppedOn = undefined;
      if (mine && (wasBlocked || slot.failures > 0)) {
        slot.nextDueAt = now;
        slot.failures = 0;
      }
    }
    this.rescan();
  }

  /** For tests and the benchmark: what is pending right now. */
  snapshot(): { inFlight: number; timerArmed: boolean; originDown: boolean; slowDownFactor: number; blocked: string[]; nextDueInMs: Record<string, number> } {
    const now = this.clock.now();
    const nextDueInMs: Record<string, number> = {};
    for (const [id, slot] of this.slots) nextDueInMs[id] = slot.nextDueAt - now;
    return { inFlight: this.inFlightCount, timerArmed: this.timer !== undefined, originDown: this.originDown, slowDownFactor: this.slowDownFactor, blocked: [...this.blocked], nextDueInMs };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clearTimer();
    for (const slot of this.slots.values()) slot.controller?.abort();
    this.slots.clear();
  }

  /**
   * Starts what is due (within the concurrency bound) and re-arms the one timer.
   * Runs after every completion, so it drains the due queue first and scans (and
   * sorts) all agents only when the queue is empty: a 1,000-agent cycle must not
   * cost 1,000 sorts.
   */
  private pump(): void {
    if (!this.isRunning) {
      this.clearTimer();
      return;
    }
    const now = this.clock.now();
    if (!this.originDown) {
      while (this.dueQueue.length > 0 && this.inFlightCount < this.concurrency) {
        const [id, slot] = this.dueQueue.shift()!;
        const stale = this.slots.get(id) !== slot || slot.inFlight || slot.nextDueAt > now || (this.blocked.size > 0 && this.isStopped(id, slot));
        if (!stale) void this.start(id, slot).catch(() => undefined);
      }
      if (this.dueQueue.length > 0) {
        this.clearTimer(); // all connections busy: a completion re-pumps
        return;
      }
    }
    // Full scan: one sort of what is due; what the free connections cannot take now is queued.
    const free = this.originDown ? (this.inFlightCount === 0 && now >= this.nextProbeAt ? 1 : 0) : this.concurrency - this.inFlightCount;
    const due: [string, Slot<K>][] = [];
    let wakeAt: number | undefined;
    const checkBlocked = this.blocked.size > 0;
    for (const entry of this.slots) {
      const slot = entry[1];
      if (slot.inFlight || (checkBlocked && this.isStopped(entry[0], slot))) continue;
      // While the origin is down every idle agent is a probe candidate, earliest first.
      if (this.originDown || slot.nextDueAt <= now) due.push(entry);
      else if (wakeAt === undefined || slot.nextDueAt < wakeAt) wakeAt = slot.nextDueAt;
    }
    due.sort((a, b) => a[1].nextDueAt - b[1].nextDueAt);
    const picks = due.slice(0, Math.max(0, free));
    for (const [id, slot] of picks) void this.start(id, slot).catch(() => undefined);
    if (!this.originDown) this.dueQueue = due.slice(picks.length);
    if (this.originDown) {
      // Completion of the probe re-pumps; otherwise wake for the next probe.
      wakeAt = this.inFlightCount === 0 && due.length > picks.length ? this.nextProbeAt : undefined;
    } else if (this.inFlightCount >= this.concurrency) {
      wakeAt = undefined; // a completion re-pumps
    }
    this.arm(now, wakeAt);
  }

  /** Stopped by its own refusal, or sharing a credential that is stopped. */
  private isStopped(agentId: string, slot: Slot<K>): boolean {
    return (slot.stoppedOn !== undefined && this.blocked.has(slot.stoppedOn)) || this.blocked.has(this.keyOf(agentId));
  }

  /** After an outside change (agents, interval, activity, refresh, unblock) the queue may be out of date. */
  private rescan(): void {
    this.dueQueue = [];
    this.pump();
  }

  private arm(now: number, wakeAt: number | undefined): void {
    if (wakeAt === undefined) {
      this.clearTimer();
      return;
    }
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, wakeAt - now));
    if (this.timer !== undefined && this.timerDueAt === now + delay) return;
    this.clearTimer();
    this.timerDueAt = now + delay;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, delay);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private start(agentId: string, slot: Slot<K>): Promise<AgentStatistics> {
    // One controller per slot for its lifetime: it is aborted only when the slot is dropped,
    // and a new one per request was a measurable share of the CPU per request.
    const controller = (slot.controller ??= new AbortController());
    const onDemand = slot.demanded === true;
    slot.demanded = false;
    this.inFlightCount++;
    const request = (async () => {
      try {
        const stats = await this.options.fetch(agentId, controller.signal, onDemand);
        this.settle(agentId, slot, { ok: true, stats });
        return stats;
      } catch (e) {
        const error = isGatewayError(e) ? e : unexpected(agentId, e);
        this.settle(agentId, slot, { ok: false, error });
        throw error;
      }
    })();
    slot.inFlight = request;
    return request;
  }

  private settle(agentId: string, slot: Slot<K>, outcome: PollOutcome): void {
    this.inFlightCount--;
    slot.inFlight = undefined;
    const stillWatched = this.slots.get(agentId) === slot;
    if (this.disposed || !stillWatched) {
      if (!this.disposed) this.pump();
      return;
    }
    const now = this.clock.now();
    // Report first: the host may need the outcome to handle onAuthBlocked.
    if (!(outcome.ok === false && outcome.error.kind === 'cancelled')) {
      try {
        this.options.onOutcome(agentId, outcome, now);
      } catch (e) {
        // A UI failure must not stop polling.
        onUnexpectedError(e, `showing the result of agent ${agentId}`);
      }
    }
    if (outcome.ok) this.onSuccess(agentId, slot, now);
    else this.onFailure(agentId, slot, outcome.error, now);
    this.pump();
  }

  /** The gateway answered (whatever it said): everyone held during the outage is due now. */
  private backUp(now: number, answered: Slot<K> | undefined): void {
    if (!this.originDown) return;
    this.originDown = false;
    this.dueQueue = [];
    for (const s of this.slots.values()) if (s !== answered && s.nextDueAt > now && s.failures === 0) s.nextDueAt = now;
  }

  private onSuccess(agentId: string, slot: Slot<K>, now: number): void {
    slot.failures = 0;
    this.backUp(now, slot);
    if (this.slowDownFactor > 1 && now - this.lastSlowDownAt > 2 * this.intervalMs * this.slowDownFactor) {
      this.slowDownFactor = Math.max(1, this.slowDownFactor / 2);
      this.lastSlowDownAt = now;
    }
    slot.nextDueAt = this.regular(agentId, now, this.intervalMs * this.slowDownFactor);
  }

  private regular(agentId: string, now: number, delayMs: number): number {
    return this.options.nextDueAt ? this.options.nextDueAt(agentId, now, delayMs) : now + this.jitter(delayMs);
  }

  private onFailure(agentId: string, slot: Slot<K>, error: GatewayError, now: number): void {
    const interval = this.intervalMs * this.slowDownFactor;
    if (this.options.isPassing?.(error)) {
      slot.nextDueAt = this.regular(agentId, now, interval);
      return;
    }
    switch (error.kind) {
      case 'cancelled':
        slot.nextDueAt = this.regular(agentId, now, interval);
        return;
      case 'auth': {
        let key: K;
        try {
          key = this.stopKeyOf(agentId, error);
        } catch (e) {
          onUnexpectedError(e, 'finding the refused credential');
          key = this.keyOf(agentId);
        }
        slot.stoppedOn = key;
        slot.nextDueAt = now;
        // A refusal is an answer: the others need not wait for the next probe.
        this.backUp(now, slot);
        if (!this.blocked.has(key)) {
          this.blocked.add(key);
          try {
            this.options.onAuthBlocked?.(key);
          } catch (e) {
            onUnexpectedError(e, 'reporting a refused credential');
          }
        }
        return;
      }
      case 'network':
      case 'tls':
        // Origin-level: hold everyone and probe once per interval, so the return is noticed quickly and gently.
        this.originDown = true;
        this.dueQueue = [];
        this.nextProbeAt = now + this.jitter(interval);
        slot.nextDueAt = this.nextProbeAt;
        return;
      case 'agent-offline':
        this.backUp(now, slot);
        slot.failures = 0;
        slot.nextDueAt = this.regular(agentId, now, interval);
        return;
      default: {
        if (error.details.slowDown) {
          this.slowDownFactor = Math.min(MAX_SLOWDOWN, this.slowDownFactor * 2);
          this.lastSlowDownAt = now;
        }
        slot.failures++;
        const backoff = Math.min(this.maxBackoffMs, this.intervalMs * this.slowDownFactor * 2 ** slot.failures);
        slot.nextDueAt = now + this.jitter(Math.max(backoff, this.intervalMs));
      }
    }
  }

  private jitter(ms: number): number {
    return Math.max(0, Math.round(ms * (1 + (this.random() * 2 - 1) * this.jitterRatio)));
  }
}

/** Not the gateway's doing (a keyring failure, a bug): logged with its stack, shown as a short message. */
function unexpected(agentId: string, e: unknown): GatewayError {
  onUnexpectedError(e, `polling agent ${agentId}`);
  return new GatewayError('protocol', t('Unexpected failure while polling; see the "CC-Gateway" log.'), { code: 'UNEXPECTED' }, e);
}
