import * as vscode from 'vscode';
import { isSortKey, MAX_TEAM_NAME, SORT_KEYS, sortKeyLabel, type SortKey } from '../../core/supervisor/supervisor';
import { validateAgentId } from '../../core/validation/agentId';
import { forGateway, type CommandContext } from '../commands/commandContext';
import type { GatewayKey } from '../../core/gateways/gatewayList';
import { gatewaySettingValue, updateGatewaySetting } from '../configuration/settings';
import { isAgentNode } from '../treeViews/agentsTreeProvider';
import type { ViewOptions } from './viewOptions';

/** A gateway's teams as written in settings (raw lists, so unknown spellings are kept as they are). */
function rawTeams(gateway: GatewayKey): Record<string, string[]> {
  const v = gatewaySettingValue(gateway, 'teams');
  const out: Record<string, string[]> = {};
  if (v && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, list] of Object.entries(v as Record<string, unknown>)) out[k] = Array.isArray(list) ? list.map(String) : [];
  }
  return out;
}

const sameAgent = (a: string, b: string, max: number) => {
  const ra = validateAgentId(a, max);
  return (ra.ok ? ra.value : a.trim()) === b;
};

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
  return changed;
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

    vscode.commands.registerCommand('ccGateway.addToTeam', async (arg?: unknown): Promise<boolean> => {
      const unit = await root.gateways.resolve(arg, vscode.l10n.t('CC-Gateway: Add to Team'));
      if (!unit) return false;
      const ctx = forGateway(root, unit);
      const max = ctx.monitor.settings.agentIdMax;
      let { agentId, team } = agentAndTeam(arg);
      if (agentId === undefined) {
        agentId = await vscode.window.showInputBox({ title: vscode.l10n.t('CC-Gateway: Add to Team'), prompt: vscode.l10n.t('Agent ID to add to a team'), validateInput: (v) => { const r = validateAgentId(v, max); return r.ok ? undefined : r.message; } });
        if (agentId === undefined) return false;
      }
      const r = validateAgentId(agentId, max);
      if (!r.ok) {
        void vscode.window.showErrorMessage(r.message);
        return false;
      }
      const teams = rawTeams(unit.key);
      if (team === undefined || isAgentNode(arg)) {
        const newTeam = { label: `$(add) ${vscode.l10n.t('New Team…')}`, name: undefined as string | undefined };
        const picks = [...Object.keys(teams).filter((n) => !teams[n].some((v) => sameAgent(v, r.value, max))).map((name) => ({ label: name, name })), newTeam];
        const picked = await vscode.window.showQuickPick(picks, { title: vscode.l10n.t('CC-Gateway: Add Agent {0} to Team', r.value) });
        if (!picked) return false;
        team = picked.name;
        if (team === undefined) {
          team = await vscode.window.showInputBox({
            title: vscode.l10n.t('CC-Gateway: New Team'),
            prompt: vscode.l10n.t('Team name (1 to {0} characters)', MAX_TEAM_NAME),
            validateInput: (v) => (v.trim() === '' || v.trim().length > MAX_TEAM_NAME ? vscode.l10n.t('Enter 1 to {0} characters.', MAX_TEAM_NAME) : Object.keys(teams).some((n) => n.toLowerCase() === v.trim().toLowerCase()) ? vscode.l10n.t('The team "{0}" exists already.', v.trim()) : undefined),
          });
          if (team === undefined) return false;
        }
      }
      const name = team.trim();
      if (name === '' || name.length > MAX_TEAM_NAME) {
        void vscode.window.showErrorMessage(vscode.l10n.t('Enter 1 to {0} characters.', MAX_TEAM_NAME));
        return false;
      }
      const existing = Object.keys(teams).find((n) => n.toLowerCase() === name.toLowerCase()) ?? name;
      const list = teams[existing] ?? [];
      if (list.some((v) => sameAgent(v, r.value, max))) return false;
      teams[existing] = [...list, r.value];
      await updateGatewaySetting(unit.key, 'teams', teams);
      return true;
    }),

    vscode.commands.registerCommand('ccGateway.removeFromTeam', async (arg?: unknown): Promise<boolean> => {
      const unit = await root.gateways.resolve(arg, vscode.l10n.t('CC-Gateway: Remove from Team'));
      if (!unit) return false;
      const ctx = forGateway(root, unit);
      const max = ctx.monitor.settings.agentIdMax;
      let { agentId, team } = agentAndTeam(arg);
      const teams = rawTeams(unit.key);
      if (agentId === undefined) {
        const members = [...new Set(Object.values(teams).flat())];
        agentId = await vscode.window.showQuickPick(members, { title: vscode.l10n.t('CC-Gateway: Remove from Team'), placeHolder: vscode.l10n.t('Agent to remove from a team') });
        if (agentId === undefined) return false;
      }
      const r = validateAgentId(agentId, max);
      const id = r.ok ? r.value : agentId.trim();
      if (team === undefined) {
        const names = Object.keys(teams).filter((n) => teams[n].some((v) => sameAgent(v, id, max)));
        if (names.length === 0) {
          void vscode.window.showInformationMessage(vscode.l10n.t('Agent {0} is in no team.', id));
          return false;
        }
        team = names.length === 1 ? names[0] : await vscode.window.showQuickPick(names, { title: vscode.l10n.t('CC-Gateway: Remove Agent {0} from Team', id) });
        if (team === undefined) return false;
      }
      const list = teams[team];
      if (!list) return false;
      const next = list.filter((v) => !sameAgent(v, id, max));
      if (next.length === list.length) return false;
      teams[team] = next;
      await updateGatewaySetting(unit.key, 'teams', teams);
      return true;
    }),
  ];
}
