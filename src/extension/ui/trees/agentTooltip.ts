import * as vscode from 'vscode';
import { agentCount, averageTalkSeconds, escapeMarkdown, formatAge, formatDelta, formatDuration, needAttentionCount } from '../../../core/format/format';
import { detailsLine, plainWords } from '../../../core/format/plainWords';
import { totals, type AgentEntry } from '../../../core/monitor/statsStore';
import { PRESENCES, presenceLabel, type AgentPresence, type Presence } from '../../../core/supervisor/agentState';
import type { AgentCondition } from '../../../core/monitor/agentCondition';
import type { GroupCondition } from '../../../core/monitor/gatewayStatus';
import { conditionIcon, conditionLabel, conditionSentence } from '../conditionWords';
import type { AttentionReason, TimeInStateReading } from '../../../core/supervisor/supervisor';

/** A time of day as rows show it (hours and minutes, in VS Code's display language). */
export function clockTime(ms: number): string {
  try {
    return new Date(ms).toLocaleTimeString(vscode.env.language, { hour: 'numeric', minute: '2-digit' });
  } catch {
    return new Date(ms).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
  }
}

/** What the Supervisor view adds to an agent's tooltip. */
export interface TooltipExtras {
  readonly state?: AgentPresence;
  readonly presence?: Presence;
  readonly attention?: readonly AttentionReason[];
  /** Why states are not shown: the gateway refused the interface. */
  readonly stateRefused?: string;
  /** States are read one agent at a time: the gateway refused reading them in batches. */
  readonly stateOneByOne?: boolean;
  /** How long the agent has been in its state, as far as this machine saw. */
  readonly inState?: TimeInStateReading & { readonly presence: Presence };
}

/** Built on hover (resolveTreeItem), so "fetched … ago" is current without refreshing rows. */
export function agentTooltip(entry: AgentEntry, condition: AgentCondition, now: number, extras: TooltipExtras = {}): vscode.MarkdownString {
  // Untrusted, no HTML: the gateway's message text can never become a link or a command.
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = false;
  md.supportHtml = false;
  const details: string[] = [];
  md.appendMarkdown(`**${vscode.l10n.t('Agent {0}', escapeMarkdown(entry.agentId))}** · $(${conditionIcon(condition).id}) ${escapeMarkdown(conditionLabel(condition))}\n\n`);
  if (condition.kind === 'not-current') md.appendMarkdown(`${escapeMarkdown(conditionSentence(condition, entry.agentId))}\n\n`);
  if (extras.presence) {
    const name = extras.state?.name ? ` · ${escapeMarkdown(extras.state.name)}` : '';
    const span = extras.inState && extras.inState.presence === extras.presence ? extras.inState : undefined;
    const since = span
      ? ` · ${span.atLeast ? vscode.l10n.t('for at least {0} (watched since then)', formatDuration(span.seconds)) : vscode.l10n.t('for {0}', formatDuration(span.seconds))}`
      : '';
    md.appendMarkdown(`${vscode.l10n.t('State: {0}', escapeMarkdown(presenceLabel(extras.presence)))}${since}${name}\n\n`);
  } else if (extras.stateRefused) {
    const why = plainWords(extras.stateRefused);
    details.push(...why.details);
    md.appendMarkdown(`${escapeMarkdown(vscode.l10n.t('State not available: the gateway does not give agent states to this account ({0}).', why.words))}\n\n`);
  }
  if (extras.stateOneByOne && !extras.stateRefused) md.appendMarkdown(`${vscode.l10n.t('This gateway does not answer agent states in batches (agentbylist): they are read one agent at a time.')}\n\n`);
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
    if (entry.fetchedAt) row(condition.kind === 'current' ? vscode.l10n.t('Fetched') : vscode.l10n.t('Last updated (not current)'), `${formatAge(now - entry.fetchedAt)} (${new Date(entry.fetchedAt).toLocaleTimeString()})`);
  }
  // The last failure's own words come last (the first lines said what it means), its codes on the Details line.
  if (condition.kind === 'not-current' && (condition.message || condition.code)) {
    const why = plainWords(condition.message ?? '', [condition.code]);
    details.push(...why.details);
    if (why.words) md.appendMarkdown(`\n\n$(warning) ${escapeMarkdown(why.words)}`);
    if (entry.lastAttemptAt) md.appendMarkdown(` _(${formatAge(now - entry.lastAttemptAt)})_`);
  }
  const last = detailsLine([...new Set(details)]);
  if (last) md.appendMarkdown(`\n\n${escapeMarkdown(last)}`);
  return md;
}

/** A team row's or the totals row's tooltip: who, how many in each state, whether the numbers are current, who needs attention. */
export function groupTooltip(label: string, entries: readonly AgentEntry[], attention: readonly string[], fresh: GroupCondition, byState: ReadonlyMap<Presence, number>, now: number): vscode.MarkdownString {
  const sum = totals(entries);
  const md = new vscode.MarkdownString('', true);
  md.isTrusted = false;
  md.supportHtml = false;
  md.appendMarkdown(`**${escapeMarkdown(label)}** · ${escapeMarkdown(agentCount(entries.length))}\n\n`);
  const states = PRESENCES.filter((p) => byState.has(p)).map((p) => `${byState.get(p)} ${presenceLabel(p)}`);
  if (states.length) md.appendMarkdown(`${escapeMarkdown(states.join(' · '))}\n\n`);
  if (fresh.notCurrent > 0) {
    const when = fresh.asOf !== undefined ? vscode.l10n.t('last updated {0} ({1})', clockTime(fresh.asOf), formatAge(now - fresh.asOf)) : '';
    md.appendMarkdown(`$(history) ${escapeMarkdown(fresh.notCurrent === 1 ? vscode.l10n.t('Not current: 1 agent could not be updated. {0}', when) : vscode.l10n.t('Not current: {0} agents could not be updated. {1}', fresh.notCurrent, when))}\n\n`);
  }
  md.appendMarkdown('| | |\n|---|---|\n');
  md.appendMarkdown(`| ${vscode.l10n.t('Answered calls')} | ${sum.answernums} |\n`);
  md.appendMarkdown(`| ${vscode.l10n.t('Outbound calls')} | ${sum.calloutnums} |\n`);
  md.appendMarkdown(`| ${vscode.l10n.t('Talk time')} | ${formatDuration(sum.talktime)} |\n`);
  if (attention.length > 0) md.appendMarkdown(`\n$(warning) ${escapeMarkdown(needAttentionCount(attention.length))}: ${escapeMarkdown(attention.join(', '))}`);
  return md;
}
