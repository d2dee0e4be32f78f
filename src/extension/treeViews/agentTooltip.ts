import * as vscode from 'vscode';
import { averageTalkSeconds, escapeMarkdown, formatAge, formatDelta, formatDuration } from '../../core/format/format';
import type { AgentEntry } from '../../core/state/store';

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
export function agentTooltip(entry: AgentEntry, now: number): vscode.MarkdownString {
  // Untrusted, no HTML: the gateway's message text can never become a link or a command.
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown(`**${vscode.l10n.t('Agent {0}', escapeMarkdown(entry.agentId))}** · $(${stateIcon(entry).id}) ${escapeMarkdown(stateLabel(entry.state))}\n\n`);
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
