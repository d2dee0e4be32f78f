import { dayStart } from './day';
import { DaySeries } from './daySeries';
import type { DayLog } from './historyStore';

/** A gateway's part of a trend: its origin and the agents counted there. */
export interface TrendPart {
  readonly origin: string;
  /** Not changed in place once given (settings are replaced whole): the same list again is not compared. */
  readonly agents: readonly string[];
}

interface Part {
  readonly day: string;
  /** The agents counted: another list builds the series again. */
  readonly agents: readonly string[];
  /** The caller's list they were last found in: given again, it needs no comparison (500 agents per gateway per update). */
  source: readonly string[];
  readonly generation: number;
  /** Records of the file counted so far. */
  counted: number;
  readonly series: DaySeries;
}

interface Held {
  readonly parts: Map<string, Part>;
  /** The parts' series added up, brought up to date along with them. */
  readonly total: DaySeries;
}

function sameAgents(part: Part, agents: readonly string[]): boolean {
  if (part.source === agents && part.agents.length === agents.length) return true;
  if (part.agents.length !== agents.length) return false;
  for (let i = 0; i < agents.length; i++) if (part.agents[i] !== agents[i]) return false;
  part.source = agents;
  return true;
}

/**
 * The day series of each open trend, one per gateway in it and their sum, brought up to date on
 * each update with only the records appended to each gateway's day file since the last one (read
 * for all gateways in one batch: see DayFileCache.readAll), and the sum with the same changes:
 * Show Trend for all gateways then costs about what the new lines cost, not a re-count of every
 * gateway's whole day nor a pass over every gateway's minutes (`npm run bench`: all-gateways
 * trend, 10 gateways / 1 gateway). A gateway's series is built again from all the day's records
 * when the file was read again from its start, when the agents change, on a new day, and when a
 * record is older than its agent's last one (a clock set back); the sum is then added up again.
 */
export class DayTrends {
  /** trend key → its gateways' series and their sum. */
  private readonly held = new Map<string, Held>();
  /** For tests and the benchmark: series built from a whole day, sums added up from the gateways' series, and records counted in all. */
  readonly counts = { rebuilt: 0, summed: 0, records: 0 };

  constructor(private readonly history: { readDayLogs(origins: readonly string[], day: string): Promise<DayLog[]> }) {}

  /**
   * The series of all parts together for `day` (each gateway's agents apart), up to date with the
   * files and what is pending. With pending records it is a sum of copies with them counted:
   * what is pending is counted for good once it is in the file. Only the parts asked for stay
   * held under `key`; a gateway named twice counts once.
   */
  async total(key: string, parts: readonly TrendPart[], day: string): Promise<DaySeries> {
    const logs = await this.history.readDayLogs(parts.map((p) => p.origin), day);
    const start = dayStart(day);
    const before = this.held.get(key);
    const now = new Map<string, Part>();
    // Kept while it is the sum of the same series: one built again, added or dropped adds it up again.
    let total = before?.total.dayStartMs === start ? before.total : undefined;
    const pending: { readonly part: Part; readonly agents: readonly string[]; readonly log: DayLog }[] = [];
    for (let i = 0; i < parts.length; i++) {
      const { origin, agents } = parts[i];
      const log = logs[i];
      if (now.has(origin)) continue;
      let h = before?.parts.get(origin);
      if (!h || h.day !== day || h.generation !== log.generation || !sameAgents(h, agents)) {
        h = { day, agents: [...agents], source: agents, generation: log.generation, counted: 0, series: new DaySeries(start, agents) };
        this.counts.rebuilt++;
        total = undefined;
      }
      if (h.counted < log.count) {
        this.counts.records += log.count - h.counted;
        if (!h.series.add(log.records, h.counted, log.count, total)) {
          h = { ...h, series: DaySeries.of(log.records.slice(0, log.count), start, agents) };
          this.counts.rebuilt++;
          total = undefined;
        }
        h.counted = log.count;
      }
      now.set(origin, h);
      // A read that finished after this one counted more of the file already (two updates at once): newer than this read's pending.
      if (log.pending.length > 0 && h.counted <= log.count) pending.push({ part: h, agents, log });
    }
    if (before && now.size !== before.parts.size) total = undefined;
    if (!total) {
      total = DaySeries.sum([...now.values()].map((h) => h.series), start);
      this.counts.summed++;
    }
    this.held.set(key, { parts: now, total });
    if (pending.length === 0) return total;
    const withPending = new Map<Part, DaySeries>();
    for (const { part, agents, log } of pending) {
      const copy = part.series.copy();
      withPending.set(part, copy.add(log.pending) ? copy : DaySeries.of([...log.records.slice(0, log.count), ...log.pending], start, agents));
    }
    return DaySeries.sum([...now.values()].map((h) => withPending.get(h) ?? h.series), start);
  }

  /** Drops what is held for a trend (its panel closed). */
  forget(key: string): void {
    this.held.delete(key);
  }
}
