import * as vscode from 'vscode';
import { escapeMarkdown, formatDuration, needAttentionCount, notCurrentText, timeInStateText } from '../../../core/format/format';
import { plainWords } from '../../../core/format/plainWords';
import { totals, type AgentEntry } from '../../../core/monitor/statsStore';
import { presenceLabel } from '../../../core/supervisor/agentState';
import { attentionReasons, shownPresence, type AttentionReason } from '../../../core/supervisor/supervisor';
import { formatWait, queueAttention } from '../../../core/supervisor/queueThresholds';
import { queueName } from '../trees/queuesTreeProvider';
import { Disposable } from '../../../core/util/lifecycle';
import type { AgentMonitor } from '../../gateways/agentMonitor';
import type { StateTimes } from '../../gateways/stateTimes';
import type { Gateways } from '../../gateways/gateways';
import { summarize } from '../../gateways/gatewaySummary';
import { UnitListeners } from '../../gateways/unitListeners';
import { clockTime } from '../trees/agentTooltip';
import { conditionLabel } from '../conditionWords';
import { sessionLine } from '../trees/sessionRows';

const MAX_TOOLTIP_ROWS = 50;

/** One status-bar item with totals; coalesces bursts of store changes into one update. */
export class StatsStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private scheduled = false;

  /** Origins where a session was signed out in this window and none came back: nothing is wrong there. */
  private readonly signedOut = new Set<string>();

  constructor(private readonly gateways: Gateways) {
    super();
    // An id and a name let users hide it from the status bar's context menu.
    this.item = this._register(vscode.window.createStatusBarItem('ccGateway.status', vscode.StatusBarAlignment.Left, 10));
    this.item.name = vscode.l10n.t('CC-Gateway Agent Statistics');
    this.item.command = 'ccGateway.agents.focus';
    const schedule = () => this.schedule();
    // Every gateway's changes, and gateways that come and go.
    const listeners = this._register(new UnitListeners(gateways));
    listeners.on((u) => [u.monitor.core.store.onDidChange, u.monitor.core.onDidChangeViewState, u.monitor.core.onDidChangeAuth, u.monitor.core.status.onDidChange, u.monitor.onDidChangeSettings, u.stateTimes.onDidChange, u.monitor.core.onDidSwap, u.monitor.queues.onDidChange, u.monitor.core.states.onDidChange], schedule);
    listeners.on(
      (u) => [
        (l: (e: unknown) => unknown) =>
          u.monitor.core.onDidChangeSession(({ status }) => {
            const origin = u.monitor.settings.origin;
            if (origin && status.kind === 'signed-out') this.signedOut.add(origin);
            else if (origin && status.kind === 'signed-in') this.signedOut.delete(origin);
            l(undefined);
          }),
      ],
      schedule,
    );
    this.update();
  }

  private get monitor(): AgentMonitor {
    return this.gateways.primary.monitor;
  }

  private get stateTimes(): StateTimes {
    return this.gateways.primary.stateTimes;
  }

  /** What the item shows right now (for tests; the UI test reads the DOM). */
  get snapshot(): { visible: boolean; text: string; label: string | undefined; warning: boolean } {
    return { visible: this.visible, text: this.item.text, label: this.item.accessibilityInformation?.label, warning: this.item.backgroundColor !== undefined };
  }

  private visible = false;
  /** Agents over a threshold at the last update. */
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
    if (this.gateways.list.length > 1) return this.updateSeveral();
    const m = this.monitor;
    if (!m.settings.statusBarEnabled || m.core.viewState === 'noUrl' || m.core.viewState === 'noAgents') {
      this.item.hide();
      this.visible = false;
      return;
    }
    const warning = new vscode.ThemeColor('statusBarItem.warningBackground');
    if (m.core.viewState === 'badUrl' || m.core.viewState === 'noGuid') {
      // Nobody signed in is a step to take, not a failure: no warning colour (and none at all after a deliberate Sign Out).
      const signedOut = m.core.viewState === 'noGuid' && this.signedOut.has(m.settings.origin ?? '');
      this.item.text =
        m.core.viewState === 'badUrl' ? `$(warning) ${vscode.l10n.t('CC-Gateway: check URL')}`
        : signedOut ? `$(account) ${vscode.l10n.t('CC-Gateway: signed out')}`
        : `$(sign-in) ${vscode.l10n.t('CC-Gateway: Sign In')}`;
      this.item.tooltip =
        m.core.viewState === 'badUrl' ? m.settings.gatewayUrlProblem
        : signedOut ? vscode.l10n.t('You signed out of {0}. Click to open the view and sign in again.', m.settings.origin ?? '')
        : vscode.l10n.t('Nobody is signed in at {0}. Click to open the view and sign in.', m.settings.origin ?? '');
      this.item.backgroundColor = m.core.viewState === 'badUrl' ? warning : undefined;
      this.item.accessibilityInformation = { label: this.item.text.replace(/\$\([^)]*\)\s*/g, '') };
      this.item.show();
      this.visible = true;
      return;
    }
    const entries = m.core.store.all();
    const t = totals(entries);
    // Everything below comes from the gateway's model: what is current, why not, and who must act.
    const fresh = m.core.status.group(entries.map((e) => e.agentId));
    const reach = m.core.status.reach;
    const down = reach.kind === 'unreachable' ? (reach.lastAnswer !== undefined ? { lastAnswer: reach.lastAnswer } : {}) : undefined;
    // The gateway not answering, a session signing in again: cured by the extension itself, not a warning colour.
    const needsUser = m.core.refusedCredentials.length > 0 || fresh.mustAct > 0;
    const stale = fresh.notCurrent > 0;
    const icon = m.core.refusedCredentials.length > 0 ? '$(key) ' : stale ? '$(history) ' : m.core.isPaused ? '$(debug-pause) ' : '';
    // Agents over a threshold are counted here; the warning background stays for what needs action (UX guidelines).
    const reasons = new Map<string, AttentionReason[]>();
    for (const e of entries) {
      const presence = shownPresence(e, m.core.states.get(e.agentId));
      const reading = this.stateTimes?.reading(e.agentId);
      const r = attentionReasons(e, presence, m.settings.thresholds, reading && reading.presence === presence ? reading : undefined);
      if (r.length) reasons.set(e.agentId, r);
    }
    // Current queue numbers add calls waiting; a queue over a threshold counts in the attention number.
    const queues = m.queues.all().filter((q) => q.state === 'ok' && q.stats);
    const waiting = queues.reduce((n, q) => n + q.stats!.waiting, 0);
    const longest = queues.reduce<{ s: number; name?: string }>((best, q) => (q.stats!.longestWaitSeconds > best.s ? { s: q.stats!.longestWaitSeconds, name: queueName(q) } : best), { s: 0 });
    const queuesOver = queues.filter((q) => queueAttention(q, m.settings.queueThresholds).length > 0);
    const agentsOver = reasons.size;
    const attention = agentsOver + queuesOver.length;
    this.attentionCount = attention;
    // The numbers named with the rows' signs (↓ answered, ↑ outbound, ⚠ needs attention) and words, readable without hovering.
    this.item.text = statusText(icon, stale ? notCurrentText(fresh.asOf !== undefined ? clockTime(fresh.asOf) : undefined) : undefined, queues.length > 0 ? waiting : undefined, t, attention);
    this.item.backgroundColor = needsUser ? warning : undefined;
    const totalsLabel = vscode.l10n.t('CC-Gateway: {0} answered, {1} outbound, talk time {2}', t.answernums, t.calloutnums, formatDuration(t.talktime));
    const staleLabel = stale ? (fresh.asOf !== undefined ? vscode.l10n.t('numbers as of {0}, not current', clockTime(fresh.asOf)) : notCurrentText(undefined)) : undefined;
    const queueLabel = queues.length > 0 ? vscode.l10n.t('{0} calls waiting in {1} queues, longest wait {2}', waiting, queues.length, formatWait(longest.s)) : undefined;
    const attentionLabel = attention > 0 ? (queuesOver.length > 0 ? vscode.l10n.t('{0} agents and {1} queues need attention', agentsOver, queuesOver.length) : needAttentionCount(attention)) : undefined;
    this.item.accessibilityInformation = {
      label: [totalsLabel, queueLabel, staleLabel, attentionLabel].filter(Boolean).join(', '),
    };
    const md = new vscode.MarkdownString('', true);
    md.isTrusted = false;
    md.appendMarkdown(`**CC-Gateway** · ${escapeMarkdown(m.settings.origin ?? '')}${m.core.isPaused ? ` · ${vscode.l10n.t('polling paused')}` : ''}\n\n`);
    if (m.core.refusedCredentials.length > 0) md.appendMarkdown(`$(key) ${vscode.l10n.t('The gateway refused the Guid: run **Set Guid…**.')}\n\n`);
    if (down) md.appendMarkdown(`$(history) ${escapeMarkdown(vscode.l10n.t('The gateway does not answer; the numbers are those of {0}. The extension keeps trying by itself.', fresh.asOf !== undefined ? clockTime(fresh.asOf) : '–'))}\n\n`);
    else if (stale) md.appendMarkdown(`$(history) ${escapeMarkdown(fresh.notCurrent === 1 ? vscode.l10n.t('Not current: 1 agent could not be updated. {0}', '') : vscode.l10n.t('Not current: {0} agents could not be updated. {1}', fresh.notCurrent, ''))}\n\n`);
    for (const [agentId, status] of m.core.sessions) md.appendMarkdown(`${escapeMarkdown(sessionLine(agentId, status, Date.now(), down))}\n\n`);
    if (queueLabel) md.appendMarkdown(`$(inbox) ${escapeMarkdown(queueLabel)}${longest.name ? ` (${escapeMarkdown(longest.name)})` : ''}\n\n`);
    if (attention > 0) {
      md.appendMarkdown(`$(warning) ${escapeMarkdown(attentionLabel ?? '')}:\n\n`);
      for (const [agentId, r] of [...reasons].slice(0, MAX_TOOLTIP_ROWS)) md.appendMarkdown(`- ${escapeMarkdown(vscode.l10n.t('Agent {0}', agentId))}: ${escapeMarkdown(r.map((x) => x.text).join(' '))}\n`);
      for (const q of queuesOver.slice(0, MAX_TOOLTIP_ROWS)) md.appendMarkdown(`- ${escapeMarkdown(queueName(q))}: ${escapeMarkdown(queueAttention(q, m.settings.queueThresholds).join(' '))}\n`);
      md.appendMarkdown('\n');
    }
    const header = [vscode.l10n.t('Agent'), vscode.l10n.t('State'), vscode.l10n.t('Answered'), vscode.l10n.t('Outbound'), vscode.l10n.t('Talk time')];
    md.appendMarkdown(`| ${header.join(' | ')} |\n|---|---|--:|--:|--:|\n`);
    for (const e of entries.slice(0, MAX_TOOLTIP_ROWS)) {
      const s = e.stats;
      md.appendMarkdown(`| ${e.agentId} | ${escapeMarkdown(this.stateWords(e))} | ${s?.answernums ?? '–'} | ${s?.calloutnums ?? '–'} | ${s ? formatDuration(s.talktime) : '–'} |\n`);
    }
    if (entries.length > MAX_TOOLTIP_ROWS) md.appendMarkdown(`\n${vscode.l10n.t('…and {0} more agents in the view.', entries.length - MAX_TOOLTIP_ROWS)}`);
    md.appendMarkdown(`\n\n${vscode.l10n.t('**Total** {0} answered · {1} outbound · {2}', t.answernums, t.calloutnums, formatDuration(t.talktime))}`);
    this.item.tooltip = md;
    this.item.show();
    this.visible = true;
  }

  /**
   * Totals over every gateway in the item, one line per gateway in the tooltip;
   * the attention count covers all; the warning colour when any gateway needs the user.
   */
  private updateSeveral(): void {
    const list = this.gateways.list.map((u) => ({ u, s: summarize(u) }));
    if (!this.monitor.settings.statusBarEnabled) {
      this.item.hide();
      this.visible = false;
      return;
    }
    const sum = list.reduce((a, { s }) => ({ answernums: a.answernums + s.totals.answernums, calloutnums: a.calloutnums + s.totals.calloutnums, talktime: a.talktime + s.totals.talktime, waiting: a.waiting + s.waiting, queues: a.queues + s.queues, attention: a.attention + s.attention }), { answernums: 0, calloutnums: 0, talktime: 0, waiting: 0, queues: 0, attention: 0 });
    const stale = list.some(({ s }) => s.fresh.notCurrent > 0 && s.fresh.asOf !== undefined);
    const needsUser = list.some(({ s }) => s.needsUser);
    this.attentionCount = sum.attention;
    const icon = needsUser ? '$(warning) ' : stale ? '$(history) ' : '';
    const oldest = list.reduce<number | undefined>((a, { s }) => (s.fresh.notCurrent > 0 && s.fresh.asOf !== undefined ? Math.min(a ?? s.fresh.asOf, s.fresh.asOf) : a), undefined);
    this.item.text = statusText(icon, stale ? notCurrentText(oldest !== undefined ? clockTime(oldest) : undefined) : undefined, sum.queues > 0 ? sum.waiting : undefined, sum, sum.attention);
    this.item.backgroundColor = needsUser ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const line = (s: (typeof list)[number]['s']) => vscode.l10n.t('{0}: {1} · {2} answered, {3} outbound, talk time {4}', s.name, plainWords(s.state).words, s.totals.answernums, s.totals.calloutnums, formatDuration(s.totals.talktime)) + (s.fresh.notCurrent > 0 && s.fresh.asOf !== undefined ? ` · ${vscode.l10n.t('numbers as of {0}, not current', clockTime(s.fresh.asOf))}` : '') + (s.attention > 0 ? ` · ${vscode.l10n.t('{0} need attention', s.attention)}` : '');
    this.item.accessibilityInformation = {
      label: [vscode.l10n.t('CC-Gateway, {0} gateways: {1} answered, {2} outbound, talk time {3}', list.length, sum.answernums, sum.calloutnums, formatDuration(sum.talktime)), ...list.map(({ s }) => line(s))].join('; '),
    };
    const md = new vscode.MarkdownString('', true);
    md.isTrusted = false;
    md.appendMarkdown(`**CC-Gateway** · ${escapeMarkdown(vscode.l10n.t('{0} gateways', list.length))}\n\n`);
    for (const { s } of list) md.appendMarkdown(`$(${s.needsUser ? 'warning' : 'server'}) ${escapeMarkdown(line(s))}\n\n`);
    md.appendMarkdown(`${vscode.l10n.t('**Total** {0} answered · {1} outbound · {2}', sum.answernums, sum.calloutnums, formatDuration(sum.talktime))}`);
    this.item.tooltip = md;
    this.item.show();
    this.visible = true;
  }

  /** The agent's state in words for the tooltip: what it is doing (and for how long), or why its numbers are old. */
  private stateWords(e: AgentEntry): string {
    const c = this.monitor.core.status.agent(e.agentId);
    if (c.kind === 'not-current') return c.asOf !== undefined && !c.act ? vscode.l10n.t('not current (as of {0})', clockTime(c.asOf)) : conditionLabel(c);
    const presence = shownPresence(e, this.monitor.core.states.get(e.agentId));
    if (c.kind === 'signed-out' || presence === 'signedOut') return vscode.l10n.t('not signed in');
    if (!presence) return c.kind === 'loading' ? conditionLabel(c) : '–';
    const r = this.stateTimes?.reading(e.agentId);
    return r && r.presence === presence ? vscode.l10n.t('{0} for {1}', presenceLabel(presence), timeInStateText(r.seconds, r.atLeast)) : presenceLabel(presence);
  }
}

/** The item's text: "$(history) as of 1:50 · 3 waiting · ↓118 ↑61 · 2:24:34 · ⚠2", each number with the sign or word the rows use. */
export function statusText(icon: string, notCurrent: string | undefined, waiting: number | undefined, t: { answernums: number; calloutnums: number; talktime: number }, attention: number): string {
  const parts = [
    notCurrent,
    waiting !== undefined ? vscode.l10n.t('{0} waiting', waiting) : undefined,
    `↓${t.answernums} ↑${t.calloutnums}`,
    formatDuration(t.talktime),
    attention > 0 ? `⚠${attention}` : undefined,
  ];
  return `${icon}${parts.filter(Boolean).join(' · ')}`;
}
