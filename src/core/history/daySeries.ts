// A day's trend kept up to date record by record, so an open Show Trend panel (one gateway's
// or all gateways') costs the records appended since its last update, not the whole day again.
import { dayWindowAt } from './day';
import type { HistoryRecord } from './historyFormat';
import type { Trend } from './trend';

const MINUTE_MS = 60_000;

/**
 * One gateway's day for a set of agents: each agent's last record and, per minute of the day,
 * the calls answered and placed and the talk time that changed (the rules of `buildTrend`:
 * a change goes to the minute of the later record, an agent's first record is its baseline, a
 * counter that went down counts its new value). Per minute, because every bucket the chart
 * uses (1, 5, 15 minutes) is a whole number of minutes from midnight.
 */
export class DaySeries {
  private readonly prev = new Map<string, HistoryRecord>();
  private readonly window: { readonly start: number; readonly end: number };
  /** Per minute from the day's start (23 to 25 hours with daylight saving). */
  readonly answered: Float64Array;
  readonly outbound: Float64Array;
  readonly talk: Float64Array;
  /** Time of the first and last record counted (undefined: none yet). */
  first: number | undefined;
  last: number | undefined;

  constructor(
    readonly dayStartMs: number,
    private readonly agents: ReadonlySet<string> | undefined,
  ) {
    this.window = dayWindowAt(dayStartMs);
    const minutes = Math.ceil((this.window.end - dayStartMs) / MINUTE_MS);
    this.answered = new Float64Array(minutes);
    this.outbound = new Float64Array(minutes);
    this.talk = new Float64Array(minutes);
  }

  /**
   * Counts `records[from..to)`, in their order. False when one is older than its agent's last
   * record (a clock set back): the series then no longer equals `buildTrend`, which sorts by
   * time; build it again from the sorted records.
   */
  add(records: readonly HistoryRecord[], from = 0, to = records.length): boolean {
    for (let i = from; i < to; i++) {
      const r = records[i];
      if (this.agents && !this.agents.has(r.agentId)) continue;
      if (r.t < this.window.start || r.t >= this.window.end) continue;
      const p = this.prev.get(r.agentId);
      if (p && r.t < p.t) return false;
      this.prev.set(r.agentId, r);
      if (this.first === undefined || r.t < this.first) this.first = r.t;
      if (this.last === undefined || r.t > this.last) this.last = r.t;
      if (!p) continue;
      const m = Math.floor((r.t - this.dayStartMs) / MINUTE_MS);
      this.answered[m] += r.answernums >= p.answernums ? r.answernums - p.answernums : r.answernums;
      this.outbound[m] += r.calloutnums >= p.calloutnums ? r.calloutnums - p.calloutnums : r.calloutnums;
      this.talk[m] += r.talktime >= p.talktime ? r.talktime - p.talktime : r.talktime;
    }
    return true;
  }

  /** A copy to count more records on without changing this one (what is not yet in the file). */
  copy(): DaySeries {
    const c = new DaySeries(this.dayStartMs, this.agents);
    for (const [k, v] of this.prev) c.prev.set(k, v);
    c.answered.set(this.answered);
    c.outbound.set(this.outbound);
    c.talk.set(this.talk);
    c.first = this.first;
    c.last = this.last;
    return c;
  }

  /** The series of records in any order: sorted by time first, as `buildTrend` does. */
  static of(records: readonly HistoryRecord[], dayStartMs: number, agents: ReadonlySet<string> | undefined): DaySeries {
    const s = new DaySeries(dayStartMs, agents);
    s.add([...records].sort((a, b) => a.t - b.t));
    return s;
  }
}

/**
 * The trend of several series of one day together (each gateway's agents apart, so a change is
 * an agent's on its own gateway), in buckets of `bucketMs` (a whole number of minutes), from the
 * first record's bucket to the last one's: what `buildTrend` makes of all their records at once.
 */
export function mergeSeries(series: readonly DaySeries[], dayStartMs: number, bucketMs: number): Trend {
  if (bucketMs % MINUTE_MS !== 0) throw new RangeError(`a trend bucket is whole minutes, not ${bucketMs} ms`);
  const trend: Trend = { buckets: [], answered: [], outbound: [], talkCumulative: [] };
  let first: number | undefined;
  let last: number | undefined;
  for (const s of series) {
    if (s.dayStartMs !== dayStartMs) throw new RangeError('series of different days');
    if (s.first !== undefined && (first === undefined || s.first < first)) first = s.first;
    if (s.last !== undefined && (last === undefined || s.last > last)) last = s.last;
  }
  if (first === undefined || last === undefined) return trend;
  const perBucket = bucketMs / MINUTE_MS;
  const firstBucket = Math.floor((first - dayStartMs) / bucketMs);
  const lastBucket = Math.floor((last - dayStartMs) / bucketMs);
  let talk = 0;
  for (let b = firstBucket; b <= lastBucket; b++) {
    let a = 0;
    let o = 0;
    // Minutes of this bucket (the last bucket of a day may run past its end: those minutes hold nothing).
    const end = (b + 1) * perBucket;
    for (const s of series) {
      for (let m = b * perBucket; m < end && m < s.talk.length; m++) {
        a += s.answered[m];
        o += s.outbound[m];
        talk += s.talk[m];
      }
    }
    trend.buckets.push(dayStartMs + b * bucketMs);
    trend.answered.push(a);
    trend.outbound.push(o);
    trend.talkCumulative.push(talk);
  }
  return trend;
}
