import * as vscode from 'vscode';
import { escapeMarkdown, formatDuration } from '../../core/format/format';
import { totals } from '../../core/state/store';
import { attentionReasons, shownPresence } from '../../core/supervisor/supervisor';
import { formatWait, queueAttention } from '../../core/queues/queueThresholds';
import { queueName } from '../treeViews/queuesTreeProvider';
import { Disposable } from '../../core/util/lifecycle';
import type { AgentMonitor } from '../agentMonitor';
import { stateLabel } from '../treeViews/agentTooltip';
import { sessionLine } from '../treeViews/sessionRows';

const MAX_TOOLTIP_ROWS = 50;

/** One status-bar item with totals; coalesces bursts of store changes into one update. */
export class StatsStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private scheduled = false;

  constructor(private readonly monitor: AgentMonitor) {
    super();
    // An id and a name let users hide it from the status bar's context menu.
    this.item = this._register(vscode.window.createStatusBarItem('ccGateway.status', vscode.StatusBarAlignment.Left, 10));
    this.item.name = vscode.l10n.t('CC-Gateway Agent Statistics');
    this.item.command = 'ccGateway.agents.focus';
    const schedule = () => this.schedule();
    this._register(monitor.store.onDidChange(schedule));
    this._register(monitor.onDidChangeViewState(schedule));
    this._register(monitor.onDidChangeAuth(schedule));
    this._register(monitor.onDidChangeSettings(schedule));
    this._register(monitor.onDidChangeSession(schedule));
    this._register(monitor.onDidSwap(schedule));
    this._register(monitor.states.onDidChange(schedule));
    this._register(monitor.queues.onDidChange(schedule));
    this.update();
  }

  /** What the item shows right now (for tests; the UI test reads the DOM). */
  get snapshot(): { visible: boolean; text: string; label: string | undefined; warning: boolean } {
    return { visible: this.visible, text: this.item.text, label: this.item.accessibilityInformation?.label, warning: this.item.backgroundColor !== undefined };
  }

  private visible = false;
  /** Agents over a threshold at the last update (issue 13). */
  attentionCount = 0;

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setTimeout(() => {
      this.scheduled = false;
      if (!this.isDisposed) this.update();
    }, 50);
  }

  update(): void {
    const m = this.monitor;
    if (!m.settings.statusBarEnabled || m.viewState === 'noUrl' || m.viewState === 'noAgents') {
      this.item.hide();
      this.visible = false;
      return;
    }
    const warning = new vscode.ThemeColor('statusBarItem.warningBackground');
    if (m.viewState === 'badUrl' || m.viewState === 'noGuid') {
      this.item.text = m.viewState === 'noGuid' ? `$(key) ${vscode.l10n.t('CC-Gateway: Set Guid')}` : `$(warning) ${vscode.l10n.t('CC-Gateway: check URL')}`;
      this.item.tooltip = m.viewState === 'noGuid' ? vscode.l10n.t('No Guid is stored for {0}. Click to open the view and set one.', m.settings.origin ?? '') : m.settings.gatewayUrlProblem;
      this.item.backgroundColor = warning;
      this.item.accessibilityInformation = { label: this.item.text.replace(/\$\([^)]*\)\s*/g, '') };
      this.item.show();
      this.visible = true;
      return;
    }
    const entries = m.store.all();
    const t = totals(entries);
    const allFailing = entries.length > 0 && t.failing + t.needsGuid === entries.length && t.failing > 0;
    const needsUser = m.refusedCredentials.length > 0 || allFailing;
    const icon = m.refusedCredentials.length > 0 ? '$(key) ' : allFailing ? '$(warning) ' : m.isPaused ? '$(debug-pause) ' : '';
    // Issue 13: agents over a threshold are counted here; the warning background stays for what needs action (UX guidelines).
    const agentsOver = entries.filter((e) => attentionReasons(e, shownPresence(e, m.states.get(e.agentId)), m.settings.thresholds).length > 0).length;
    // Issue 18: current queue numbers add calls waiting; a queue over a threshold counts in the attention number.
    const queues = m.queues.all().filter((q) => q.state === 'ok' && q.stats);
    const waiting = queues.reduce((n, q) => n + q.stats!.waiting, 0);
    const longest = queues.reduce<{ s: number; name?: string }>((best, q) => (q.stats!.longestWaitSeconds > best.s ? { s: q.stats!.longestWaitSeconds, name: queueName(q) } : best), { s: 0 });
    const queuesOver = queues.filter((q) => queueAttention(q, m.settings.queueThresholds).length > 0).length;
    const attention = agentsOver + queuesOver;
    this.attentionCount = attention;
    const queuePart = queues.length > 0 ? ` $(inbox) ${waiting}` : '';
    this.item.text = `${icon}${queuePart ? `${queuePart.trim()} ` : ''}$(call-incoming) ${t.answernums} $(call-outgoing) ${t.calloutnums} $(clock) ${formatDuration(t.talktime)}${attention > 0 ? ` $(warning) ${attention}` : ''}`;
    this.item.backgroundColor = needsUser ? warning : undefined;
    const totalsLabel = vscode.l10n.t('CC-Gateway: {0} answered, {1} outbound, talk time {2}', t.answernums, t.calloutnums, formatDuration(t.talktime));
    const queueLabel = queues.length > 0 ? vscode.l10n.t('{0} calls waiting in {1} queues, longest wait {2}', waiting, queues.length, formatWait(longest.s)) : undefined;
    const attentionLabel = attention > 0 ? (queuesOver > 0 ? vscode.l10n.t('{0} agents and {1} queues need attention', agentsOver, queuesOver) : vscode.l10n.t('{0} agents need attention', attention)) : undefined;
    this.item.accessibilityInformation = { label: [totalsLabel, queueLabel, attentionLabel].filter(Boolean).join(', ') };
    const md = new vscode.MarkdownString('', true);
    md.isTrusted = false;
    md.appendMarkdown(`**CC-Gateway** · ${escapeMarkdown(m.settings.origin ?? '')}${m.isPaused ? ` · ${vscode.l10n.t('polling paused')}` : ''}\n\n`);
    if (m.refusedCredentials.length > 0) md.appendMarkdown(`$(key) ${vscode.l10n.t('The gateway refused the Guid: run **Set Guid…**.')}\n\n`);
    for (const [agentId, status] of m.sessions) md.appendMarkdown(`${escapeMarkdown(sessionLine(agentId, status, Date.now()))}\n\n`);
    if (queueLabel) md.appendMarkdown(`$(inbox) ${escapeMarkdown(queueLabel)}${longest.name ? ` (${escapeMarkdown(longest.name)})` : ''}\n\n`);
    if (attentionLabel) md.appendMarkdown(`$(warning) ${escapeMarkdown(attentionLabel)}\n\n`);
    const header = [vscode.l10n.t('Agent'), vscode.l10n.t('Answered'), vscode.l10n.t('Outbound'), vscode.l10n.t('Talk time'), vscode.l10n.t('State')];
    md.appendMarkdown(`| ${header.join(' | ')} |\n|---|--:|--:|--:|---|\n`);
    for (const e of entries.slice(0, MAX_TOOLTIP_ROWS)) {
      const s = e.stats;
      md.appendMarkdown(`| ${e.agentId} | ${s?.answernums ?? '–'} | ${s?.calloutnums ?? '–'} | ${s ? formatDuration(s.talktime) : '–'} | ${escapeMarkdown(stateLabel(e.state))} |\n`);
    }
    if (entries.length > MAX_TOOLTIP_ROWS) md.appendMarkdown(`\n${vscode.l10n.t('…and {0} more agents in the view.', entries.length - MAX_TOOLTIP_ROWS)}`);
    md.appendMarkdown(`\n\n${vscode.l10n.t('**Total** {0} answered · {1} outbound · {2}', t.answernums, t.calloutnums, formatDuration(t.talktime))}`);
    this.item.tooltip = md;
    this.item.show();
    this.visible = true;
  }
}
