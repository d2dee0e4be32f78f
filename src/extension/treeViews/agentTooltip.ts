import * as vscode from 'vscode';
import { averageTalkSeconds, escapeMarkdown, formatAge, formatDelta, formatDuration } from '../../core/format/format';
import type { AgentEntry } from '../../core/state/store';

export const STATE_LABEL: Record<AgentEntry['state'], string> = {
  loading: 'waiting for the first answer',
  ok: 'up to date',
  stale: 'stale: last update failed',
  error: 'failing',
  auth: 'Guid refused: set a new Guid',
  offline: 'not signed in',
};

/** Built on hover (resolveTreeItem), so "fetched … ago" is current without refreshing rows. */
export function agentTooltip(entry: AgentEntry, now: number): vscode.MarkdownString {
  // Untrusted, no HTML: the gateway's message text can never become a link or a command.
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown(`**Agent ${escapeMarkdown(entry.agentId)}** · $(${stateIcon(entry).id}) ${escapeMarkdown(STATE_LABEL[entry.state])}\n\n`);
  const s = entry.stats;
  if (s) {
    const avg = averageTalkSeconds(s);
    md.appendMarkdown('| | |\n|---|---|\n');
    md.appendMarkdown(`| Answered calls | ${s.answernums} |\n`);
    md.appendMarkdown(`| Outbound calls | ${s.calloutnums} |\n`);
    md.appendMarkdown(`| Talk time | ${formatDuration(s.talktime)} (${s.talktime} s) |\n`);
    md.appendMarkdown(`| Average per answered call | ${avg === undefined ? '–' : formatDuration(avg)} |\n`);
    const delta = formatDelta(s, entry.previous);
    if (delta) md.appendMarkdown(`| Since previous poll | ${escapeMarkdown(delta)} |\n`);
    if (entry.fetchedAt) md.appendMarkdown(`| Fetched | ${formatAge(now - entry.fetchedAt)} (${new Date(entry.fetchedAt).toLocaleTimeString()}) |\n`);
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
