import * as vscode from 'vscode';
import { escapeMarkdown, formatDuration, agentCount, notCurrentText } from '../../../core/format/format';
import { detailsLine, plainWords } from '../../../core/format/plainWords';
import { fitRow, rowBudgetPx, type RowPart } from '../../../core/format/rowFit';
import type { GatewayUnit } from '../../gateways/gatewayUnit';
import { summarize } from '../../gateways/gatewaySummary';
import { clockTime } from './agentTooltip';

/**
 * A gateway's own row (shown with two or more gateways): its name, its state in
 * words and its totals, fitted to the side bar like every other row; the tooltip in words.
 * `queues`: the row in the Queues view (calls waiting instead of the agents' counters).
 */
export function gatewayItem(unit: GatewayUnit, view: 'agents' | 'queues' = 'agents'): vscode.TreeItem {
  const s = summarize(unit);
  const item = new vscode.TreeItem(s.name, vscode.TreeItemCollapsibleState.Expanded);
  // Old numbers are marked; agents without any numbers yet (nobody signed in) are not "stale".
  const stale = s.fresh.notCurrent > 0 && s.fresh.asOf !== undefined;
  item.iconPath = new vscode.ThemeIcon(stale ? 'history' : s.icon, s.needsUser || stale ? new vscode.ThemeColor('list.warningForeground') : undefined);
  const state = plainWords(s.state);
  const parts: RowPart[] = [
    // Not current says so first, in the words every row uses, and is kept when the row is fitted.
    ...(stale && s.fresh.asOf !== undefined ? [{ text: notCurrentText(clockTime(s.fresh.asOf)), keep: true }] : []),
    ...(s.attention > 0 ? [{ text: `⚠${s.attention}`, keep: true }] : []),
    ...(view === 'queues' ? [{ text: vscode.l10n.t('{0} waiting', s.waiting), keep: true }] : [{ text: `↓${s.totals.answernums} ↑${s.totals.calloutnums}`, keep: true }]),
    // The name comes before a state that is fine (the icon and the tooltip say it); a problem is always shown.
    { text: state.words, keep: s.needsUser || s.unreachable },
    ...(view === 'agents' ? [{ text: formatDuration(s.totals.talktime) }] : []),
  ];
  // Its one inline action (Show Trend) covers the row's end when hovered: that room is left free.
  const fitted = fitRow(s.name, parts, rowBudgetPx(unit.monitor.settings.sideBarWidth, 0, 1));
  item.label = fitted.label;
  item.description = fitted.description;
  item.contextValue = `gateway${unit.monitor.core.sessions.size > 0 ? '.signedIn' : ''}`;
  const words = [
    vscode.l10n.t('Gateway {0}', s.name),
    state.words,
    vscode.l10n.t('{0}: {1}, {2} answered, {3} outbound, talk time {4}', unit.origin ?? unit.monitor.settings.gatewayUrlText, agentCount(s.agents), s.totals.answernums, s.totals.calloutnums, formatDuration(s.totals.talktime)),
    s.queues > 0 ? vscode.l10n.t('{0} calls waiting in {1} queues', s.waiting, s.queues) : undefined,
    stale ? (s.fresh.asOf !== undefined ? vscode.l10n.t('numbers as of {0}, not current', clockTime(s.fresh.asOf)) : notCurrentText(undefined)) : undefined,
    s.attention > 0 ? vscode.l10n.t('{0} need attention', s.attention) : undefined,
  ].filter((x): x is string => !!x);
  item.accessibilityInformation = { label: words.join(', ') };
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = false;
  md.appendMarkdown(`**${escapeMarkdown(s.name)}** · ${escapeMarkdown(unit.origin ?? unit.monitor.settings.gatewayUrlText)}\n\n`);
  for (const w of words.slice(1)) md.appendMarkdown(`${escapeMarkdown(w)}\n\n`);
  const last = detailsLine(state.details);
  if (last) md.appendMarkdown(escapeMarkdown(last));
  item.tooltip = md;
  return item;
}

/** The row under a gateway that has nothing to show yet: what to do, with the command that does it. */
export function gatewayEmptyItem(unit: GatewayUnit): vscode.TreeItem | undefined {
  const m = unit.monitor;
  const gateway = unit.name;
  const row = (label: string, icon: string, command?: string, title?: string): vscode.TreeItem => {
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.iconPath = new vscode.ThemeIcon(icon);
    if (command) item.command = { command, title: title ?? label, arguments: [command === 'workbench.action.openSettings' ? 'ccGateway.gateways' : { gateway }] };
    item.contextValue = 'gatewayEmpty';
    return item;
  };
  switch (m.core.viewState) {
    case 'noUrl':
    case 'badUrl':
      return row(m.settings.gatewayUrlProblem ?? vscode.l10n.t('Set the URL of this gateway in ccGateway.gateways.'), 'warning', 'workbench.action.openSettings', vscode.l10n.t('Open Settings'));
    case 'noAgents':
      return row(vscode.l10n.t('No agents: add them to this gateway in ccGateway.gateways.'), 'person-add', 'ccGateway.addAgent');
    case 'noGuid':
      return row(vscode.l10n.t('Sign in to see this gateway’s agents'), 'sign-in', 'ccGateway.signIn');
    case 'checking':
      return row(vscode.l10n.t('loading…'), 'loading~spin');
    default:
      return undefined;
  }
}
