import { t } from '../l10n/localize';
import { averageTalkSeconds, formatDuration } from '../format/format';
import type { AgentEntry } from '../monitor/statsStore';
import { printable, validateAgentId, type AgentId } from '../ids/agentId';
import { PRESENCES, presenceLabel, type AgentPresence, type Presence } from './agentState';

// ---------------------------------------------------------------------------
// Teams: ccGateway.teams is { "team name": ["101", "102"], … }

export interface Team {
  readonly name: string;
  readonly agents: readonly AgentId[];
}

export interface TeamProblem {
  readonly team: string;
  readonly message: string;
}

export const MAX_TEAM_NAME = 40;

/** Validates the setting like ccGateway.agents: bad entries are skipped and reported, the rest is kept. */
export function parseTeams(raw: unknown, agentIdMax: number): { teams: Team[]; problems: TeamProblem[] } {
  const teams: Team[] = [];
  const problems: TeamProblem[] = [];
  if (raw === undefined || raw === null) return { teams, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ team: '', message: t('ccGateway.teams must be an object of team names and agent ID lists.') });
    return { teams, problems };
  }
  const seen = new Set<string>();
  for (const [rawName, members] of Object.entries(raw as Record<string, unknown>)) {
    const name = rawName.trim();
    const shown = printable(name || rawName);
    if (name === '' || name.length > MAX_TEAM_NAME || printable(name, MAX_TEAM_NAME + 1) !== name) {
      problems.push({ team: shown, message: t('The team name "{0}" must be 1 to {1} printable characters.', shown, MAX_TEAM_NAME) });
      continue;
    }
    if (seen.has(name.toLowerCase())) {
      problems.push({ team: shown, message: t('The team "{0}" is defined twice.', shown) });
      continue;
    }
    seen.add(name.toLowerCase());
    if (!Array.isArray(members)) {
      problems.push({ team: shown, message: t('The team "{0}" must list agent IDs, e.g. ["101", "102"].', shown) });
      continue;
    }
    const agents: AgentId[] = [];
    for (const m of members) {
      const r = validateAgentId(m, agentIdMax);
      if (!r.ok) problems.push({ team: shown, message: t('Team "{0}": {1}', shown, r.message) });
      else if (!agents.includes(r.value)) agents.push(r.value);
    }
    teams.push({ name, agents });
  }
  return { teams, problems };
}

/** The watched agents: ccGateway.agents, then team members not listed there, each once. */
export function watchedAgents(agents: readonly AgentId[], teams: readonly Team[]): AgentId[] {
  const out = [...agents];
  const seen = new Set<string>(agents);
  for (const team of teams) {
    for (const a of team.agents) {
      if (seen.has(a)) continue;
      seen.add(a);
      out.push(a);
    }
  }
  return out;
}

/** Groups for the view: each team with its watched members, then "Other" (team undefined) for the rest. */
export function groups(watched: readonly string[], teams: readonly Team[]): { team?: string; agents: string[] }[] {
  const inTeam = new Set<string>();
  const out: { team?: string; agents: string[] }[] = [];
  const watchedSet = new Set(watched);
  for (const team of teams) {
    const agents = team.agents.filter((a) => watchedSet.has(a));
    for (const a of agents) inTeam.add(a);
    out.push({ team: team.name, agents });
  }
  const other = watched.filter((a) => !inTeam.has(a));
  if (other.length > 0) out.push({ agents: other });
  return out;
}

// ---------------------------------------------------------------------------
// State as a row shows it

/** The state to show: "not signed in" from statisticsEx wins; otherwise the last state read, if any. */
export function shownPresence(entry: AgentEntry | undefined, state: AgentPresence | undefined): Presence | undefined {
  if (entry?.state === 'offline') return 'signedOut';
  return state?.presence;
}

// ---------------------------------------------------------------------------
// Sorting

export type SortKey = 'agentId' | 'answered' | 'outbound' | 'talkTime' | 'averageTalk' | 'state';
export const SORT_KEYS: readonly SortKey[] = ['agentId', 'answered', 'outbound', 'talkTime', 'averageTalk', 'state'];

export function isSortKey(v: unknown): v is SortKey {
  return typeof v === 'string' && (SORT_KEYS as readonly string[]).includes(v);
}

export function sortKeyLabel(key: SortKey): string {
  switch (key) {
    case 'agentId':
      return t('Agent ID');
    case 'answered':
      return t('Answered calls');
    case 'outbound':
      return t('Outbound calls');
    case 'talkTime':
      return t('Talk time');
    case 'averageTalk':
      return t('Average talk time per answered call');
    case 'state':
      return t('State');
  }
}

