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
 * Budget: one queryacdstat per poll interval per 100 queues, and one agentbyskill per
 * watched queue whose agents are shown (every watched queue, or the opened ones), with the
 * session's agent as `{agentid}`; agentvdnskill at sign-in and at most every 10 minutes (only when no queue
 * IDs are set); nothing while inactive (unfocused, nothing shows numbers) or paused, nothing
 * without a signed-in session. Refresh joins a cycle in flight by running one more after it,
 * never more than one.
 */
import { GatewayError, isGatewayError } from '../model/errors';
import { chunkQueueIds } from '../wire/queues';
import { type QueueAgent, type QueueAgents, type QueueStats, type SkillQueue } from '../model/queues';
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
  /** The agents signed in to the queue (agentbyskill), once read. */
  readonly agents?: QueueAgentsEntry;
}

export interface QueueAgentsEntry {
  readonly list: readonly QueueAgent[];
  /** When the list was read (time in state counts on from each agent's `secondsInState` then). */
  readonly fetchedAt: number;
  /** The answer held as many agents as we may ask for: there may be more. */
  readonly cut: boolean;
  /** The last read failed: the list is the one of `fetchedAt`. */
  readonly error?: string;
}

/** Why agentbyskill is not asked (for this session's agent): the row says so, the numbers go on. */
export interface QueueAgentsRefusal {
  readonly reason: 'noInboundRight' | 'unsupported';
  /** What it means and what to do, in plain words. */
  readonly message: string;
  /** The interface and the gateway's code, for a tooltip's Details line and the log. */
  readonly details: readonly string[];
}

/** Which queues' agents are read: every watched queue, or only those open in the view. */
export type QueueAgentsMode = 'all' | 'opened';

export interface QueueSettings {
  /** ccGateway.queues: the IDs to watch; empty: every real queue of the VCC. */
  readonly queueIds: readonly number[];
  readonly intervalMs: number;
  /** ccGateway.queueAgents; default 'all'. */
  readonly agentsOf?: QueueAgentsMode;
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
  readonly counts = { cycles: 0, catalogue: 0, stats: 0, agents: 0 };
  private readonly opened = new Set<number>();
  private agentsRefusalValue: QueueAgentsRefusal | undefined;

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

  /** Why no queue's agents are read now (undefined while they are or may be). */
  get agentsRefusal(): QueueAgentsRefusal | undefined {
    return this.agentsRefusalValue;
  }

  /** A queue row was opened or closed; in 'opened' mode opening one reads its agents now, unless they were read within the interval. */
  setOpened(id: number, open: boolean): void {
    const was = this.opened.has(id);
    if (open) this.opened.add(id);
    else this.opened.delete(id);
    if (!open || was || (this.settings.agentsOf ?? 'all') !== 'opened' || !this.entries.has(id)) return;
    // A list kept from when the row was last open is as old as the time it was closed: read it again rather than show it "as of" then.
    const agents = this.entries.get(id)?.agents;
    if (!agents || this.clock.now() - agents.fetchedAt >= this.settings.intervalMs) this.refresh();
  }

  /** Whether a queue's agents are read (and shown) under the mode. */
  showsAgents(id: number): boolean {
    return (this.settings.agentsOf ?? 'all') === 'all' || this.opened.has(id);
  }

  get isPaused(): boolean {
    return this.paused;
  }

  configure(settings: QueueSettings): void {
    const idsChanged = settings.queueIds.join(',') !== this.settings.queueIds.join(',');
    const intervalChanged = settings.intervalMs !== this.settings.intervalMs;
    const modeChanged = (settings.agentsOf ?? 'all') !== (this.settings.agentsOf ?? 'all');
    this.settings = settings;
    if (idsChanged || modeChanged) {
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
      await this.readAgents(seam, agent, ids, signal);
      if (signal.aborted) return;
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

  /**
   * One agentbyskill per queue whose agents are shown. A refusal that says the interface is
   * missing (404/405, 000-002) or the asking agent may not use it (000-003 right after
   * queryacdstat worked with the same Guid: no permission to answer inbound calls) stops
   * these reads for the session's agent, said once; other failures keep each list, marked.
   */
  private async readAgents(seam: QueueSeam, agent: AgentId, ids: readonly number[], signal: AbortSignal): Promise<void> {
    for (const id of ids) {
      if (this.agentsRefusalValue || !this.showsAgents(id)) continue;
      let answer: QueueAgents;
      try {
        answer = await seam.sendAsSession(agent, signal, (c, guid, s) => {
          if (!c.queueAgents) throw new GatewayError('invalid-request', t('This gateway client cannot read the agents of a queue.'));
          return c.queueAgents(agent, id, guid, s);
        });
      } catch (e) {
        if (signal.aborted || this.isDisposed) return;
        const err = isGatewayError(e) ? e : new GatewayError('protocol', t('Unexpected failure while polling; see the "CC-Gateway" log.'));
        if (!isGatewayError(e)) onUnexpectedError(e, 'reading a queue\'s agents');
        if (err.kind === 'invalid-request' || err.kind === 'auth') {
          // The interface's name and the gateway's code go to a Details line, not into the words.
          const code = err.details.retcode ?? (err.details.httpStatus !== undefined ? `HTTP ${err.details.httpStatus}` : undefined);
          const details = ['agentbyskill', ...(code ? [code] : [])];
          this.agentsRefusalValue = err.kind === 'auth'
            ? { reason: 'noInboundRight', message: t('Agent {0} may not list the agents of a queue: the gateway lets only agents with the right to answer inbound calls do that. Sign in as such an agent to see who is in each queue; the queue numbers go on.', agent), details }
            : { reason: 'unsupported', message: t('This gateway does not offer the list of a queue\'s agents; the queue numbers go on. Nothing to do.'), details };
          this.log?.warn(`agentbyskill refused (${err.details.retcode ?? err.details.httpStatus ?? err.kind}): ${err.message}`);
          this.onDidChangeEmitter.fire();
          return;
        }
        this.log?.warn(`agentbyskill ${id}: ${err.message}`);
        const e2 = this.entries.get(id);
        if (e2?.agents) this.entries.set(id, { ...e2, agents: { ...e2.agents, error: err.message } });
        this.onDidChangeEmitter.fire();
        if (err.details.slowDown) throw err;
        continue;
      }
      this.counts.agents++;
      if (signal.aborted) return;
      if (answer.skipped > 0) this.log?.warn(`agentbyskill ${id}: ${answer.skipped} entries without an agent ID or state were ignored.`);
      const e = this.entries.get(id);
      if (e) this.entries.set(id, { ...e, agents: { list: answer.agents, fetchedAt: this.clock.now(), cut: answer.cut } });
      this.onDidChangeEmitter.fire();
    }
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
      this.entries.set(id, s ? { id, ...(e.name !== undefined ? { name: e.name } : {}), stats: s, fetchedAt: at, state: 'ok', ...(e.agents ? { agents: e.agents } : {}) } : { ...e, state: 'missing', error: t('The gateway sent no numbers for queue {0}; check ccGateway.queues.', id) });
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
    // Another asking agent may have the right this one lacked.
    if (agent !== this.agent) this.agentsRefusalValue = undefined;
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
