import * as vscode from 'vscode';
import { dayKey, dayStart, type HistoryStore } from '../../../core/history/historyStore';
import { mergeSeries } from '../../../core/history/daySeries';
import { DayTrends, type TrendPart } from '../../../core/history/dayTrends';
import { BUCKET_MS, buildQueueTrend } from '../../../core/history/trend';
import { chooseBucketMs, type BucketMs } from '../../../core/history/trendChart';
import type { TrendData } from '../../../core/history/trendData';
import { parseWebviewMessage, type ExtensionToWebview } from '../../../webview/protocol';
import type { AgentMonitor } from '../../gateways/agentMonitor';
import type { WebviewTap } from '../../testHooks';
import { escapeHtml, nonce, webviewPage } from './webviewHtml';

export type { TrendData };
export type TrendTarget = { readonly kind: 'agent'; readonly agentId: string } | { readonly kind: 'team'; readonly team: string } | { readonly kind: 'total' } | { readonly kind: 'queue'; readonly queueId: number };

/** "per minute", "per 5 minutes", "per 15 minutes" (a phrase inside sentences of the page). */
function perBucket(ms: BucketMs): string {
  return ms === 60_000 ? vscode.l10n.t('per minute') : ms === 5 * 60_000 ? vscode.l10n.t('per 5 minutes') : vscode.l10n.t('per 15 minutes');
}

const keyOf = (t: TrendTarget) => (t.kind === 'agent' ? `agent:${t.agentId}` : t.kind === 'team' ? `team:${t.team}` : t.kind === 'queue' ? `queue:${t.queueId}` : 'total');

/**
 * Show Trend: one webview panel per agent, team or the total, with the day's chart
 * and table, updated live as the history records changes. Strict CSP with a nonce;
 * only dist/ is a local resource; the page keeps its data with setState.
 */
