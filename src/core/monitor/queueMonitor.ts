// Over 300 lines: one queue poll loop with its own back-off, refusals and the answers' bookkeeping;
// the seam it reads the connection through is documented below, so it can move without the rest.
/**
 * The watched skill queues — calls waiting, the longest wait, agents signed in
 * and available — polled within the gateway's overload budget.
 *
 * THE SEAM (for re-wiring the connection). This file needs
 * exactly this of the current connection, and nothing else:
 *   - `origin`: which gateway (numbers of another gateway are dropped);
 *   - `sessionAgent`: the agent of a signed-in session of this window (its own session or
 *     one followed from another window), undefined without one;
 *   - `sendAsSession(agentId, signal, request)`: waits for the agent's slot under the
 *     rate limit (ConnectionDeps.rateLimit, the same one statisticsEx and agentbyworkno
 *     wait for), then runs `request` with the connection's statistics client and that
 *     session's current Guid, picked after the wait; throws a GatewayError when there is
 *     none or the connection is closed.
 * and of the monitor: which connection is current and when that (or a session) changes.
 * Today GatewayConnection implements QueueSeam (its "Seam: queues" block) and
 * `queueSourceOf(GatewayMonitor)` below adapts the monitor.
 *
 * Budget: one queryacdstat per poll interval per 100 queues, with the session's agent as
 * `{agentid}`; agentvdnskill at sign-in and at most every 10 minutes (only when no queue
 * IDs are set); nothing while inactive (unfocused, nothing shows numbers) or paused, nothing
 * without a signed-in session. Refresh joins a cycle in flight by running one more after it,
 * never more than one.
 */
import { GatewayError, isGatewayError } from '../model/errors';
import { chunkQueueIds } from '../wire/queues';
import { type QueueStats, type SkillQueue } from '../model/queues';
import type { GatewayClient } from '../wire/types';
import { t } from '../l10n/localize';
import { systemClock, type Clock, type TimerHandle } from '../util/clock';
import { Disposable, Emitter, type IDisposable, type Listener } from '../util/lifecycle';
import { onUnexpectedError } from '../util/unexpectedError';
import type { AgentId } from '../ids/agentId';

type Event<T> = (listener: Listener<T>) => IDisposable;

