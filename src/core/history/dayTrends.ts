import { dayStart } from './day';
import { DaySeries } from './daySeries';
import type { DayLog } from './historyStore';

/** A gateway's part of a trend: its origin and the agents counted there. */
export interface TrendPart {
  readonly origin: string;
  readonly agents: readonly string[];
}

interface Held {
  readonly day: string;
  /** The agents counted: another list builds the series again. */
  readonly agents: readonly string[];
  readonly generation: number;
  /** Records of the file counted so far. */
  counted: number;
  readonly series: DaySeries;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * The day series of each open trend, one per gateway in it, brought up to date on each update with
 * only the records appended to that gateway's day file since the last one: Show Trend for all
 * gateways then costs about what a gateway's new lines cost, not a re-count of every gateway's
 * whole day (`npm run bench`: all-gateways trend, 10 gateways / 1 gateway). A series is built
 * again from all the day's records when the file was read again from its start, when the agents
 * change, on a new day, and when a record is older than its agent's last one (a clock set back).
 */
export class DayTrends {
  /** trend key → origin → its series. */
  private readonly held = new Map<string, Map<string, Held>>();
  /** For tests and the benchmark: series built from a whole day, and records counted in all. */
  readonly counts = { rebuilt: 0, records: 0 };

  constructor(private readonly history: { readDayLogs(origins: readonly string[], day: string): Promise<DayLog[]> }) {}

  /**
   * The series of each part for `day`, up to date with its file and what is pending. Those with
   * pending records are copies with them counted: what is pending is counted for good once it is
   * in the file. Only the parts asked for stay held under `key`.
   */
  async series(key: string, parts: readonly TrendPart[], day: string): Promise<DaySeries[]> {
    // All gateways' files in one batch: those whose watch saw no change since they were checked wait for no stat.
    const logs = await this.history.readDayLogs(parts.map((p) => p.origin), day);
    const before = this.held.get(key);
    const now = new Map<string, Held>();
    const out = parts.map((part, i) => {
      const log = logs[i];
      let h = now.get(part.origin) ?? before?.get(part.origin);
      if (!h || h.day !== day || !sameList(h.agents, part.agents) || h.generation !== log.generation) {
        h = { day, agents: [...part.agents], generation: log.generation, counted: 0, series: new DaySeries(dayStart(day), new Set(part.agents)) };
        this.counts.rebuilt++;
      }
      if (h.counted < log.count) {
        this.counts.records += log.count - h.counted;
        if (!h.series.add(log.records, h.counted, log.count)) {
          h = { ...h, series: DaySeries.of(log.records.slice(0, log.count), dayStart(day), new Set(part.agents)) };
          this.counts.rebuilt++;
        }
        h.counted = log.count;
      }
      now.set(part.origin, h);
      // A read that finished after this one counted more of the file already (two updates at once): newer than this read's pending.
      if (log.pending.length === 0 || h.counted > log.count) return h.series;
      const withPending = h.series.copy();
      if (withPending.add(log.pending)) return withPending;
      return DaySeries.of([...log.records.slice(0, log.count), ...log.pending], dayStart(day), new Set(part.agents));
    });
    this.held.set(key, now);
    return out;
  }

  /** Drops what is held for a trend (its panel closed). */
  forget(key: string): void {
    this.held.delete(key);
  }
}