export class TrendPanels implements vscode.Disposable {
  private readonly panels = new Map<string, { panel: vscode.WebviewPanel; target: TrendTarget; timer?: ReturnType<typeof setTimeout> }>();
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The data last posted per panel (tests read it back). */
  readonly lastData = new Map<string, TrendData>();
  /** The page of the last panel opened (tests check its CSP and that no Guid is in it). */
  lastHtml = '';
  /** Each open panel's day, per gateway, counted from only the records appended since its last update. */
  readonly trends: DayTrends;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly monitor: AgentMonitor,
    private readonly history: HistoryStore,
    /** Test mode only: sees every page and message as it is handed to the webview. */
    private readonly tap?: WebviewTap,
    /** Where a message the page should not have sent is noted (debug level). */
    private readonly log?: Pick<vscode.LogOutputChannel, 'debug'>,
    /**
     * The panels of every gateway together. Given, this instance shows the total of
     * these gateways' watched agents (and nothing else); `monitor` only lends its settings.
     */
    private readonly scope?: () => readonly { readonly origin: string; readonly agents: readonly string[] }[],
  ) {
    this.trends = new DayTrends(history);
    this.subscriptions.push(
      history.onDidRecord(({ origin, agentId }) => {
        // Fired once per line written: while every panel has its update pending (or none is open), nothing to check.
        if (!this.anyIdle()) return;
        if (this.scope) {
          if (!agentId.startsWith('q') && this.scope().some((g) => g.origin === origin && g.agents.includes(agentId))) for (const key of this.panels.keys()) this.schedule(key);
          return;
        }
        if (origin !== this.monitor.settings.origin) return;
        // Queue samples are recorded as `q<id>`.
        for (const [key, p] of this.panels) if (!p.timer && (p.target.kind === 'queue' ? agentId === `q${p.target.queueId}` : !agentId.startsWith('q') && this.agentsOf(p.target).has(agentId))) this.schedule(key);
      }),
    );
  }

  /** Whether a panel is open without an update pending. */
  private anyIdle(): boolean {
    for (const p of this.panels.values()) if (!p.timer) return true;
    return false;
  }

  show(target: TrendTarget): void {
    const key = keyOf(target);
    const existing = this.panels.get(key);
    if (existing) {
      existing.panel.reveal();
      return;
    }
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    const panel = vscode.window.createWebviewPanel('ccGateway.trend', this.title(target), { viewColumn: vscode.ViewColumn.Active, preserveFocus: true }, { enableScripts: true, localResourceRoots: [dist] });
    const n = nonce();
    const w = panel.webview;
    const html = webviewPage({
      lang: vscode.env.language,
      title: this.title(target),
      cspSource: w.cspSource,
      nonce: n,
      scripts: true,
      head: `<link rel="stylesheet" href="${w.asWebviewUri(vscode.Uri.joinPath(dist, 'trendView.css')).toString()}">
<style nonce="${n}">
  .chart { width: 100%; max-width: 1100px; margin: 8px 0 16px; }
  .uplot, .u-legend { font-family: var(--vscode-font-family); color: var(--vscode-foreground); }
  p.legend { min-height: 1.4em; margin: 8px 0 0; font-variant-numeric: tabular-nums; }
  p.empty { max-width: 60em; margin: 16px 0; }
  .chart:focus-visible { outline: 1px solid var(--vscode-focusBorder); }
</style>`,
      body: `<main id="root" aria-live="polite"><p class="meta">${escapeHtml(vscode.l10n.t('Loading the trend…'))}</p></main>
<script nonce="${n}" src="${w.asWebviewUri(vscode.Uri.joinPath(dist, 'trendView.js')).toString()}"></script>`,
    });
    this.lastHtml = html;
    w.html = html;
    this.tap?.(key, 'html', html);
    const entry = { panel, target };
    this.panels.set(key, entry);
    panel.onDidDispose(() => {
      clearTimeout(this.panels.get(key)?.timer);
      this.panels.delete(key);
      this.trends.forget(key);
    });
    w.onDidReceiveMessage((m: unknown) => this.receive(key, m));
  }

  /** A message from the page of `key`, checked against the protocol; anything else is ignored with a debug line. */
  receive(key: string, raw: unknown): void {
    const r = parseWebviewMessage(raw);
    if (!r.ok) {
      this.log?.debug(`trend ${key}: ignored a webview message: ${r.reason}`);
      this.tap?.(key, 'ignored', r.reason);
      return;
    }
    // 'ready' comes on every load, also after the panel was hidden and shown again; 'refresh' asks for the same.
    void this.post(key);
  }

  /** The data the panel shows now (and for tests). */
  async data(target: TrendTarget): Promise<TrendData> {
    const day = dayKey(Date.now());
    const gateways = this.scope?.();
    // Several gateways: each one's series apart (101 may be watched on two), merged.
    const origin = gateways ? vscode.l10n.t('{0} gateways', gateways.length) : (this.monitor.settings.origin ?? '');
    if (target.kind === 'queue' && !gateways) return this.queueData(target.queueId, origin, day);
    const own = this.monitor.settings.origin;
    const parts: readonly TrendPart[] = gateways ?? (own ? [{ origin: own, agents: [...this.agentsOf(target)] }] : []);
    const key = keyOf(target);
    const total = await this.trends.total(key, parts, day);
    // Only an open panel keeps its series (a test may ask for the data of a target never shown).
    if (!this.panels.has(key)) this.trends.forget(key);
    // The chart and the rows count from different points; the page says which.
    const { first, last } = total;
    // Early in a shift the axis starts at the first record with smaller buckets (trendChart.ts).
    const bucketMs = chooseBucketMs(first, last);
    const trend = mergeSeries([total], dayStart(day), bucketMs);
    const date = new Date(dayStart(day)).toLocaleDateString(vscode.env.language);
    const per = perBucket(bucketMs);
    return {
      ...trend,
      bucketMs,
      title: this.title(target),
      subtitle:
        first === undefined
          ? vscode.l10n.t('{0} · {1} · calls {2}', date, origin, per)
          : vscode.l10n.t('{0} · {1} · calls {2}, counted from {3}, when this machine started recording them; the rows count since each agent signed in, so their totals are larger.', date, origin, per, new Date(first).toLocaleTimeString(vscode.env.language, { hour: 'numeric', minute: '2-digit' })),
      lang: vscode.env.language,
      words: {
        answered: vscode.l10n.t('Answered'),
        outbound: vscode.l10n.t('Outbound'),
        talk: vscode.l10n.t('Talk time (cumulative)'),
        interval: vscode.l10n.t('Interval'),
        caption: vscode.l10n.t('The chart\'s numbers {0}', per),
        empty: vscode.l10n.t('Nothing recorded today yet for these agents. Answered and outbound calls and talk time appear here from the first change of their counters this window sees while it watches them (every {0} s); until an hour has been recorded, the chart counts per minute or per 5 minutes.', Math.round(this.monitor.settings.pollIntervalMs / 1000)),
        calls: vscode.l10n.t('Calls'),
        hours: vscode.l10n.t('Talk time (h)'),
        chartLabel: vscode.l10n.t('Chart of answered and outbound calls {0} and cumulative talk time; the same numbers are in the table below.', per),
        legendHint: vscode.l10n.t('Point at the chart, or focus it and use the arrow keys, to read an interval\'s numbers; without that, the latest interval\'s are shown.'),
      },
    };
  }

  /** A queue's day from its samples: the most calls waiting and the longest wait per 15 minutes. */
  private async queueData(queueId: number, origin: string, day: string): Promise<TrendData> {
    const records = origin ? await this.history.readQueueDay(origin, day, queueId) : [];
    const trend = buildQueueTrend(records, dayStart(day));
    return {
      buckets: trend.buckets,
      bucketMs: BUCKET_MS,
      answered: [],
      outbound: [],
      talkCumulative: [],
      queue: {
        waitingMax: trend.waitingMax,
        longestWaitMax: trend.longestWaitMax,
        words: { waiting: vscode.l10n.t('Most calls waiting'), longest: vscode.l10n.t('Longest wait'), minutes: vscode.l10n.t('Longest wait (min)') },
      },
      title: this.title({ kind: 'queue', queueId }),
      subtitle: vscode.l10n.t('{0} · {1} · the most calls waiting and the longest wait seen per 15 minutes, from the samples of the day', new Date(dayStart(day)).toLocaleDateString(vscode.env.language), origin),
      lang: vscode.env.language,
      words: {
        answered: '',
        outbound: '',
        talk: '',
        interval: vscode.l10n.t('Interval'),
        caption: vscode.l10n.t('The chart\'s numbers {0}', perBucket(BUCKET_MS)),
        empty: vscode.l10n.t('No samples of this queue recorded today yet. The chart fills in while the queue is shown.'),
        calls: vscode.l10n.t('Calls'),
        hours: '',
        chartLabel: vscode.l10n.t('Chart of the most calls waiting and the longest wait per 15 minutes; the same numbers are in the table below.'),
        legendHint: vscode.l10n.t('Point at the chart, or focus it and use the arrow keys, to read an interval\'s numbers; without that, the latest interval\'s are shown.'),
      },
    };
  }

  private agentsOf(target: TrendTarget): Set<string> {
    if (target.kind === 'queue') return new Set();
    if (target.kind === 'agent') return new Set([target.agentId]);
    const s = this.monitor.settings;
    if (target.kind === 'total') return new Set(s.agents);
    if (target.team === '') {
      const inTeam = new Set(s.teams.flatMap((t) => t.agents));
      return new Set(s.agents.filter((a) => !inTeam.has(a)));
    }
    return new Set(s.teams.find((t) => t.name === target.team)?.agents ?? []);
  }

  private title(target: TrendTarget): string {
    if (target.kind === 'agent') return vscode.l10n.t('Trend: agent {0}', target.agentId);
    if (target.kind === 'team') return vscode.l10n.t('Trend: {0}', target.team === '' ? vscode.l10n.t('Other') : target.team);
    if (target.kind === 'queue') {
      const e = this.monitor.queues.get(target.queueId);
      return vscode.l10n.t('Trend: queue {0}', e?.name ?? String(target.queueId));
    }
    return this.scope ? vscode.l10n.t('Trend: all gateways') : vscode.l10n.t('Trend: all watched agents');
  }

  private schedule(key: string): void {
    const p = this.panels.get(key);
    if (!p || p.timer) return;
    p.timer = setTimeout(() => {
      p.timer = undefined;
      void this.post(key);
    }, 300);
  }

  private async post(key: string): Promise<void> {
    const p = this.panels.get(key);
    if (!p) return;
    const data = await this.data(p.target);
    this.lastData.set(key, data);
    if (!p.panel.visible) return;
    const message: ExtensionToWebview = { type: 'trend', data };
    this.tap?.(key, 'message', message);
    void p.panel.webview.postMessage(message);
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    for (const p of [...this.panels.values()]) p.panel.dispose();
    this.panels.clear();
  }
}
