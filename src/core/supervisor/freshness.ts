import type { AgentEntry } from '../monitor/statsStore';

/** Whether a group's numbers are current, and if not, as of when. */
export interface Freshness {
  /** Members whose numbers are not current (a failed update, a refused Guid). */
  readonly notCurrent: number;
  /** The oldest update among those members with numbers (what the sum is "as of"). */
  readonly asOf?: number;
}

const NOT_CURRENT = new Set<AgentEntry['state']>(['stale', 'error', 'auth']);

export function isCurrent(entry: AgentEntry): boolean {
  return !NOT_CURRENT.has(entry.state);
}

export function freshness(entries: readonly AgentEntry[]): Freshness {
  let notCurrent = 0;
  let asOf: number | undefined;
  for (const e of entries) {
    if (isCurrent(e)) continue;
    notCurrent++;
    if (e.fetchedAt !== undefined) asOf = asOf === undefined ? e.fetchedAt : Math.min(asOf, e.fetchedAt);
  }
  return asOf === undefined ? { notCurrent } : { notCurrent, asOf };
}

/**
 * The gateway looks unreachable: every watched agent's last update failed on the network
 * (or a retryable gateway error). `lastAnswer` is the newest update that did arrive.
 */
export function gatewayUnreachable(entries: readonly AgentEntry[]): { lastAnswer?: number } | undefined {
  if (entries.length === 0) return undefined;
  let lastAnswer: number | undefined;
  for (const e of entries) {
    if (e.state !== 'stale' && e.state !== 'error') return undefined;
    if (e.error?.kind !== 'network' && e.error?.kind !== 'transient') return undefined;
    if (e.fetchedAt !== undefined) lastAnswer = Math.max(lastAnswer ?? 0, e.fetchedAt);
  }
  return lastAnswer === undefined ? {} : { lastAnswer };
}
