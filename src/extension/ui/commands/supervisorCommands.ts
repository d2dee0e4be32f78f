import * as vscode from 'vscode';
import { isSortKey, SORT_KEYS, sortKeyLabel, type SortKey } from '../../../core/supervisor/supervisor';
import { validateAgentId } from '../../../core/ids/agentId';
import { gatewayContext, forGateway, type CommandContext } from './commandContext';
import { updateGatewaySetting, updateSetting } from '../../adapters/settings';
import type { GatewayKey } from '../../../core/fleet/gatewayList';
import { isAgentNode } from '../trees/agentsTreeProvider';
import { addToTeam, rawTeamOf, rawTeams, sameAgent } from './addToTeam';
import type { ViewOptions } from '../trees/viewOptions';

/** Drops the agent from every team (Remove Agent); true when a team changed. */
export async function removeFromAllTeams(agentId: string, max: number, gateway: GatewayKey): Promise<boolean> {
  const teams = rawTeams(gateway);
  let changed = false;
  for (const [name, list] of Object.entries(teams)) {
    const next = list.filter((v) => !sameAgent(v, agentId, max));
    if (next.length !== list.length) {
      teams[name] = next;
      changed = true;
    }
  }
  if (changed) await updateGatewaySetting(gateway, 'teams', teams);
  // And from ccGateway.teamOf.
  const teamOf = rawTeamOf(gateway);
  const keys = Object.keys(teamOf).filter((k) => sameAgent(k, agentId, max));
  for (const k of keys) delete teamOf[k];
  if (keys.length > 0) await updateSetting('teamOf', teamOf);
  return changed || keys.length > 0;
}

function agentAndTeam(arg: unknown): { agentId?: string; team?: string } {
  if (isAgentNode(arg)) return { agentId: arg.agentId, team: arg.team || undefined };
  if (typeof arg === 'string' || typeof arg === 'number') return { agentId: String(arg) };
  if (arg && typeof arg === 'object') {
    const o = arg as { agentId?: unknown; team?: unknown };
    return { agentId: typeof o.agentId === 'string' ? o.agentId : undefined, team: typeof o.team === 'string' ? o.team : undefined };
  }
  return {};
}

export function registerSupervisorCommands(root: CommandContext, options: ViewOptions): vscode.Disposable[] {
  const setSort = (key: SortKey) => options.setSortKey(key);
  return [
    ...SORT_KEYS.map((key) => vscode.commands.registerCommand(`ccGateway.sortBy.${key}`, () => setSort(key))),
    vscode.commands.registerCommand('ccGateway.sortBy', async (arg?: unknown): Promise<SortKey | undefined> => {
      if (isSortKey(arg)) {
        await setSort(arg);
        return arg;
      }
      const picked = await vscode.window.showQuickPick(
        SORT_KEYS.map((key) => ({ label: sortKeyLabel(key), key, description: key === options.sortKey ? vscode.l10n.t('current') : undefined })),
        { title: vscode.l10n.t('CC-Gateway: Sort Agents By') },
      );
      if (!picked) return undefined;
      await setSort(picked.key);
      return picked.key;
    }),

    // With several rows selected, VS Code passes the selection second.
    vscode.commands.registerCommand('ccGateway.addToTeam', async (arg?: unknown, selection?: unknown): Promise<boolean> => {
      const unit = await root.gateways.resolve(arg, vscode.l10n.t('CC-Gateway: Add to Team'));
      // Rows selected under another gateway are not this gateway's agents.
      const own = Array.isArray(selection) ? selection.filter((n) => (root.gateways.ownerOfNode(n) ?? unit) === unit) : selection;
      return unit ? addToTeam(forGateway(root, unit), arg, own) : false;
    }),

    vscode.commands.registerCommand('ccGateway.removeFromTeam', async (arg?: unknown): Promise<boolean> => {
      const ctx = await gatewayContext(root, arg, vscode.l10n.t('CC-Gateway: Remove from Team'));
      if (!ctx) return false;
      const { unit } = ctx;
      const max = ctx.monitor.settings.agentIdMax;
      let { agentId, team } = agentAndTeam(arg);
      const teams = rawTeams(unit.key);
      const teamOf = rawTeamOf(unit.key);
      // Members by team as the view shows them: ccGateway.teams with ccGateway.teamOf added.
      const combined = ctx.monitor.settings.teams;
      if (agentId === undefined) {
        const members = [...new Set(combined.flatMap((t) => t.agents))];
        agentId = await vscode.window.showQuickPick(members, { title: vscode.l10n.t('CC-Gateway: Remove from Team'), placeHolder: vscode.l10n.t('Agent to remove from a team') });
        if (agentId === undefined) return false;
      }
      const r = validateAgentId(agentId, max);
      const id = r.ok ? r.value : agentId.trim();
      if (team === undefined) {
        const names = [...new Set([...Object.keys(teams).filter((n) => teams[n].some((v) => sameAgent(v, id, max))), ...combined.filter((t) => t.agents.includes(id as never)).map((t) => t.name)])];
        if (names.length === 0) {
          void vscode.window.showInformationMessage(vscode.l10n.t('Agent {0} is in no team.', id));
          return false;
        }
        team = names.length === 1 ? names[0] : await vscode.window.showQuickPick(names, { title: vscode.l10n.t('CC-Gateway: Remove Agent {0} from Team', id) });
        if (team === undefined) return false;
      }
      const name = team;
      let changed = false;
      const list = teams[name];
      if (list) {
        const next = list.filter((v) => !sameAgent(v, id, max));
        if (next.length !== list.length) {
          teams[name] = next;
          changed = true;
          await updateGatewaySetting(unit.key, 'teams', teams);
        }
      }
      // The agent may be in the team through ccGateway.teamOf.
      const keys = Object.keys(teamOf).filter((k) => sameAgent(k, id, max) && teamOf[k].trim().toLowerCase() === name.toLowerCase());
      for (const k of keys) delete teamOf[k];
      if (keys.length > 0) await updateSetting('teamOf', teamOf);
      return changed || keys.length > 0;
    }),
  ];
}
