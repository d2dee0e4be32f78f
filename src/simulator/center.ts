// The simulated contact center: one model that every answer of the simulator reads.
//
// Callers arrive in skill queues and wait; a free agent signed in to that queue takes the
// oldest at once (routing takes no model time), talks, wraps up, and is free again. Agents
// also make outbound and internal calls, rest, and now and then miss a call offered to them
// (then they are not ready for a while and the caller stays first in line). Agents who sign
// in busy or with `loginex`, or are pinned by a test, take no calls. `statisticsEx`
// counters, `agentbyworkno`/`agentbyskill`/`agentbylist` states and `queryacdstat` figures
// are all read from here, so they agree: talk time grows only while an agent talks and at
// most as fast as the clock, and a queue never has free agents and waiting callers both for
// longer than routing takes.
//
// Time is computed, not driven by timers: every read first advances the model to the
// injected clock's now, processing the events in between in time order (seeded random).
// Without `auto` nothing arrives by itself; tests place callers and calls by hand.
import type { SimQueue, SimQueues } from './queues';

/** 'signedOut' only as a test's pin (shown as signed out while signed in). */
export type CenterState = 'idle' | 'busy' | 'wrapUp' | 'talking' | 'rest' | 'signedOut';

/** How the simulator tells the center who is signed in and who takes calls. */
export interface CenterHooks {
  isSignedIn(agent: string): boolean;
  /** False for agents signed in busy or with loginex: they are given no calls. */
  takesCalls(agent: string): boolean;
}

export interface CenterAuto {
  /** The demo's pace: arrivals, talks and rests scale with it (3000: talks of 15 s to 2 min). */
  readonly everyMs: number;
  /** The roster: agents who work in the center from the start. */
  readonly agents: readonly string[];
  /** Agents join and leave queues now and then (default true). */
  readonly moves?: boolean;
}

interface Plan {
  state: CenterState;
  since: number;
  /** When the state ends (Infinity: until something happens). */
  until: number;
  /** What follows: wrap-up after a talk, idle after the rest. */
  next?: { state: CenterState; ms: number };
}

export interface CenterCounters {
  talkMs: number;
  answernums: number;
  calloutnums: number;
  intercallnums: number;
  noanswernums: number;
  waittime: number;
  restnums: number;
  restMs: number;
  busynums: number;
}

const ZERO: CenterCounters = { talkMs: 0, answernums: 0, calloutnums: 0, intercallnums: 0, noanswernums: 0, waittime: 0, restnums: 0, restMs: 0, busynums: 0 };

