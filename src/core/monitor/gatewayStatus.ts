import type { AgentId } from '../ids/agentId';
import type { SessionStatus } from '../sessions/agentSession';
import type { Clock, TimerHandle } from '../util/clock';
import { Disposable, Emitter } from '../util/lifecycle';
import { agentCondition, listCondition, type AgentCondition, type GatewayReach } from './agentCondition';
import type { StopReason } from './credentialStops';
import type { Reach } from './requestDispatch';
import type { AgentEntry } from './statsStore';

/** What the model reads from its owner (the gateway monitor) when asked. */
export interface StatusSource {
  entry(agentId: string): AgentEntry | undefined;
  agents(): readonly string[];
  stopOf(agentId: string): StopReason | undefined;
  session(agentId: AgentId): SessionStatus | undefined;
  sessions(): ReadonlyMap<string, SessionStatus>;
  certificateRefused(): boolean;
  polling(): { readonly intervalMs: number; readonly timeoutMs: number; readonly paused: boolean; readonly active: boolean };
}

/** A group's numbers (a team, Total, the status bar): how many are not current, as of when, and whether anyone must act. */
export interface GroupCondition {
  readonly notCurrent: number;
  /** The oldest numbers among the not-current members (what the sum is "as of"). */
  readonly asOf?: number;
  /** Members the user must act for. */
  readonly mustAct: number;
}

/**
 * One gateway's state now, in one place: whether it answers (from every request of the
 * connection, the sessions' event polls included), and each watched agent's condition: current,
 * or not and why, and who must act. Every view renders from it; none infers from symptoms.
 * Conditions are computed when asked, from facts the connection already keeps; the model adds
 * only the gateway's reach and a timer that says when numbers grow too old.
 */
export class GatewayStatus extends Disposable {
  private reachValue: GatewayReach = { kind: 'unknown' };
  private lastAnswer: number | undefined;
  private timer: TimerHandle | undefined;
  private timerAt = Infinity;
  private readonly onDidChangeEmitter = this._register(new Emitter<void>());
  /** Something any condition depends on changed: the gateway's reach, a stop, a session, or numbers grew old. */
  readonly onDidChange = this.onDidChangeEmitter.event;

  constructor(
    private readonly source: StatusSource,
    private readonly clock: Clock,
  ) {
    super();
    this._register({ dispose: () => this.clearTimer() });
  }

  get reach(): GatewayReach {
    return this.reachValue;
  }

  /** A finished request of the current connection (any pool, any interface). */
  observe(reach: Reach): void {
    const now = this.clock.now();
    if (reach.answered) {
      this.lastAnswer = now;
      const was = this.reachValue.kind;
      this.reachValue = { kind: 'answering', at: now };
      if (was !== 'answering') this.onDidChangeEmitter.fire();
      return;
    }
    if (this.reachValue.kind === 'unreachable') return;
    this.reachValue = { kind: 'unreachable', since: now, detail: reach.detail, ...(this.lastAnswer !== undefined ? { lastAnswer: this.lastAnswer } : {}) };
    this.onDidChangeEmitter.fire();
  }

  /** A new connection: nothing is known of it yet. */
  reset(): void {
    this.reachValue = { kind: 'unknown' };
    this.lastAnswer = undefined;
    this.changed();
  }

  /** An input the conditions read changed (stops, sessions, the certificate, settings). */
  changed(): void {
    if (this.isDisposed) return;
    this.onDidChangeEmitter.fire();
    this.armFor(this.source.agents());
  }

  /** Numbers of these agents arrived: they age from now on. */
  updated(agentIds: readonly string[]): void {
    this.armFor(agentIds);
  }

  agent(agentId: string): AgentCondition {
    const p = this.source.polling();
    return agentCondition({
      entry: this.source.entry(agentId),
      now: this.clock.now(),
      maxAgeMs: p.intervalMs + p.timeoutMs,
      reach: this.reachValue,
      certificateRefused: this.source.certificateRefused(),
      stop: this.source.stopOf(agentId),
      sessionStatus: (id) => this.source.session(id),
      sessions: this.source.sessions(),
      paused: p.paused,
      active: p.active,
    });
  }

  /** A list read as a whole (a queue's agents): read at `fetchedAt`, its last read failed with `failure`. */
  list(fetchedAt: number | undefined, failure?: string): AgentCondition {
    const p = this.source.polling();
    return listCondition({
      fetchedAt,
      failure,
      now: this.clock.now(),
      maxAgeMs: p.intervalMs + p.timeoutMs,
      reach: this.reachValue,
      certificateRefused: this.source.certificateRefused(),
      paused: p.paused,
      active: p.active,
    });
  }

  group(agentIds: readonly string[]): GroupCondition {
    let notCurrent = 0;
    let mustAct = 0;
    let asOf: number | undefined;
    for (const id of agentIds) {
      const c = this.agent(id);
      if (c.act) mustAct++;
      if (c.kind !== 'not-current') continue;
      notCurrent++;
      if (c.asOf !== undefined) asOf = asOf === undefined ? c.asOf : Math.min(asOf, c.asOf);
    }
    return { notCurrent, mustAct, ...(asOf !== undefined ? { asOf } : {}) };
  }

  /** Arms the one timer for the earliest moment one of these agents' current numbers grow too old. */
  private armFor(agentIds: readonly string[]): void {
    if (this.isDisposed) return;
    const p = this.source.polling();
    const maxAge = p.intervalMs + p.timeoutMs;
    const now = this.clock.now();
    let next = Infinity;
    for (const id of agentIds) {
      const e = this.source.entry(id);
      if (e?.state !== 'ok' || e.fetchedAt === undefined) continue;
      const at = e.fetchedAt + maxAge + 1;
      if (at > now && at < next) next = at;
    }
    if (next >= this.timerAt) return;
    this.clearTimer();
    this.timerAt = next;
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      // Some numbers just grew old: every view looks again, and the next expiry is armed.
      this.changed();
    }, next - now);
  }

  private clearTimer(): void {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
  }
}
