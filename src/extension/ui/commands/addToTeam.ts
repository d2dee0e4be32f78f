import * as vscode from 'vscode';
import { MAX_TEAM_NAME } from '../../../core/supervisor/supervisor';
import { validateAgentId, type AgentId } from '../../../core/ids/agentId';
import type { CommandContext } from './commandContext';
import { gatewaySettingValue, updateGatewaySetting } from '../../adapters/settings';
import { SETTINGS_GATEWAY, type GatewayKey } from '../../../core/fleet/gatewayList';
import { isAgentNode } from '../trees/agentsTreeProvider';
import { isQueueAgentNode } from '../trees/queueAgentRows';

/** A gateway's teams as written in settings (raw lists, so unknown spellings are kept as they are). */
export function rawTeams(gateway: GatewayKey): Record<string, string[]> {
  const v = gatewaySettingValue(gateway, 'teams');
  const out: Record<string, string[]> = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, list] of Object.entries(v as Record<string, unknown>)) out[k] = Array.isArray(list) ? list.map(String) : [];
  }
  return out;
}

/** ccGateway.teamOf as written (agent → team), entries that are not strings left out; it belongs to the top-level gateway. */
export function rawTeamOf(gateway: GatewayKey): Record<string, string> {
  if (gateway !== SETTINGS_GATEWAY) return {};
  const v = vscode.workspace.getConfiguration('ccGateway').get<unknown>('teamOf', {});
  const out: Record<string, string> = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) for (const [k, team] of Object.entries(v as Record<string, unknown>)) if (typeof team === 'string') out[k] = team;
  return out;
}

export const sameAgent = (a: string, b: string, max: number) => {
  const ra = validateAgentId(a, max);
  return (ra.ok ? ra.value : a.trim()) === b;
};

/** What the command was asked: agents (raw, validated later) and maybe a team. */
interface Request {
  readonly agentIds?: readonly unknown[];
  readonly team?: string;
  /** From a tree row: the team is always asked (the row's team is where the agent is, not where it goes). */
  readonly fromRow: boolean;
}

/**
 * The command's arguments: a tree row and, with several rows selected, the selection (VS Code
 * passes it second); or, from a script, an ID, `{ agentId, team }` or `{ agentIds: [...], team }`.
 */
function request(arg: unknown, selection: unknown): Request {
  if (isAgentNode(arg)) {
    const selected = Array.isArray(selection) ? selection.filter(isAgentNode) : [];
    const rows = selected.some((n) => n.agentId === arg.agentId) ? selected : [arg];
    return { agentIds: [...new Set(rows.map((n) => n.agentId))], fromRow: true };
  }
  // An agent row under a queue (and, with several selected, the selection's queue agents).
  if (isQueueAgentNode(arg)) {
    const selected = Array.isArray(selection) ? selection.filter(isQueueAgentNode) : [];
    const rows = selected.some((n) => n.agentId === arg.agentId) ? selected : [arg];
    return { agentIds: [...new Set(rows.map((n) => n.agentId))], fromRow: true };
  }
  if (typeof arg === 'string' || typeof arg === 'number') return { agentIds: [arg], fromRow: false };
  if (arg && typeof arg === 'object') {
    const o = arg as { agentId?: unknown; agentIds?: unknown; team?: unknown };
    const team = typeof o.team === 'string' ? o.team : undefined;
    if (Array.isArray(o.agentIds)) return { agentIds: o.agentIds, team, fromRow: false };
    if (typeof o.agentId === 'string' || typeof o.agentId === 'number') return { agentIds: [o.agentId], team, fromRow: false };
    return { team, fromRow: false };
  }
  return { fromRow: false };
}

/** IDs typed in the picker's filter box: separated by spaces, commas or semicolons. */
function typedIds(text: string): string[] {
  return text.split(/[\s,;]+/).filter((x) => x !== '');
}

/**
 * Several agents at once: the watched agents to tick, and IDs typed into the filter box
 * (validated like ccGateway.agents; a bad one is named in the title and cannot be picked).
 * Enter takes the ticked rows and every valid ID in the box, ticked or not: the selection
 * the workbench reports can lag behind what was just typed.
 */
