/** What the Show Trend webview gets (src/webview/trendView.ts renders it; the extension's trendPanel.ts sends it). */
export interface TrendData {
  readonly title: string;
  readonly subtitle: string;
  readonly lang: string;
  readonly buckets: number[];
  /** The bucket size in ms (trendChart.ts chooses it: a minute, 5 or 15 minutes). */
  readonly bucketMs: number;
  readonly answered: number[];
  readonly outbound: number[];
  readonly talkCumulative: number[];
  readonly words: Record<'answered' | 'outbound' | 'talk' | 'interval' | 'caption' | 'empty' | 'calls' | 'hours' | 'chartLabel' | 'legendHint', string>;
  /** A queue's trend instead of agents' counters (then answered/outbound/talkCumulative are empty). */
  readonly queue?: {
    readonly waitingMax: number[];
    readonly longestWaitMax: number[];
    readonly words: Record<'waiting' | 'longest' | 'minutes', string>;
  };
}
