// A queue's agents as rows need them: counts by state and the agent rows' order.
import type { QueueAgent } from '../model/queues';
import type { AgentEntry } from '../monitor/statsStore';
import type { Count } from '../format/rowFit';
import { PRESENCES, presenceLabel, type Presence } from './agentState';
import { sortAgents, type SortKey } from './supervisor';

/** How many of a queue's agents are in each state, in the agent rows' order of states (for `fitCounts`). */
export function queueCounts(list: readonly QueueAgent[]): Count[] {
  const byState = new Map<Presence, number>();
  for (const a of list) byState.set(a.presence, (byState.get(a.presence) ?? 0) + 1);
  return PRESENCES.filter((p) => byState.has(p)).map((p) => ({ label: presenceLabel(p), n: byState.get(p) ?? 0 }));
}

/** "3 talking · 1 wrap-up · 2 idle": every count of `queueCounts`. */
export function queueStateCounts(list: readonly QueueAgent[], separator = ' · '): string {
  return queueCounts(list).map((c) => `${c.n} ${c.label}`).join(separator);
}

/** The queue's agent IDs sorted like the agent rows (`entry`: a watched agent's numbers, for the numeric keys). */
export function sortQueueAgents(list: readonly QueueAgent[], key: SortKey, entry: (id: string) => AgentEntry | undefined): string[] {
  const byId = new Map(list.map((a) => [a.workno, a]));
  return sortAgents([...byId.keys()], key, entry, (id) => byId.get(id)?.presence);
}
