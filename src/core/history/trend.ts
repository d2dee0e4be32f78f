import { dayWindowAt } from './day';
import type { HistoryRecord, QueueHistoryRecord } from './historyFormat';

export const BUCKET_MS = 15 * 60_000;

/** A day's trend of a set of agents: per 15 minutes, calls answered and placed; talk time cumulated. */
export interface Trend {
  /** Start of each bucket (ms). */
  readonly buckets: number[];
  readonly answered: number[];
  readonly outbound: number[];
  /** Talk time (s) cumulated from the first record of the day to the end of each bucket. */
  readonly talkCumulative: number[];
}

/**
 * Changes between consecutive records of one agent are put in the bucket of the later
 * record. The first record of an agent that day is its baseline (what happened before it
 * is not known in time). Counters that go down were reset by a new sign-in: the new value
 * counts as the change. Buckets run from the first to the last record's.
 * Only records inside the day count (a torn fragment glued to the next line can read as
 * a time centuries away), so there are at most a day's worth of buckets (25 h: 100 of 15 min).
 */
export function buildTrend(records: readonly HistoryRecord[], agents: ReadonlySet<string> | undefined, dayStartMs: number, bucketMs = BUCKET_MS): Trend {
  const prev = new Map<string, HistoryRecord>();
  const deltas = new Map<number, { a: number; o: number; s: number }>();
  let first: number | undefined;
  let last: number | undefined;
  const day = dayWindowAt(dayStartMs);
  for (const r of [...records].sort((x, y) => x.t - y.t)) {
    if (agents && !agents.has(r.agentId)) continue;
    if (r.t < day.start || r.t >= day.end) continue;
    const b = Math.floor((r.t - dayStartMs) / bucketMs);
    first = first === undefined ? b : Math.min(first, b);
    last = last === undefined ? b : Math.max(last, b);
    const p = prev.get(r.agentId);
    prev.set(r.agentId, r);
    if (!p) continue;
    const d = deltas.get(b) ?? { a: 0, o: 0, s: 0 };
    d.a += r.answernums >= p.answernums ? r.answernums - p.answernums : r.answernums;
    d.o += r.calloutnums >= p.calloutnums ? r.calloutnums - p.calloutnums : r.calloutnums;
    d.s += r.talktime >= p.talktime ? r.talktime - p.talktime : r.talktime;
    deltas.set(b, d);
  }
  const trend: Trend = { buckets: [], answered: [], outbound: [], talkCumulative: [] };
  if (first === undefined || last === undefined) return trend;
  let talk = 0;
  for (let b = first; b <= last; b++) {
    const d = deltas.get(b) ?? { a: 0, o: 0, s: 0 };
    talk += d.s;
    trend.buckets.push(dayStartMs + b * bucketMs);
    trend.answered.push(d.a);
    trend.outbound.push(d.o);
    trend.talkCumulative.push(talk);
  }
  return trend;
}

/** A queue's day: per 15 minutes, the most calls waiting and the longest wait seen in its samples. */
export interface QueueTrend {
  readonly buckets: number[];
  readonly waitingMax: number[];
  readonly longestWaitMax: number[];
}

/** Buckets run from the first to the last sample's; a bucket without a sample shows 0 (nothing was seen waiting). */
export function buildQueueTrend(records: readonly QueueHistoryRecord[], dayStartMs: number, bucketMs = BUCKET_MS): QueueTrend {
  const byBucket = new Map<number, { w: number; l: number }>();
  let first: number | undefined;
  let last: number | undefined;
  for (const r of records) {
    const b = Math.max(0, Math.floor((r.t - dayStartMs) / bucketMs));
    first = first === undefined ? b : Math.min(first, b);
    last = last === undefined ? b : Math.max(last, b);
    const cur = byBucket.get(b) ?? { w: 0, l: 0 };
    byBucket.set(b, { w: Math.max(cur.w, r.waiting), l: Math.max(cur.l, r.longestWaitSeconds) });
  }
  const trend: QueueTrend = { buckets: [], waitingMax: [], longestWaitMax: [] };
  if (first === undefined || last === undefined) return trend;
  for (let b = first; b <= last; b++) {
    const v = byBucket.get(b) ?? { w: 0, l: 0 };
    trend.buckets.push(dayStartMs + b * bucketMs);
    trend.waitingMax.push(v.w);
    trend.longestWaitMax.push(v.l);
  }
  return trend;
}
