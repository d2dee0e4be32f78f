import type { Clock } from '../util/clock';
import type { Presence } from './agentState';

/** How long an agent has been in its state, as far as this machine observed it. */
export interface StateSpan {
  readonly presence: Presence;
  /** When the state was first seen (a change observed, or the start of watching). */
  readonly since: number;
  /** True when watching started mid-state: the agent has been in it at least since `since`. */
  readonly atLeast: boolean;
  /** The last time this state was read. */
  readonly seenAt: number;
}

/** A span remembered across a window reload continues only if it was read this recently before. */
export const DEFAULT_CONTINUITY_MS = 5 * 60_000;

/**
 * Time in state per agent, from the state readings the extension makes: reset on each
 * change, "at least" where watching started mid-state, and continued after a reload from
 * a snapshot when the first reading shows the same state soon enough after the last one.
 */
export class TimeInState {
  private readonly spans = new Map<string, StateSpan>();
  private readonly restored: Map<string, StateSpan>;

  constructor(
    private readonly clock: Pick<Clock, 'now'>,
    restored: Readonly<Record<string, StateSpan>> = {},
    private readonly continuityMs = DEFAULT_CONTINUITY_MS,
  ) {
    this.restored = new Map(Object.entries(restored).filter(([, s]) => isSpan(s)));
  }

  /** A reading of the agent's state (undefined: the state is not known any more). True when the span changed. */
  observe(agentId: string, presence: Presence | undefined, at = this.clock.now()): boolean {
    const old = this.spans.get(agentId);
    if (presence === undefined) {
      // A gap in what is known: a remembered span cannot be continued across it.
      this.restored.delete(agentId);
      return this.spans.delete(agentId);
    }
    if (old && old.presence === presence) {
      this.spans.set(agentId, { ...old, seenAt: Math.max(old.seenAt, at) });
      return false;
    }
    if (old) {
      this.spans.set(agentId, { presence, since: at, atLeast: false, seenAt: at });
      return true;
    }
    const before = this.restored.get(agentId);
    this.restored.delete(agentId);
    if (before && before.presence === presence && at >= before.seenAt && at - before.seenAt <= this.continuityMs) {
      this.spans.set(agentId, { ...before, seenAt: at });
    } else {
      this.spans.set(agentId, { presence, since: at, atLeast: true, seenAt: at });
    }
    return true;
  }

  get(agentId: string): StateSpan | undefined {
    return this.spans.get(agentId);
  }

  /** Seconds in the current state, or undefined when the state is not known. */
  seconds(agentId: string, now = this.clock.now()): number | undefined {
    const s = this.spans.get(agentId);
    return s ? Math.max(0, Math.floor((now - s.since) / 1000)) : undefined;
  }

  /** Keeps only these agents. */
  retain(agentIds: readonly string[]): void {
    const keep = new Set(agentIds);
    for (const id of [...this.spans.keys()]) if (!keep.has(id)) this.spans.delete(id);
    for (const id of [...this.restored.keys()]) if (!keep.has(id)) this.restored.delete(id);
  }

  /** Agents with a known state. */
  agents(): string[] {
    return [...this.spans.keys()];
  }

  /** What a reload continues from (plain JSON): the spans read, and those restored and not read again yet. */
  snapshot(): Record<string, StateSpan> {
    return { ...Object.fromEntries(this.restored), ...Object.fromEntries(this.spans) };
  }
}

function isSpan(v: unknown): v is StateSpan {
  const s = v as StateSpan;
  return !!s && typeof s === 'object' && typeof s.presence === 'string' && Number.isFinite(s.since) && Number.isFinite(s.seenAt) && typeof s.atLeast === 'boolean';
}
