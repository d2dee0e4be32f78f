// A day's trend kept up to date record by record, so an open Show Trend panel (one gateway's
// or all gateways') costs the records appended since its last update, not the whole day again.
import { AgentIndex } from './agentIndex';
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
  /**
   * Each agent's place in `lastOf`: one lookup per record counted, of the ID as a number (a set of
   * agents and a map of last records took three lookups of strings). With agents given, only they have one.
   */
  private index: AgentIndex;
  /** Per agent, four numbers side by side: its last record's time (NaN: none yet), answered, outbound and talk time. */
  private lastOf: Float64Array;
  private readonly window: { readonly start: number; readonly end: number };
  /** Per minute from the day's start (23 to 25 hours with daylight saving). */
  readonly answered: Float64Array;
  readonly outbound: Float64Array;
  readonly talk: Float64Array;
  /** Time of the first and last record counted (undefined: none yet). */
  first: number | undefined;
  last: number | undefined;

  /** Only the agents given count (each has its place from the start); without them, every agent does. */
  private readonly filtered: boolean;

  constructor(
    readonly dayStartMs: number,
    agents: Iterable<string> | undefined,
  ) {
    this.filtered = agents !== undefined;
    this.window = dayWindowAt(dayStartMs);
    const minutes = Math.ceil((this.window.end - dayStartMs) / MINUTE_MS);
    this.answered = new Float64Array(minutes);
    this.outbound = new Float64Array(minutes);
    this.talk = new Float64Array(minutes);
    this.index = new AgentIndex(agents);
    this.lastOf = new Float64Array(Math.max(16, this.index.size) * 4).fill(NaN);
  }

  /**
   * Counts `records[from..to)`, in their order, and adds what they change to `sum` too (the
   * series of several gateways together, kept up to date along with each one's). False when one
   * is older than its agent's last record (a clock set back): the series then no longer equals
   * `buildTrend`, which sorts by time; build it again from the sorted records (and `sum` from its parts).
   */
  add(records: readonly HistoryRecord[], from = 0, to = records.length, sum?: DaySeries): boolean {
    const { start, end } = this.window;
    const { filtered, index, answered, outbound, talk, dayStartMs } = this;
    let last = this.lastOf;
    // The first and last time counted, applied once at the end.
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < to; i++) {
      const r = records[i];
      const t = r.t;
      if (t < start || t >= end) continue;
      let k = index.get(r.agentId);
      if (k < 0) {
        if (filtered) continue;
        k = index.add(r.agentId);
        if (k * 4 >= last.length) last = this.grow();
      }
      const at = k * 4;
      const pt = last[at];
      if (t < pt) return false;
      const pa = last[at + 1];
      const po = last[at + 2];
      const ps = last[at + 3];
      last[at] = t;
      last[at + 1] = r.answernums;
      last[at + 2] = r.calloutnums;
      last[at + 3] = r.talktime;
      if (t < lo) lo = t;
      if (t > hi) hi = t;
      if (pt !== pt) continue; // NaN: the agent's first record, its baseline
      const m = Math.floor((t - dayStartMs) / MINUTE_MS);
      const a = r.answernums >= pa ? r.answernums - pa : r.answernums;
      const o = r.calloutnums >= po ? r.calloutnums - po : r.calloutnums;
      const s = r.talktime >= ps ? r.talktime - ps : r.talktime;
      answered[m] += a;
      outbound[m] += o;
      talk[m] += s;
      if (sum) {
        sum.answered[m] += a;
        sum.outbound[m] += o;
        sum.talk[m] += s;
      }
    }
    if (lo <= hi) {
      for (const x of sum ? [this, sum] : [this]) {
        x.span(lo);
        x.span(hi);
      }
    }
    return true;
  }

  private grow(): Float64Array {
    const more = new Float64Array(this.lastOf.length * 2).fill(NaN);
    more.set(this.lastOf);
    return (this.lastOf = more);
  }

  private span(t: number): void {
    if (this.first === undefined || t < this.first) this.first = t;
    if (this.last === undefined || t > this.last) this.last = t;
  }

  /** A copy to count more records on without changing this one (what is not yet in the file). */
  copy(): DaySeries {
    const c = new DaySeries(this.dayStartMs, this.filtered ? [] : undefined);
    c.index = this.index.copy();
    c.lastOf = this.lastOf.slice();
    c.answered.set(this.answered);
    c.outbound.set(this.outbound);
    c.talk.set(this.talk);
    c.first = this.first;
    c.last = this.last;
    return c;
  }

  /** The series of records in any order: sorted by time first, as `buildTrend` does. */
  static of(records: readonly HistoryRecord[], dayStartMs: number, agents: Iterable<string> | undefined): DaySeries {
    const s = new DaySeries(dayStartMs, agents);
    s.add([...records].sort((a, b) => a.t - b.t));
    return s;
  }

  /** Several series of one day added up (each gateway's apart, so a change is an agent's on its own gateway): what `mergeSeries` makes of them. */
  static sum(series: readonly DaySeries[], dayStartMs: number): DaySeries {
    const s = new DaySeries(dayStartMs, undefined);
    for (const x of series) {
      if (x.dayStartMs !== dayStartMs) throw new RangeError('series of different days');
      for (let m = 0; m < s.talk.length; m++) {
        s.answered[m] += x.answered[m];
        s.outbound[m] += x.outbound[m];
        s.talk[m] += x.talk[m];
      }
      if (x.first !== undefined) s.span(x.first);
      if (x.last !== undefined) s.span(x.last);
    }
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
