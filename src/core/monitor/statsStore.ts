import type { FailureKind } from '../model/errors';
import type { AgentStatistics } from '../model/statistics';
import { Emitter, type IDisposable } from '../util/lifecycle';

/**
 * loading: never answered yet; ok: fresh numbers; stale: last numbers kept after a failure;
 * error: failed and nothing to show; auth: the Guid was refused; offline: agent not signed in.
 */
export type AgentState = 'loading' | 'ok' | 'stale' | 'error' | 'auth' | 'offline';

export interface AgentProblem {
  readonly kind: FailureKind;
  readonly message: string;
  readonly code?: string;
}

export interface AgentEntry {
  readonly agentId: string;
  readonly state: AgentState;
  /** Last good numbers: kept through failures so nothing shown is lost. */
  readonly stats?: AgentStatistics;
  /** The numbers of the poll before `stats`, for deltas. */
  readonly previous?: AgentStatistics;
  readonly fetchedAt?: number;
  readonly lastAttemptAt?: number;
  readonly error?: AgentProblem;
}

export interface StoreChange {
  /** Agents whose visible state changed (not those merely re-fetched with the same numbers). */
  readonly changed: readonly string[];
  /** True when agents were added or removed: the list itself changed. */
  readonly structural: boolean;
}

export class StatsStore implements IDisposable {
  private readonly entries = new Map<string, AgentEntry>();
  private readonly onDidChangeEmitter = new Emitter<StoreChange>();
  readonly onDidChange = this.onDidChangeEmitter.event;

  /** Keeps entries of agents still watched (their numbers survive a settings edit). */
  setAgents(agentIds: readonly string[]): void {
    const unique = [...new Set(agentIds)];
    if ([...this.entries.keys()].join(',') === unique.join(',')) return;
    const next = new Map<string, AgentEntry>();
    for (const id of unique) next.set(id, this.entries.get(id) ?? { agentId: id, state: 'loading' });
    this.entries.clear();
    for (const [id, e] of next) this.entries.set(id, e);
    this.onDidChangeEmitter.fire({ changed: [], structural: true });
  }

  get(agentId: string): AgentEntry | undefined {
    return this.entries.get(agentId);
  }

  has(agentId: string): boolean {
    return this.entries.has(agentId);
  }

  all(): AgentEntry[] {
    return [...this.entries.values()];
  }

  get size(): number {
    return this.entries.size;
  }

  applySuccess(agentId: string, stats: AgentStatistics, at: number): void {
    const old = this.entries.get(agentId);
    // Numbers fetched before the ones shown (another window's or desk's, arriving late) never replace them.
    if (!old || (old.fetchedAt !== undefined && at < old.fetchedAt)) return;
    const next: AgentEntry = { agentId, state: 'ok', stats, previous: old.stats ?? stats, fetchedAt: at, lastAttemptAt: at };
    this.entries.set(agentId, next);
    if (old.state !== 'ok' || !sameStats(old.stats, stats) || old.error) this.fire(agentId);
  }

  applyFailure(agentId: string, problem: AgentProblem, at: number): void {
    const old = this.entries.get(agentId);
    if (!old) return;
    const state: AgentState =
      problem.kind === 'auth' ? 'auth' : problem.kind === 'agent-offline' ? 'offline' : old.stats ? 'stale' : 'error';
    const next: AgentEntry = { ...old, state, error: problem, lastAttemptAt: at };
    this.entries.set(agentId, next);
    if (old.state !== state || old.error?.message !== problem.message) this.fire(agentId);
  }

  /** Back to "loading" without losing numbers, e.g. after a new Guid. */
  markPending(agentIds: readonly string[]): void {
    const changed: string[] = [];
    for (const id of agentIds) {
      const old = this.entries.get(id);
      if (!old || old.state !== 'auth') continue;
      this.entries.set(id, { ...old, state: old.stats ? 'stale' : 'loading' });
      changed.push(id);
    }
    if (changed.length) this.onDidChangeEmitter.fire({ changed, structural: false });
  }

  private fire(agentId: string): void {
    this.onDidChangeEmitter.fire({ changed: [agentId], structural: false });
  }

  dispose(): void {
    this.onDidChangeEmitter.dispose();
  }
}

function sameStats(a: AgentStatistics | undefined, b: AgentStatistics): boolean {
  return !!a && a.talktime === b.talktime && a.answernums === b.answernums && a.calloutnums === b.calloutnums;
}

export interface Totals {
  readonly answernums: number;
  readonly calloutnums: number;
  readonly talktime: number;
  readonly withNumbers: number;
  readonly failing: number;
  readonly needsGuid: number;
}

export function totals(entries: readonly AgentEntry[]): Totals {
  let answernums = 0, calloutnums = 0, talktime = 0, withNumbers = 0, failing = 0, needsGuid = 0;
  for (const e of entries) {
    if (e.stats) {
      answernums += e.stats.answernums;
      calloutnums += e.stats.calloutnums;
      talktime += e.stats.talktime;
      withNumbers++;
    }
    if (e.state === 'error' || e.state === 'stale') failing++;
    if (e.state === 'auth') needsGuid++;
  }
  return { answernums, calloutnums, talktime, withNumbers, failing, needsGuid };
}
