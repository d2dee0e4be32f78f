// What the Show Trend chart shows, as pure functions (the webview bundle and the unit tests
// import them): the bucket size and the time axis for the data there is, and the legend's
// text for a bucket. No DOM and no vscode here.
import type { TrendData } from './trendData';

export const MINUTE_MS = 60_000;
/** Bucket sizes the chart uses: a minute, five minutes, a quarter hour. */
export const BUCKET_SIZES_MS = [MINUTE_MS, 5 * MINUTE_MS, 15 * MINUTE_MS] as const;
export type BucketMs = (typeof BUCKET_SIZES_MS)[number];

/**
 * Early in a shift a day's chart at 15 minutes is one or two thin bars: under 20 minutes
 * of records it counts per minute, under an hour per 5 minutes, from then on per 15
 * minutes (at most 100 buckets a day, and a bar per minute would be unreadable by noon).
 * `firstMs`/`lastMs`: the first and last record of the day shown (undefined: none yet).
 */
export function chooseBucketMs(firstMs: number | undefined, lastMs: number | undefined): BucketMs {
  if (firstMs === undefined || lastMs === undefined) return BUCKET_SIZES_MS[2];
  const span = Math.max(0, lastMs - firstMs);
  if (span < 20 * MINUTE_MS) return BUCKET_SIZES_MS[0];
  if (span < 60 * MINUTE_MS) return BUCKET_SIZES_MS[1];
  return BUCKET_SIZES_MS[2];
}

/**
 * The time axis in ms: from the start of the first bucket (the first record's) to the end of
 * the last, never the start of the day. Each bar stands inside its interval (barX), so none
 * is cut at an edge. An empty day has no axis.
 */
export function axisRange(buckets: readonly number[], bucketMs: number): [number, number] | undefined {
  if (buckets.length === 0) return undefined;
  return [buckets[0], buckets[buckets.length - 1] + bucketMs];
}

/** Where a bucket's bars stand: the middle of its interval, so a bar sits on its minute, between the ticks that bound it. */
export function barX(bucketStartMs: number, bucketMs: number): number {
  return bucketStartMs + bucketMs / 2;
}

/** Tick steps of the time axis, in minutes: each a whole number of minutes, so no two ticks read the same hh:mm. */
const TICK_STEPS_MIN = [1, 2, 5, 10, 15, 30, 60, 120, 180, 240, 360, 720] as const;

/**
 * The time axis' ticks (ms) for a chart `widthPx` wide: on interval boundaries in local time,
 * a step of at least one bucket, wide enough that labels `labelPx` wide never touch. Labels
 * (hm) are unique because ticks are at least a minute apart on whole local minutes.
 * `offsetMinutes`: the local offset from UTC at the range's start (Date#getTimezoneOffset, negated).
 */
export function axisTicks(range: readonly [number, number], bucketMs: number, widthPx: number, labelPx = 56, offsetMinutes = -new Date(range[0]).getTimezoneOffset()): number[] {
  const [from, to] = range;
  if (!(to > from) || widthPx <= 0) return [];
  const bucketMin = Math.max(1, Math.round(bucketMs / MINUTE_MS));
  const fits = (stepMin: number) => ((to - from) / (stepMin * MINUTE_MS)) * labelPx <= widthPx;
  const stepMin = TICK_STEPS_MIN.find((s) => s >= bucketMin && s % bucketMin === 0 && fits(s)) ?? TICK_STEPS_MIN[TICK_STEPS_MIN.length - 1];
  const step = stepMin * MINUTE_MS;
  const offset = offsetMinutes * MINUTE_MS;
  const ticks: number[] = [];
  for (let t = Math.ceil((from + offset) / step) * step - offset; t <= to; t += step) ticks.push(t);
  return ticks;
}

/** 09:05 in the local time of whoever runs it (the webview: the user's). */
export function hm(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** Seconds as h:mm:ss. */
export function hms(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** A bucket's interval, e.g. 09:05–09:10. */
export function intervalLabel(bucketStartMs: number, bucketMs: number): string {
  return `${hm(bucketStartMs)}–${hm(bucketStartMs + bucketMs)}`;
}

export interface LegendValue {
  readonly label: string;
  readonly value: string;
}

/** What the legend shows: the interval and each series' value of one bucket. */
export interface Legend {
  readonly interval: string;
  readonly values: readonly LegendValue[];
}

/**
 * The legend for the hovered (or keyboard-selected) bucket; without one, or with an index
 * outside the data, the latest bucket's, so it never reads "–" while there are numbers.
 * Undefined when there is no bucket at all (the page shows its empty state instead).
 */
export function legendAt(d: TrendData, index: number | null | undefined): Legend | undefined {
  const n = d.buckets.length;
  if (n === 0) return undefined;
  const i = index !== null && index !== undefined && Number.isInteger(index) && index >= 0 && index < n ? index : n - 1;
  const interval = intervalLabel(d.buckets[i], d.bucketMs);
  const q = d.queue;
  if (q) return { interval, values: [{ label: q.words.waiting, value: String(q.waitingMax[i] ?? 0) }, { label: q.words.longest, value: hms(q.longestWaitMax[i] ?? 0) }] };
  return {
    interval,
    values: [
      { label: d.words.answered, value: String(d.answered[i] ?? 0) },
      { label: d.words.outbound, value: String(d.outbound[i] ?? 0) },
      { label: d.words.talk, value: hms(d.talkCumulative[i] ?? 0) },
    ],
  };
}

/** The legend as one line (what a screen reader hears when the selection moves). */
export function legendText(legend: Legend): string {
  return [legend.interval, ...legend.values.map((v) => `${v.label} ${v.value}`)].join(' · ');
}
