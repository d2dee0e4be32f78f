import { t } from '../l10n/localize';
import type { AgentStatistics } from '../model/statistics';

/** Talk time as h:mm:ss (hours unbounded: a long shift can pass 24 h). */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}

export function describeStats(stats: AgentStatistics): string {
  return t('{0} answered · {1} out · {2}', stats.answernums, stats.calloutnums, formatDuration(stats.talktime));
}

/** Average talk time per answered call, or undefined when no call was answered. */
export function averageTalkSeconds(stats: AgentStatistics): number | undefined {
  return stats.answernums > 0 ? Math.round(stats.talktime / stats.answernums) : undefined;
}

export function signed(n: number): string {
  return n > 0 ? `+${n}` : n < 0 ? `−${-n}` : '±0';
}

export function formatDelta(current: AgentStatistics, previous: AgentStatistics | undefined): string | undefined {
  if (!previous) return undefined;
  const dt = current.talktime - previous.talktime;
  return t('{0} answered, {1} out, {2}{3} talk time', signed(current.answernums - previous.answernums), signed(current.calloutnums - previous.calloutnums), dt >= 0 ? '+' : '−', formatDuration(Math.abs(dt)));
}

/** "just now", "42 s ago", "5 min ago", "2 h ago". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 5) return t('just now');
  if (s < 90) return t('{0} s ago', s);
  const m = Math.round(s / 60);
  if (m < 90) return t('{0} min ago', m);
  return t('{0} h ago', Math.round(m / 60));
}

/** Text shown inside Markdown: escape everything Markdown or HTML could act on. */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>&~"']/g, (c) => `\\${c}`);
}

/**
 * Time in a state as a row shows it, from the first second it is known: "45 s" under a
 * minute, then whole minutes ("6 min", "1 h 05 min").
 */
export function formatTimeInState(seconds: number): string {
  const s = Math.floor(Math.max(0, seconds));
  if (s < 60) return t('{0} s', s);
  const m = Math.floor(s / 60);
  if (m < 60) return t('{0} min', m);
  return t('{0} h {1} min', Math.floor(m / 60), String(m % 60).padStart(2, '0'));
}

/** Time in state with its "at least" mark (≥) when the start of the state was not seen. */
export function timeInStateText(seconds: number, atLeast: boolean): string {
  return `${atLeast ? '≥' : ''}${formatTimeInState(seconds)}`;
}

/**
 * The one way every row and the status bar say their numbers are not current: "as of" the
 * time of the last update that arrived, or "not current" when none ever did.
 */
export function notCurrentText(asOfClock: string | undefined): string {
  return asOfClock !== undefined ? t('as of {0}', asOfClock) : t('not current');
}

// Counts in words: the message differs for one (vscode.l10n.t has no plural rules of its own).

export function agentCount(n: number): string {
  return n === 1 ? t('1 agent') : t('{0} agents', n);
}

export function needAttentionCount(n: number): string {
  return n === 1 ? t('1 agent needs attention') : t('{0} agents need attention', n);
}