async function pickAgents(ctx: CommandContext, max: number): Promise<AgentId[] | undefined> {
  type Item = vscode.QuickPickItem & { agentId: AgentId };
  const title = vscode.l10n.t('CC-Gateway: Add to Team');
  const teamsOf = new Map<string, string[]>();
  for (const team of ctx.monitor.settings.teams) for (const a of team.agents) teamsOf.set(a, [...(teamsOf.get(a) ?? []), team.name]);
  const watched: Item[] = ctx.monitor.settings.agents.map((a) => ({ label: a, agentId: a, description: teamsOf.get(a)?.join(', ') }));
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = title;
  qp.canSelectMany = true;
  qp.placeholder = vscode.l10n.t('Tick the agents to add, or type agent IDs (separated by spaces or commas)');
  qp.items = watched;
  qp.matchOnDescription = true;
  const typed = new Map<string, Item>();
  return new Promise<AgentId[] | undefined>((resolve) => {
    let done = false;
    const finish = (v: AgentId[] | undefined) => {
      if (done) return;
      done = true;
      resolve(v);
      qp.dispose();
    };
    qp.onDidChangeValue((value) => {
      const problems: string[] = [];
      for (const token of typedIds(value)) {
        const r = validateAgentId(token, max);
        if (!r.ok) problems.push(r.message);
        else if (!watched.some((w) => w.agentId === r.value) && !typed.has(r.value)) typed.set(r.value, { label: r.value, agentId: r.value, description: vscode.l10n.t('typed, not watched yet'), alwaysShow: true });
      }
      qp.title = problems.length > 0 ? `${title} — ${problems[0]}` : title;
      const selected = qp.selectedItems;
      qp.items = [...watched, ...typed.values()];
      // The typed IDs are ticked; what was ticked stays ticked.
      const valid = new Set(typedIds(value).map((x) => validateAgentId(x, max)).flatMap((r) => (r.ok ? [r.value] : [])));
      qp.selectedItems = qp.items.filter((i) => selected.some((s) => s.agentId === i.agentId) || valid.has(i.agentId));
    });
    // The ticked rows and the valid IDs still in the box (typed and Enter, without ticking them).
    qp.onDidAccept(() => {
      const typedNow = typedIds(qp.value).map((x) => validateAgentId(x, max)).flatMap((r) => (r.ok ? [r.value] : []));
      finish([...new Set([...qp.selectedItems.map((i) => i.agentId), ...typedNow])]);
    });
    qp.onDidHide(() => finish(undefined));
    qp.show();
  });
}

/** The team to add to: an existing one (those that already hold every chosen agent are left out) or a new one. */
async function pickTeam(gateway: GatewayKey, agentIds: readonly AgentId[], max: number, known: readonly string[]): Promise<string | undefined> {
  const teams = rawTeams(gateway);
  const members = (name: string) => [...(teams[name] ?? []), ...Object.entries(rawTeamOf(gateway)).filter(([, t]) => t.toLowerCase() === name.toLowerCase()).map(([a]) => a)];
  const newTeam = { label: `$(add) ${vscode.l10n.t('New Team…')}`, name: undefined as string | undefined };
  const names = [...new Set([...Object.keys(teams), ...known])];
  const picks = [...names.filter((n) => !agentIds.every((a) => members(n).some((v) => sameAgent(v, a, max)))).map((name) => ({ label: name, name })), newTeam];
  const title = agentIds.length === 1 ? vscode.l10n.t('CC-Gateway: Add Agent {0} to Team', agentIds[0]) : vscode.l10n.t('CC-Gateway: Add {0} Agents to Team', agentIds.length);
  const picked = await vscode.window.showQuickPick(picks, { title });
  if (!picked) return undefined;
  if (picked.name !== undefined) return picked.name;
  return vscode.window.showInputBox({
    title: vscode.l10n.t('CC-Gateway: New Team'),
    prompt: vscode.l10n.t('Team name (1 to {0} characters)', MAX_TEAM_NAME),
    validateInput: (v) => (v.trim() === '' || v.trim().length > MAX_TEAM_NAME ? vscode.l10n.t('Enter 1 to {0} characters.', MAX_TEAM_NAME) : names.some((n) => n.toLowerCase() === v.trim().toLowerCase()) ? vscode.l10n.t('The team "{0}" exists already.', v.trim()) : undefined),
  });
}

/**
 * Add to Team…: several agents at once, from the rows selected in the view, a
 * multi-select of the watched agents and typed IDs, or a script's `{ agentIds, team }`.
 * Writes ccGateway.teams; true when at least one agent was added.
 */
export async function addToTeam(ctx: CommandContext, arg: unknown, selection: unknown): Promise<boolean> {
  const max = ctx.monitor.settings.agentIdMax;
  const req = request(arg, selection);
  let raw = req.agentIds;
  if (raw === undefined || raw.length === 0) {
    raw = await pickAgents(ctx, max);
    if (raw === undefined || raw.length === 0) return false;
  }
  const ids: AgentId[] = [];
  for (const value of raw) {
    const r = validateAgentId(value, max);
    if (!r.ok) {
      // All or nothing: a script's list with a bad ID changes nothing and says which.
      void vscode.window.showErrorMessage(r.message);
      return false;
    }
    if (!ids.includes(r.value)) ids.push(r.value);
  }
  let team = req.fromRow ? undefined : req.team;
  if (team === undefined) {
    team = await pickTeam(ctx.monitor.key, ids, max, ctx.monitor.settings.teams.map((t) => t.name));
    if (team === undefined) return false;
  }
  const name = team.trim();
  if (name === '' || name.length > MAX_TEAM_NAME) {
    void vscode.window.showErrorMessage(vscode.l10n.t('Enter 1 to {0} characters.', MAX_TEAM_NAME));
    return false;
  }
  const teams = rawTeams(ctx.monitor.key);
  const existing = Object.keys(teams).find((n) => n.toLowerCase() === name.toLowerCase()) ?? ctx.monitor.settings.teams.find((t) => t.name.toLowerCase() === name.toLowerCase())?.name ?? name;
  const list = teams[existing] ?? [];
  const inTeam = (a: AgentId) => list.some((v) => sameAgent(v, a, max)) || ctx.monitor.settings.teams.some((t) => t.name.toLowerCase() === name.toLowerCase() && t.agents.includes(a));
  const added = ids.filter((a) => !inTeam(a));
  if (added.length === 0) return false;
  teams[existing] = [...list, ...added];
  await updateGatewaySetting(ctx.monitor.key, 'teams', teams);
  return true;
}