/**
 * Agent IDs in display order: agent ID ascending; counters and talk times descending
 * (who did most first); state in the order talking, wrap-up, busy, rest, idle, signed
 * out, unknown. Agents without numbers go last; ties by agent ID. Stable.
 */
export function sortAgents(ids: readonly string[], key: SortKey, entry: (id: string) => AgentEntry | undefined, presence: (id: string) => Presence | undefined): string[] {
  const value = (id: string): number | undefined => {
    const s = entry(id)?.stats;
    switch (key) {
      case 'agentId':
        return Number(id);
      case 'answered':
        return s && -s.answernums;
      case 'outbound':
        return s && -s.calloutnums;
      case 'talkTime':
        return s && -s.talktime;
      case 'averageTalk': {
        const avg = s && averageTalkSeconds(s);
        return avg === undefined ? undefined : -avg;
      }
      case 'state': {
        const p = presence(id);
        return p === undefined ? undefined : PRESENCES.indexOf(p);
      }
    }
  };
  const keyed = ids.map((id) => ({ id, v: value(id) }));
  keyed.sort((a, b) => {
    if (a.v === undefined || b.v === undefined) {
      if (a.v !== b.v) return a.v === undefined ? 1 : -1;
    } else if (a.v !== b.v) return a.v - b.v;
    return Number(a.id) - Number(b.id);
  });
  return keyed.map((k) => k.id);
}

// ---------------------------------------------------------------------------
// Thresholds

export interface Thresholds {
  /** Seconds; 0 = off. */
  readonly averageTalkSeconds: number;
  /** Seconds; 0 = off. */
  readonly talkTimeSeconds: number;
  readonly signedOut: boolean;
  /** Seconds in one state before an agent needs attention (ccGateway.thresholds.stateSeconds); absent = off. */
  readonly stateSeconds?: Readonly<Partial<Record<Presence, number>>>;
}

export const NO_THRESHOLDS: Thresholds = { averageTalkSeconds: 0, talkTimeSeconds: 0, signedOut: false };

/** The setting's keys are the words people use; each maps to one state. */
export const STATE_THRESHOLD_KEYS: Readonly<Record<string, Presence>> = { talking: 'talking', 'wrap-up': 'wrapUp', rest: 'rest', busy: 'busy', idle: 'idle' };

/** Reads ccGateway.thresholds.stateSeconds: unknown keys and values that are not whole seconds in 1..86400 are skipped. */
export function parseStateThresholds(raw: unknown): Partial<Record<Presence, number>> {
  const out: Partial<Record<Presence, number>> = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return out;
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const presence = STATE_THRESHOLD_KEYS[key];
    if (presence && typeof value === 'number' && Number.isInteger(value) && value > 0 && value <= 86_400) out[presence] = value;
  }
  return out;
}

export interface AttentionReason {
  readonly kind: 'averageTalk' | 'talkTime' | 'signedOut' | 'timeInState';
  readonly text: string;
}

/** How long the agent has been in its shown state (TimeInState). */
export interface TimeInStateReading {
  readonly seconds: number;
  readonly atLeast: boolean;
}

/** Why an agent needs attention (empty: it does not). */
export function attentionReasons(entry: AgentEntry | undefined, presence: Presence | undefined, th: Thresholds, inState?: TimeInStateReading): AttentionReason[] {
  const out: AttentionReason[] = [];
  const s = entry?.stats;
  const avg = s ? averageTalkSeconds(s) : undefined;
  if (th.averageTalkSeconds > 0 && avg !== undefined && avg > th.averageTalkSeconds) {
    out.push({ kind: 'averageTalk', text: t('Average talk time per answered call {0} is over the threshold {1}.', formatDuration(avg), formatDuration(th.averageTalkSeconds)) });
  }
  if (th.talkTimeSeconds > 0 && s && s.talktime > th.talkTimeSeconds) {
    out.push({ kind: 'talkTime', text: t('Talk time since sign-in {0} is over the threshold {1}.', formatDuration(s.talktime), formatDuration(th.talkTimeSeconds)) });
  }
  if (th.signedOut && presence === 'signedOut') out.push({ kind: 'signedOut', text: t('Signed out while watched.') });
  const limit = presence ? th.stateSeconds?.[presence] : undefined;
  if (presence && limit && inState && inState.seconds > limit) {
    out.push({
      kind: 'timeInState',
      text: inState.atLeast
        ? t('In {0} for at least {1}, over the threshold {2}.', presenceLabel(presence), formatDuration(inState.seconds), formatDuration(limit))
        : t('In {0} for {1}, over the threshold {2}.', presenceLabel(presence), formatDuration(inState.seconds), formatDuration(limit)),
    });
  }
  return out;
}
