import * as vscode from 'vscode';
import type { DetailedStatistics } from '../../../core/model/statistics';
import { LiveRefresh } from '../../../core/polling/liveRefresh';
import { detailRows } from '../../../core/supervisor/detailNames';
import { systemClock, type Clock } from '../../../core/util/clock';
import type { AgentId } from '../../../core/ids/agentId';
import { parseWebviewMessage, type DetailsData, type ExtensionToWebview } from '../../../webview/protocol';
import type { WebviewTap } from '../../testHooks';
import { escapeHtml, nonce, webviewPage } from './webviewHtml';

export interface DetailsDeps {
  readonly extensionUri: vscode.Uri;
  /** The heavier `statistics` request of one agent, through the connection (and its rate limiter). */
  /** The agent's numbers from the gateway (origin) the panel shows (several gateways). */
  readonly fetch: (agentId: AgentId, origin: string) => Promise<DetailedStatistics>;
  /** The poll interval: the panel refreshes at it while visible. */
  readonly intervalMs: () => number;
  readonly clock?: Clock;
  /** Test mode only: sees every page and message handed to the webview, and every message ignored. */
  readonly tap?: WebviewTap;
  readonly log?: Pick<vscode.LogOutputChannel, 'debug'>;
}

interface Panel {
  readonly agentId: AgentId;
  readonly panel: vscode.WebviewPanel;
  readonly refresh: LiveRefresh;
  last: { details: DetailedStatistics; at: Date };
  /** The gateway the numbers come from (as the command that opened the panel named it). */
  origin: string;
  failure?: { message: string; at: Date };
}