export interface QueueSeam {
  readonly origin: string;
  readonly sessionAgent: AgentId | undefined;
  sendAsSession<T>(agentId: AgentId, signal: AbortSignal, request: (client: GatewayClient, guid: string, signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Claims a queue read before it is sent, or uses another window's or desk's result (src/core/sharing). */
  sharedRead?<T>(what: string, intervalMs: number, signal: AbortSignal, send: () => Promise<T>): Promise<T>;
}

export interface QueueSource {
  current(): QueueSeam | undefined;
  /** The current connection was replaced, or a session of it changed. */
  readonly onDidChange: Event<void>;
}

/** Adapts GatewayMonitor (kept structural so this file imports nothing of the connection). */
export function queueSourceOf(monitor: { readonly connection: QueueSeam | undefined; readonly onDidSwap: Event<unknown>; readonly onDidChangeSession: Event<unknown> }): QueueSource {
  return {
    current: () => monitor.connection,
    onDidChange: (listener) => {
      const a = monitor.onDidSwap(() => listener());
      const b = monitor.onDidChangeSession(() => listener());
      return { dispose: () => (a.dispose(), b.dispose()) };
    },
  };
}

export const CATALOGUE_MAX_AGE_MS = 10 * 60_000;

/** Why no queue rows are shown, or `ready`. */
export type QueueViewState = 'noConnection' | 'noSession' | 'loading' | 'noQueues' | 'ready';

export interface QueueEntry {
  readonly id: number;
  /** From the VCC's list; undefined until it was read (then the row says "Queue <id>"). */
  readonly name?: string;
  readonly stats?: QueueStats;
  readonly fetchedAt?: number;
  /** `stale`: the last numbers are kept but the last query failed (see error). */
  readonly state: 'loading' | 'ok' | 'stale' | 'missing';
  readonly error?: string;
}

export interface QueueSettings {
  /** ccGateway.queues: the IDs to watch; empty: every real queue of the VCC. */
  readonly queueIds: readonly number[];
  readonly intervalMs: number;
}

export class QueueMonitor extends Disposable {
  private readonly clock: Clock;
  private settings: QueueSettings;
  private active: boolean;
  private paused = false;
  private timer: TimerHandle | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private lifetime = new AbortController();
  private origin: string | undefined;
  private agent: AgentId | undefined;
  private catalogueValue: { readonly agent: string; readonly at: number; readonly queues: readonly SkillQueue[] } | undefined;
  private readonly entries = new Map<number, QueueEntry>();
  private stateValue: QueueViewState = 'noConnection';
  private slowDown = 1;
  private readonly onDidChangeEmitter = this._register(new Emitter<void>());
  /** Rows, their numbers or the view state changed. */
  readonly onDidChange = this.onDidChangeEmitter.event;
  /** For tests: cycles run, and requests sent by kind. */
  readonly counts = { cycles: 0, catalogue: 0, stats: 0 };

  constructor(
    private readonly source: QueueSource,
    settings: QueueSettings,
    options: { readonly active: boolean; readonly clock?: Clock; readonly log?: { warn(m: string): void } },
  ) {
    super();
    this.clock = options.clock ?? systemClock;
    this.settings = settings;
    this.active = options.active;
    this.log = options.log;
    this._register(source.onDidChange(() => this.connectionChanged()));
    this._register({ dispose: () => this.stop() });
    this.connectionChanged();
  }

  private readonly log: { warn(m: string): void } | undefined;

  get viewState(): QueueViewState {
    return this.stateValue;
  }

  /** Watched queues in display order (the setting's order, else the VCC's). */
  all(): QueueEntry[] {
    return [...this.entries.values()];
  }

  get(id: number): QueueEntry | undefined {
    return this.entries.get(id);
  }

  /** The VCC's queues as last read (for Watch Queues…), with the agent that asked. */
  get catalogue(): readonly SkillQueue[] | undefined {
    return this.catalogueValue?.queues;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  configure(settings: QueueSettings): void {
    const idsChanged = settings.queueIds.join(',') !== this.settings.queueIds.join(',');
    const intervalChanged = settings.intervalMs !== this.settings.intervalMs;
    this.settings = settings;
    if (idsChanged) {
      this.rebuildEntries();
      this.refresh();
    } else if (intervalChanged) this.arm();
  }

  setActive(active: boolean): void {
    if (active === this.active) return;
    this.active = active;
    // Coming back: numbers now (they are as old as the time away), then every interval.
    if (active) this.refresh();
    else this.disarm();
  }

  pause(): void {
    this.paused = true;
    this.disarm();
  }

  resume(): void {
    this.paused = false;
    this.refresh();
  }

  /** Numbers now: joins a cycle in flight by running one more right after it. */
  refresh(): void {
    if (this.isDisposed || !this.canRun()) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.disarm();
    const run: Promise<void> = this.cycle().finally(() => {
      // A cycle of a connection left meanwhile (stop()) decides nothing any more.
      if (this.running !== run) return;
      this.running = undefined;
      if (this.isDisposed) return;
      if (this.again) {
        this.again = false;
        this.refresh();
      } else this.arm();
    });
    this.running = run;
  }

  /** For Watch Queues…: the VCC's queues and the asking agent's own, read now. */
  async readCatalogue(): Promise<{ vcc: readonly SkillQueue[]; own: readonly SkillQueue[] }> {
    const seam = this.source.current();
    const agent = seam?.sessionAgent;
    if (!seam || !agent) throw new GatewayError('auth', t('Sign in to see queues.'), { code: 'NO_SESSION' });
    const signal = this.lifetime.signal;
    const vcc = await seam.sendAsSession(agent, signal, (c, guid, s) => {
      if (!c.skillQueues) throw new GatewayError('invalid-request', t('This gateway client cannot read skill queues.'));
      return c.skillQueues(agent, guid, s);
    });
    this.counts.catalogue++;
    this.setCatalogue(agent, vcc.queues);
    // The agent's own queues are a hint in the list; their absence costs nothing.
    const own = await seam
      .sendAsSession(agent, signal, (c, guid, s) => (c.agentSkills ? c.agentSkills(agent, guid, s) : Promise.resolve({ queues: [], skipped: 0 })))
      .then((r) => r.queues, () => []);
    return { vcc: vcc.queues, own };
  }

  /** The whole cycle: catalogue if due, then one queryacdstat per 100 queues. */
  private async cycle(): Promise<void> {
    const seam = this.source.current();
    const agent = seam?.sessionAgent;
    if (!seam || !agent) return;
    const signal = this.lifetime.signal;
    this.counts.cycles++;
    try {
      if (this.settings.queueIds.length === 0 && this.catalogueDue(agent)) {
        const r = await seam.sendAsSession(agent, signal, (c, guid, s) => {
          if (!c.skillQueues) throw new GatewayError('invalid-request', t('This gateway client cannot read skill queues.'));
          return c.skillQueues(agent, guid, s);
        });
        this.counts.catalogue++;
        if (signal.aborted) return;
        this.setCatalogue(agent, r.queues);
      }
      const ids = this.watchedIds();
      for (const chunk of chunkQueueIds(ids)) {
        let skipped = 0;
        const read = () =>
          seam.sendAsSession(agent, signal, (c, guid, s) => {
            if (!c.queueStats) throw new GatewayError('invalid-request', t('This gateway client cannot read queue statistics.'));
            return c.queueStats(agent, chunk, guid, s);
          }).then((r) => ((skipped = r.skipped), r.stats));
        const stats = seam.sharedRead ? await seam.sharedRead(chunk.join(','), this.settings.intervalMs, signal, read) : await read();
        this.counts.stats++;
        if (signal.aborted) return;
        this.apply(chunk, stats);
        if (skipped > 0) this.log?.warn(`queryacdstat: ${skipped} entries with missing or malformed numbers were ignored.`);
      }
      this.slowDown = 1;
    } catch (e) {
      if (signal.aborted || this.isDisposed) return;
      const err = isGatewayError(e) ? e : new GatewayError('protocol', t('Unexpected failure while polling; see the "CC-Gateway" log.'));
      if (!isGatewayError(e)) onUnexpectedError(e, 'polling queues');
      if (err.details.slowDown) this.slowDown = Math.min(8, this.slowDown * 2);
      this.log?.warn(`queues: ${err.message}`);
      this.failAll(err.message);
    }
    this.updateState();
  }

  private catalogueDue(agent: string): boolean {
    const c = this.catalogueValue;
    return !c || c.agent !== agent || this.clock.now() - c.at >= CATALOGUE_MAX_AGE_MS;
  }

  private setCatalogue(agent: string, queues: readonly SkillQueue[]): void {
    this.catalogueValue = { agent, at: this.clock.now(), queues };
    this.rebuildEntries();
  }

  private watchedIds(): number[] {
    if (this.settings.queueIds.length > 0) return [...this.settings.queueIds];
    return (this.catalogueValue?.queues ?? []).filter((q) => q.real).map((q) => q.id);
  }

  /** Rows for the watched IDs, keeping what is known of each; names from the catalogue. */
  private rebuildEntries(): void {
    const ids = this.watchedIds();
    const names = new Map((this.catalogueValue?.queues ?? []).map((q) => [q.id, q.name]));
    const old = new Map(this.entries);
    this.entries.clear();
    for (const id of ids) {
      const before = old.get(id);
      const name = names.get(id) ?? before?.name;
      this.entries.set(id, { ...(before ?? { id, state: 'loading' as const }), ...(name !== undefined ? { name } : {}) });
    }
    this.updateState(true);
  }

  private apply(chunk: readonly number[], stats: readonly QueueStats[]): void {
    const at = this.clock.now();
    const byId = new Map(stats.map((s) => [s.id, s]));
    for (const id of chunk) {
      const e = this.entries.get(id);
      if (!e) continue;
      const s = byId.get(id);
      // A queue the gateway did not answer for: it does not exist (any more) or is not this VCC's.
      this.entries.set(id, s ? { id, ...(e.name !== undefined ? { name: e.name } : {}), stats: s, fetchedAt: at, state: 'ok' } : { ...e, state: 'missing', error: t('The gateway sent no numbers for queue {0}; check ccGateway.queues.', id) });
    }
    this.onDidChangeEmitter.fire();
  }

  private failAll(message: string): void {
    for (const [id, e] of this.entries) this.entries.set(id, { ...e, state: e.stats ? 'stale' : 'loading', error: message });
    this.onDidChangeEmitter.fire();
  }

  private canRun(): boolean {
    return this.active && !this.paused && !!this.source.current()?.sessionAgent;
  }

  private arm(): void {
    this.disarm();
    if (this.isDisposed || !this.active || this.paused || !this.source.current()?.sessionAgent) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.refresh();
    }, this.settings.intervalMs * this.slowDown);
  }

  private disarm(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A new connection, or a session came or went: start over where the gateway or the agent changed. */
  private connectionChanged(): void {
    if (this.isDisposed) return;
    const seam = this.source.current();
    const origin = seam?.origin;
    const agent = seam?.sessionAgent;
    if (origin !== this.origin) {
      // Another gateway's queues are not these: drop everything, cancel what is in flight.
      this.stop();
      this.lifetime = new AbortController();
      this.origin = origin;
      this.catalogueValue = undefined;
      this.entries.clear();
      this.rebuildEntries();
    }
    const signedInNow = agent !== undefined && agent !== this.agent;
    this.agent = agent;
    this.updateState();
    if (!agent) this.disarm();
    else if (signedInNow) this.refresh();
    else if (this.timer === undefined && !this.running) this.arm();
  }

  private stop(): void {
    this.disarm();
    this.lifetime.abort();
    this.running = undefined;
    this.again = false;
  }

  private updateState(fire = false): void {
    const seam = this.source.current();
    const next: QueueViewState =
      !seam ? 'noConnection'
      : !seam.sessionAgent ? 'noSession'
      : this.settings.queueIds.length === 0 && !this.catalogueValue ? 'loading'
      : this.entries.size === 0 ? 'noQueues'
      : 'ready';
    if (next !== this.stateValue || fire) {
      this.stateValue = next;
      this.onDidChangeEmitter.fire();
    }
  }
}
