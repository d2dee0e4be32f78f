import type { HistoryRecord } from './historyFormat';

/** A gateway of Show Trend for all gateways: its origin and the agents watched on it. */
export interface TrendGateway {
  readonly origin: string;
  readonly agents: readonly string[];
}

/**
 * Every gateway's records of a day for its watched agents, each agent named `<index>/<id>` (101
 * may be watched on two gateways). The days are read at once: the day file cache holds them all.
 */
export async function readGatewaysDay(history: { readDay(origin: string, day: string): Promise<HistoryRecord[]> }, gateways: readonly TrendGateway[], day: string): Promise<HistoryRecord[]> {
  const days = await Promise.all(
    gateways.map(async (g, i) => {
      // A set: a lookup per record in a list of hundreds of agents cost more than the read.
      const watched = new Set(g.agents);
      const out: HistoryRecord[] = [];
      for (const r of await history.readDay(g.origin, day)) if (watched.has(r.agentId)) out.push({ ...r, agentId: `${i}/${r.agentId}` });
      return out;
    }),
  );
  return days.flat();
}
