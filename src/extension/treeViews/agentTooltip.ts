import * as vscode from 'vscode';
import { averageTalkSeconds, escapeMarkdown, formatAge, formatDelta, formatDuration } from '../../core/format/format';
import type { AgentEntry, Totals } from '../../core/state/store';
import { presenceLabel, type AgentPresence, type Presence } from '../../core/supervisor/agentState';
import type { AttentionReason } from '../../core/supervisor/supervisor';

/** Issue 13: what the Supervisor view adds to an agent's tooltip. */
export interface TooltipExtras {
  readonly state?: AgentPresence;
  readonly presence?: Presence;
  readonly attention?: readonly AttentionReason[];
  /** Why states are not shown: the gateway refused the interface. */
  readonly stateRefused?: string;
}

/** The state in words (a function, not a table: the words depend on VS Code's display language). */
export function stateLabel(state: AgentEntry['state']): string {
  switch (state) {
    case 'loading':
      return vscode.l10n.t('waiting for the first answer');
    case 'ok':
      return vscode.l10n.t('up to date');
    case 'stale':
      return vscode.l10n.t('stale: last update failed');
    case 'error':
      return vscode.l10n.t('failing');
    case 'auth':
      return vscode.l10n.t('Guid refused: set a new Guid');
    case 'offline':
      return vscode.l10n.t('not signed in');
  }
}

/** Built on hover (resolveTreeItem), so "fetched … ago" is current without refreshing rows. */
export function agentTooltip(entry: AgentEntry, now: number, extras: TooltipExtras = {}): vscode.MarkdownString {
  // Untrusted, no HTML: the gateway's message text can never become a link or a command.
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown(`**${vscode.l10n.t('Agent {0}', escapeMarkdown(entry.agentId))}** · $(${stateIcon(entry).id}) ${escapeMarkdown(stateLabel(entry.state))}\n\n`);
  if (extras.presence) {
    const name = extras.state?.name ? ` · ${escapeMarkdown(extras.state.name)}` : '';
    const codes = extras.state?.status !== undefined || extras.state?.ctiStatus !== undefined ? ` _(${vscode.l10n.t('gateway state {0}, platform state {1}', extras.state?.status ?? '–', extras.state?.ctiStatus ?? '–')})_` : '';
    md.appendMarkdown(`${vscode.l10n.t('State: {0}', escapeMarkdown(presenceLabel(extras.presence)))}${name}${codes}\n\n`);
  } else if (extras.stateRefused) {
    md.appendMarkdown(`${vscode.l10n.t('State not available: the gateway refused the agent state interface ({0}).', escapeMarkdown(extras.stateRefused))}\n\n`);
  }
  for (const a of extras.attention ?? []) md.appendMarkdown(`$(warning) ${escapeMarkdown(a.text)}\n\n`);
  const s = entry.stats;
  if (s) {
    const avg = averageTalkSeconds(s);
    md.appendMarkdown('| | |\n|---|---|\n');
    const row = (label: string, value: string) => md.appendMarkdown(`| ${label} | ${value} |\n`);
    row(vscode.l10n.t('Answered calls'), String(s.answernums));
    row(vscode.l10n.t('Outbound calls'), String(s.calloutnums));
    row(vscode.l10n.t('Talk time'), vscode.l10n.t('{0} ({1} s)', formatDuration(s.talktime), s.talktime));
    row(vscode.l10n.t('Average per answered call'), avg === undefined ? '–' : formatDuration(avg));
    const delta = formatDelta(s, entry.previous);
    if (delta) row(vscode.l10n.t('Since previous poll'), escapeMarkdown(delta));
    if (entry.fetchedAt) row(vscode.l10n.t('Fetched'), `${formatAge(now - entry.fetchedAt)} (${new Date(entry.fetchedAt).toLocaleTimeString()})`);
  }
  if (entry.error && entry.state !== 'ok') {
    md.appendMarkdown(`\n\n$(warning) ${escapeMarkdown(entry.error.message)}`);
    if (entry.lastAttemptAt) md.appendMarkdown(` _(${formatAge(now - entry.lastAttemptAt)})_`);
  }
  return md;
}

export function stateIcon(entry: AgentEntry): vscode.ThemeIcon {
  switch (entry.state) {
    case 'loading':
      return new vscode.ThemeIcon('loading~spin');
    case 'ok':
      return new vscode.ThemeIcon('person', new vscode.ThemeColor('charts.green'));
    case 'stale':
      return new vscode.ThemeIcon('history', new vscode.ThemeColor('list.warningForeground'));
    case 'error':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    case 'auth':
      return new vscode.ThemeIcon('key', new vscode.ThemeColor('list.warningForeground'));
    case 'offline':
      return new vscode.ThemeIcon('circle-slash');
  }
}

/** A team row's or the totals row's tooltip. */
export function groupTooltip(label: string, agents: number, sum: Totals, attention: number): vscode.MarkdownString {
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown(`**${escapeMarkdown(label)}** · ${vscode.l10n.t('{0} agents', agents)}\n\n| | |\n|---|---|\n`);
  md.appendMarkdown(`| ${vscode.l10n.t('Answered calls')} | ${sum.answernums} |\n`);
  md.appendMarkdown(`| ${vscode.l10n.t('Outbound calls')} | ${sum.calloutnums} |\n`);
  md.appendMarkdown(`| ${vscode.l10n.t('Talk time')} | ${formatDuration(sum.talktime)} |\n`);
  if (attention > 0) md.appendMarkdown(`\n$(warning) ${vscode.l10n.t('{0} agents need attention', attention)}`);
  return md;
}
