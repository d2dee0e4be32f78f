// ccGateway.teamOf: agent ID → team name, e.g. { "101": "Hotline" }. VS Code's
// Settings editor edits an object only when its values are strings, numbers or booleans, so
// ccGateway.teams (team → list of IDs) needs settings.json; this simpler form is edited as
// key/value rows there. Both combine: an agent is in every team either setting names.
import { t } from '../l10n/localize';
import { printable, validateAgentId, type AgentId } from '../ids/agentId';
import { MAX_TEAM_NAME, type Team, type TeamProblem } from './supervisor';

/** Validates ccGateway.teamOf like ccGateway.teams: bad entries are skipped and reported, the rest is kept. */
export function parseTeamOf(raw: unknown, agentIdMax: number): { entries: { agentId: AgentId; team: string }[]; problems: TeamProblem[] } {
  const entries: { agentId: AgentId; team: string }[] = [];
  const problems: TeamProblem[] = [];
  if (raw === undefined || raw === null) return { entries, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push({ team: '', message: t('ccGateway.teamOf must be an object of agent IDs and team names, e.g. {"101": "Hotline"}.') });
    return { entries, problems };
  }
  const seen = new Set<string>();
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    const id = validateAgentId(key, agentIdMax);
    if (!id.ok) {
      problems.push({ team: '', message: t('ccGateway.teamOf: {0}', id.message) });
      continue;
    }
    const name = typeof value === 'string' ? value.trim() : '';
    const shown = printable(typeof value === 'string' ? value : JSON.stringify(value) ?? '', MAX_TEAM_NAME + 10);
    if (name === '' || name.length > MAX_TEAM_NAME || printable(name, MAX_TEAM_NAME + 1) !== name) {
      problems.push({ team: shown, message: t('ccGateway.teamOf: the team of agent {0} must be a name of 1 to {1} printable characters, not {2}.', id.value, MAX_TEAM_NAME, shown || '""') });
      continue;
    }
    // " 101" and "101" are the same agent: the first one counts.
    if (seen.has(id.value)) {
      problems.push({ team: name, message: t('ccGateway.teamOf names agent {0} twice; the first entry counts.', id.value) });
      continue;
    }
    seen.add(id.value);
    entries.push({ agentId: id.value, team: name });
  }
  return { entries, problems };
}

/**
 * ccGateway.teams with ccGateway.teamOf added: each agent of teamOf joins the team of that
 * name (compared without case, spelled as ccGateway.teams spells it), or a new team after
 * those of ccGateway.teams, in the order teamOf first names it. Nobody is removed.
 */
export function combineTeams(teams: readonly Team[], teamOf: readonly { agentId: AgentId; team: string }[]): Team[] {
  const out = teams.map((team) => ({ name: team.name, agents: [...team.agents] }));
  for (const { agentId, team } of teamOf) {
    let target = out.find((x) => x.name.toLowerCase() === team.toLowerCase());
    if (!target) {
      target = { name: team, agents: [] };
      out.push(target);
    }
    if (!target.agents.includes(agentId)) target.agents.push(agentId);
  }
  return out;
}
