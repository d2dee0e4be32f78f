import * as vscode from 'vscode';
import { detailRows } from '../../core/supervisor/detailNames';
import type { WebviewTap } from '../testHooks';
import { escapeHtml, nonce, webviewPage } from './webviewHtml';

/** The drill-down as a readable table in a webview without scripts; one panel per agent, reused. */
export class DetailsPanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();
  /** The last page shown per agent (tests read it back). */
  readonly lastHtml = new Map<string, string>();

  /** `tap`, in test mode only, sees every page as it is handed to the webview. */
  constructor(private readonly tap?: WebviewTap) {}

  show(agentId: string, details: Readonly<Record<string, number>>, origin: string, fetchedAt: Date): void {
    const title = vscode.l10n.t('Agent {0}: detailed statistics', agentId);
    let panel = this.panels.get(agentId);
    if (!panel) {
      panel = vscode.window.createWebviewPanel('ccGateway.details', title, { viewColumn: vscode.ViewColumn.Active, preserveFocus: true }, { enableScripts: false, enableCommandUris: ['ccGateway.showDetails'], localResourceRoots: [] });
      this.panels.set(agentId, panel);
      panel.onDidDispose(() => this.panels.delete(agentId));
    } else panel.reveal();
    panel.title = title;
    const rows = detailRows(details)
      .map((r) => `<tr><th scope="row">${escapeHtml(r.label)}</th><td class="num">${escapeHtml(r.value)}</td><td class="field">${escapeHtml(r.field)}</td></tr>`)
      .join('\n');
    const body = `<h1>${escapeHtml(title)}</h1>
<p><a href="command:ccGateway.showDetails?${encodeURIComponent(JSON.stringify([agentId]))}">${escapeHtml(vscode.l10n.t('Refresh'))}</a> · ${escapeHtml(vscode.l10n.t('A snapshot: the gateway asks not to poll this heavier interface, so it is fetched only when you refresh.'))}</p>
<p class="meta">${escapeHtml(vscode.l10n.t('Fetched {0} from {1}. The period is the gateway\'s (since sign-in or today, depending on its edition). Durations are h:mm:ss.', fetchedAt.toLocaleString(vscode.env.language), origin))}</p>
<table>
<caption>${escapeHtml(vscode.l10n.t('Counters of the statistics interface'))}</caption>
<thead><tr><th scope="col">${escapeHtml(vscode.l10n.t('Counter'))}</th><th scope="col" class="num">${escapeHtml(vscode.l10n.t('Value'))}</th><th scope="col">${escapeHtml(vscode.l10n.t('Gateway field'))}</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
    const html = webviewPage({ lang: vscode.env.language, title, cspSource: panel.webview.cspSource, nonce: nonce(), body });
    this.lastHtml.set(agentId, html);
    panel.webview.html = html;
    this.tap?.(`details:${agentId}`, 'html', html);
  }

  dispose(): void {
    for (const p of this.panels.values()) p.dispose();
    this.panels.clear();
  }
}