const clockTime = (d: Date) => d.toLocaleTimeString(vscode.env.language, { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/**
 * The drill-down as a readable table, one panel per agent, reused. It refreshes
 * itself at the poll interval while visible (LiveRefresh: nothing while hidden or after
 * close) and says when it was updated; the page gets its data by postMessage (protocol.ts).
 */
export class DetailsPanels implements vscode.Disposable {
  private readonly panels = new Map<string, Panel>();
  /** The last page per agent (tests check its CSP). */
  readonly lastHtml = new Map<string, string>();
  /** The data last handed to each agent's page (tests read it back). */
  readonly lastData = new Map<string, DetailsData>();

  constructor(private readonly deps: DetailsDeps) {}

  /** Shows numbers the command just fetched (and starts refreshing them while the panel is visible). */
  show(agentId: AgentId, details: DetailedStatistics, origin: string, fetchedAt: Date): void {
    let p = this.panels.get(agentId);
    if (!p) p = this.open(agentId, details, origin, fetchedAt);
    else {
      p.panel.reveal(undefined, true);
      p.last = { details, at: fetchedAt };
      p.origin = origin;
      p.failure = undefined;
    }
    p.refresh.ranAt(fetchedAt.getTime());
    this.post(agentId);
  }

  /** A message from the page of `agentId`, checked against the protocol; anything else is ignored with a debug line. */
  receive(agentId: string, raw: unknown): void {
    const r = parseWebviewMessage(raw);
    const p = this.panels.get(agentId);
    if (!r.ok) {
      this.deps.log?.debug(`details ${agentId}: ignored a webview message: ${r.reason}`);
      this.deps.tap?.(`details:${agentId}`, 'ignored', r.reason);
      return;
    }
    if (!p) return;
    if (r.message.type === 'ready') this.post(agentId);
    else p.refresh.refreshNow();
  }

  private open(agentId: AgentId, details: DetailedStatistics, origin: string, fetchedAt: Date): Panel {
    const dist = vscode.Uri.joinPath(this.deps.extensionUri, 'dist');
    const title = vscode.l10n.t('Agent {0}: detailed statistics', agentId);
    const panel = vscode.window.createWebviewPanel('ccGateway.details', title, { viewColumn: vscode.ViewColumn.Active, preserveFocus: true }, { enableScripts: true, localResourceRoots: [dist] });
    const n = nonce();
    const w = panel.webview;
    const html = webviewPage({
      lang: vscode.env.language,
      title,
      cspSource: w.cspSource,
      nonce: n,
      scripts: true,
      head: `<style nonce="${n}">
  p.stale { color: var(--vscode-errorForeground); }
  button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 4px 12px; cursor: pointer; }
  button:hover { background: var(--vscode-button-hoverBackground); }
</style>`,
      body: `<main id="root"><h1>${escapeHtml(title)}</h1><p class="meta">${escapeHtml(vscode.l10n.t('Loading the detailed statistics…'))}</p></main>
<script nonce="${n}" src="${w.asWebviewUri(vscode.Uri.joinPath(dist, 'detailsView.js')).toString()}"></script>`,
    });
    w.html = html;
    this.lastHtml.set(agentId, html);
    this.deps.tap?.(`details:${agentId}`, 'html', html);
    const refresh = new LiveRefresh({ intervalMs: this.deps.intervalMs, run: () => this.fetch(agentId), clock: this.deps.clock ?? systemClock, visible: panel.visible });
    const p: Panel = { agentId, panel, refresh, last: { details, at: fetchedAt }, origin };
    this.panels.set(agentId, p);
    panel.onDidChangeViewState((e) => refresh.setVisible(e.webviewPanel.visible));
    panel.onDidDispose(() => {
      refresh.dispose();
      if (this.panels.get(agentId) === p) this.panels.delete(agentId);
    });
    w.onDidReceiveMessage((m: unknown) => this.receive(agentId, m));
    return p;
  }

  private async fetch(agentId: string): Promise<void> {
    const p = this.panels.get(agentId);
    if (!p) return;
    try {
      const details = await this.deps.fetch(p.agentId, p.origin);
      p.last = { details, at: new Date() };
      p.failure = undefined;
    } catch (e) {
      // The numbers shown stay; the page says they could not be refreshed and why.
      p.failure = { message: e instanceof Error ? e.message : String(e), at: new Date() };
    }
    // A panel closed while its request was out: nothing to show it in.
    if (this.panels.get(agentId) === p) this.post(agentId);
  }

  private data(agentId: string, p: Panel): DetailsData {
    const seconds = Math.round(this.deps.intervalMs() / 1000);
    const updated = vscode.l10n.t('Updated at {0} from {1}; refreshes every {2} s while this panel is visible.', clockTime(p.last.at), p.origin, seconds);
    return {
      lang: vscode.env.language,
      title: vscode.l10n.t('Agent {0}: detailed statistics', agentId),
      status: p.failure ? vscode.l10n.t('Could not refresh at {0}: {1} The numbers are from {2}.', clockTime(p.failure.at), p.failure.message, clockTime(p.last.at)) : updated,
      stale: p.failure !== undefined,
      note: vscode.l10n.t('The gateway\'s heavier statistics interface, asked only while this panel is visible, once per poll interval, within the same per-agent request budget as the rows. The period is the gateway\'s (since sign-in or today, depending on its edition). Durations are h:mm:ss.'),
      caption: vscode.l10n.t('Counters of the statistics interface'),
      refresh: vscode.l10n.t('Refresh'),
      headers: { counter: vscode.l10n.t('Counter'), value: vscode.l10n.t('Value'), field: vscode.l10n.t('Gateway field') },
      rows: detailRows(p.last.details).map((r) => ({ label: r.label, value: r.value, field: r.field })),
    };
  }

  private post(agentId: string): void {
    const p = this.panels.get(agentId);
    if (!p) return;
    const data = this.data(agentId, p);
    this.lastData.set(agentId, data);
    // A hidden page is gone; it says 'ready' when shown again and gets the data then.
    if (!p.panel.visible) return;
    const message: ExtensionToWebview = { type: 'details', data };
    this.deps.tap?.(`details:${agentId}`, 'message', message);
    void p.panel.webview.postMessage(message);
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.panel.dispose();
    this.panels.clear();
  }
}