/** A small seeded generator (mulberry32), so a run of the model can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SimCenter {
  private readonly plans = new Map<string, Plan>();
  private readonly pinned = new Map<string, CenterState>();
  private readonly counters = new Map<string, CenterCounters>();
  /** Agents who work here (the roster; a session's sign-in enrols its agent). */
  private readonly roster = new Set<string>();
  /** When each agent last became signed in to the center (logindate). */
  private readonly loginAt = new Map<string, number>();
  private t: number;
  private nextArrival = new Map<number, number>();
  private nextAction = Infinity;
  private nextMove = Infinity;
  /** Agents whose current state ends at a time (scanned for the next event). */
  private readonly timed = new Set<string>();

  constructor(
    private readonly queues: SimQueues,
    private readonly hooks: CenterHooks,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
    readonly auto?: CenterAuto,
  ) {
    this.t = now();
    if (auto && auto.everyMs > 0) {
      for (const a of auto.agents) {
        this.roster.add(a);
        this.loginAt.set(a, this.t);
      }
      for (const q of queues.all()) this.nextArrival.set(q.id, this.t + this.exp(this.arrivalMeanMs()));
      this.nextAction = this.t + this.exp(this.actionMeanMs());
      if (auto.moves !== false) this.nextMove = this.t + this.exp(auto.everyMs * 40);
    }
  }

  // -- who is where ---------------------------------------------------------

  /** `agent` works here; `signedInNow`: it has just signed in (its logindate is now). */
  enrol(agent: string, signedInNow = false): void {
    this.sync();
    if (!this.roster.has(agent) || signedInNow) this.loginAt.set(agent, this.t);
    this.roster.add(agent);
    this.route();
  }

  isEnrolled(agent: string): boolean {
    return this.roster.has(agent);
  }

  /** Whether `agent` is signed in to queue `q` now: on the roster, signed in, and a member (a queue listing nobody takes every rostered agent). */
  inQueue(agent: string, q: SimQueue): boolean {
    if (q.realFlag !== 1 || !this.roster.has(agent) || !this.hooks.isSignedIn(agent)) return false;
    return q.everyone || q.members.includes(agent);
  }

  /** The agents signed in to queue `id` now, in roster order. */
  agentsOf(id: number): string[] {
    this.sync();
    const q = this.queues.get(id);
    if (!q) return [];
    return [...this.roster].filter((a) => this.inQueue(a, q));
  }

  /** The real queues `agent` is signed in to now. */
  queuesOf(agent: string): SimQueue[] {
    this.sync();
    return this.queues.all().filter((q) => this.inQueue(agent, q));
  }

  /** The roster, in the order agents joined. */
  get agents(): readonly string[] {
    return [...this.roster];
  }

  /** Moves `agent` into queue `to` (and out of `from`, if given); a queue listing nobody gets its whole roster listed first. */
  move(agent: string, to: number | undefined, from?: number): void {
    this.enrol(agent);
    this.moveNow(agent, to, from);
  }

  private moveNow(agent: string, to: number | undefined, from?: number): void {
    const materialise = (q: SimQueue) => {
      if (!q.everyone) return;
      q.everyone = false;
      q.members = [...this.roster].filter((a) => a !== agent);
    };
    const src = from === undefined ? undefined : this.queues.get(from);
    if (src) {
      materialise(src);
      src.members = src.members.filter((a) => a !== agent);
    }
    const dst = to === undefined ? undefined : this.queues.get(to);
    if (dst) {
      materialise(dst);
      if (!dst.members.includes(agent)) dst.members.push(agent);
    }
    this.route();
  }

  // -- states ---------------------------------------------------------------

  state(agent: string): CenterState {
    this.sync();
    return this.pinned.get(agent) ?? this.plans.get(agent)?.state ?? 'idle';
  }

  /** Seconds in the current state (currentstatetime). */
  secondsInState(agent: string): number {
    this.sync();
    const since = this.plans.get(agent)?.since ?? this.loginAt.get(agent) ?? this.t;
    return Math.max(0, Math.floor((this.t - since) / 1000));
  }

  loginDate(agent: string): number {
    return this.loginAt.get(agent) ?? this.t;
  }

  /** Pins a state (tests); undefined returns the agent to the model, free. */
  pin(agent: string, state: CenterState | undefined): void {
    this.sync();
    this.end(agent);
    if (state === undefined) this.pinned.delete(agent);
    else this.pinned.set(agent, state);
    this.route();
  }

  /** A call by hand (tests): talking for `talkMs`, then wrap-up for `wrapMs`. */
  call(agent: string, talkMs: number, wrapMs = 15_000): void {
    this.sync();
    this.pinned.delete(agent);
    this.begin(agent, 'talking', talkMs, { state: 'wrapUp', ms: wrapMs });
  }

  /** A rest by hand (tests). */
  rest(agent: string, ms: number): void {
    this.sync();
    this.pinned.delete(agent);
    this.begin(agent, 'rest', ms);
    this.count(agent).restnums++;
  }

  /** Free for a call: signed in, takes calls, not pinned, idle. */
  isFree(agent: string): boolean {
    return this.hooks.isSignedIn(agent) && this.hooks.takesCalls(agent) && !this.pinned.has(agent) && (this.plans.get(agent)?.state ?? 'idle') === 'idle';
  }

  /** The counters the model has added for `agent` (talk time includes the call in progress). */
  countersOf(agent: string): Readonly<CenterCounters> {
    this.sync();
    const c = this.counters.get(agent) ?? ZERO;
    const p = this.plans.get(agent);
    if (p?.state === 'talking') return { ...c, talkMs: c.talkMs + (this.t - p.since) };
    return c;
  }

  /** queryacdstat's counts for queue `q`. */
  figures(q: SimQueue): { loggedOn: number; avail: number } {
    this.sync();
    let loggedOn = 0;
    let avail = 0;
    for (const a of this.roster) {
      if (!this.inQueue(a, q)) continue;
      loggedOn++;
      if (this.isFree(a)) avail++;
    }
    return { loggedOn, avail };
  }

  /** Callers arrive now (the demo's key, tests); routed at once if someone is free. */
  addCallers(id: number, callers: number): void {
    this.sync();
    this.queues.addCallers(id, callers);
    this.route();
  }

  // -- the engine -----------------------------------------------------------

  /** Advances the model to the clock's now. */
  sync(): void {
    const target = this.now();
    for (let guard = 0; guard < 1_000_000; guard++) {
      const next = this.nextEvent();
      if (next.at > target) break;
      this.t = Math.max(this.t, next.at);
      next.run();
      this.route();
    }
    this.t = Math.max(this.t, target);
    // Sign-ins and sign-outs happen between reads: route what they made possible.
    this.route();
  }

  private nextEvent(): { at: number; run: () => void } {
    let at = Infinity;
    let run = (): void => undefined;
    for (const a of this.timed) {
      const p = this.plans.get(a);
      if (p && p.until < at) {
        at = p.until;
        run = () => this.finish(a);
      }
    }
    for (const [id, when] of this.nextArrival) {
      if (when < at) {
        at = when;
        run = () => this.arrive(id);
      }
    }
    if (this.nextAction < at) {
      at = this.nextAction;
      run = () => this.spontaneous();
    }
    if (this.nextMove < at) {
      at = this.nextMove;
      run = () => this.randomMove();
    }
    return { at, run };
  }

  private exp(mean: number): number {
    return Math.max(1, -Math.log(1 - this.random()) * mean);
  }

  private between(lo: number, hi: number): number {
    return lo + this.random() * (hi - lo);
  }

  private arrivalMeanMs(): number {
    return (this.auto?.everyMs ?? 3000) * 16;
  }

  private actionMeanMs(): number {
    // Spread over the roster: each agent acts on its own about every 25 paces.
    return ((this.auto?.everyMs ?? 3000) * 25) / Math.max(1, this.roster.size);
  }

  private arrive(id: number): void {
    const q = this.queues.get(id);
    this.nextArrival.set(id, this.t + this.exp(this.arrivalMeanMs() / (id === 1 ? 1.5 : 1)));
    if (!q || q.realFlag !== 1) return;
    q.waiting.push(this.t);
    // Callers who waited over two minutes hang up now and then.
    while (q.waiting.length > 0 && this.t - q.waiting[0] > 120_000 && this.random() < 0.5) q.waiting.shift();
  }

  private spontaneous(): void {
    const pace = this.auto?.everyMs ?? 3000;
    this.nextAction = this.t + this.exp(this.actionMeanMs());
    const free = [...this.roster].filter((a) => this.isFree(a));
    if (free.length === 0) return;
    const agent = free[Math.floor(this.random() * free.length)];
    const r = this.random();
    const c = this.count(agent);
    if (r < 0.35) {
      c.restnums++;
      this.begin(agent, 'rest', pace * this.between(3, 10));
    } else if (r < 0.8) {
      c.calloutnums++;
      this.begin(agent, 'talking', pace * this.between(5, 40), { state: 'wrapUp', ms: pace * this.between(2, 5) });
    } else {
      c.intercallnums++;
      this.begin(agent, 'talking', pace * this.between(2, 10), { state: 'wrapUp', ms: pace });
    }
  }

  private randomMove(): void {
    this.nextMove = this.t + this.exp((this.auto?.everyMs ?? 3000) * 40);
    const real = this.queues.all().filter((q) => q.realFlag === 1);
    const agents = [...this.roster];
    if (real.length < 2 || agents.length === 0) return;
    const agent = agents[Math.floor(this.random() * agents.length)];
    const mine = real.filter((q) => q.everyone || q.members.includes(agent));
    const others = real.filter((q) => !mine.includes(q));
    // Join another queue, or leave one (never the last).
    if (others.length > 0 && (mine.length <= 1 || this.random() < 0.5)) this.moveNow(agent, others[Math.floor(this.random() * others.length)].id);
    else if (mine.length > 1) this.moveNow(agent, undefined, mine[Math.floor(this.random() * mine.length)].id);
  }

  /** The oldest callers first, each to the longest-free agent signed in to its queue. */
  private route(): void {
    for (;;) {
      let best: { q: SimQueue; at: number } | undefined;
      for (const q of this.queues.all()) {
        if (q.waiting.length === 0 || q.realFlag !== 1) continue;
        if (best && q.waiting[0] >= best.at) continue;
        if (this.freeIn(q) === undefined) continue;
        best = { q, at: q.waiting[0] };
      }
      if (!best) return;
      this.offer(best.q, this.freeIn(best.q)!);
    }
  }

  private freeIn(q: SimQueue): string | undefined {
    let pick: string | undefined;
    let since = Infinity;
    for (const a of this.roster) {
      if (!this.inQueue(a, q) || !this.isFree(a)) continue;
      const s = this.plans.get(a)?.since ?? this.loginAt.get(a) ?? 0;
      if (s < since) {
        since = s;
        pick = a;
      }
    }
    return pick;
  }

  private offer(q: SimQueue, agent: string): void {
    const c = this.count(agent);
    const pace = this.auto?.everyMs ?? 3000;
    // Now and then the agent does not answer: not ready for a while, the caller stays first.
    if (this.auto && this.random() < 0.05) {
      c.noanswernums++;
      c.busynums++;
      this.begin(agent, 'busy', pace * this.between(2, 4));
      return;
    }
    q.waiting.shift();
    c.answernums++;
    c.waittime += 3;
    this.begin(agent, 'talking', pace * this.between(5, 40), { state: 'wrapUp', ms: pace * this.between(2, 5) });
  }

  private begin(agent: string, state: CenterState, ms: number, next?: Plan['next']): void {
    this.end(agent);
    this.plans.set(agent, { state, since: this.t, until: this.t + Math.max(1, ms), ...(next ? { next } : {}) });
    this.timed.add(agent);
  }

  /** The current state ends now: its time is booked and the next state (or idle) begins. */
  private finish(agent: string): void {
    const p = this.plans.get(agent);
    if (!p) return;
    const next = p.next;
    this.end(agent);
    if (next) this.begin(agent, next.state, next.ms);
    else this.plans.set(agent, { state: 'idle', since: this.t, until: Infinity });
  }

  private end(agent: string): void {
    const p = this.plans.get(agent);
    this.timed.delete(agent);
    if (!p) return;
    const spent = Math.min(this.t, p.until) - p.since;
    if (p.state === 'talking') this.count(agent).talkMs += spent;
    else if (p.state === 'rest') this.count(agent).restMs += spent;
    this.plans.delete(agent);
  }

  private count(agent: string): CenterCounters {
    let c = this.counters.get(agent);
    if (!c) this.counters.set(agent, (c = { ...ZERO }));
    return c;
  }
}
