import * as vscode from 'vscode';
import { validateAgentId } from '../../../core/ids/agentId';
import { gatewaySettingValue, updateGatewaySetting } from '../../adapters/settings';
import { removeFromAllTeams } from './supervisorCommands';
import { isAgentNode } from '../trees/agentsTreeProvider';
import { gatewayContext, type CommandContext } from './commandContext';

/** From a tree row, an ID argument, or a pick of the watched agents. */
export function registerRemoveAgent(root: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand('ccGateway.removeAgent', async (arg?: unknown): Promise<boolean> => {
    const ctx = await gatewayContext(root, arg, vscode.l10n.t('CC-Gateway: Remove Agent'));
    if (!ctx) return false;
    const { unit } = ctx;
    if (arg && typeof arg === 'object' && !isAgentNode(arg) && 'agentId' in arg) arg = (arg).agentId;
    let agentId: string | undefined = isAgentNode(arg) ? arg.agentId : typeof arg === 'string' || typeof arg === 'number' ? String(arg).trim() : undefined;
    if (agentId === undefined) {
      const watched = ctx.monitor.settings.agents;
      if (watched.length === 0) {
        void vscode.window.showInformationMessage(vscode.l10n.t('No agents are watched.'));
        return false;
      }
      agentId = await vscode.window.showQuickPick(watched, { title: vscode.l10n.t('CC-Gateway: Remove Agent'), placeHolder: vscode.l10n.t('Agent to stop watching') });
      if (!agentId) return false;
    }
    const r = validateAgentId(agentId, ctx.monitor.settings.agentIdMax);
    const canonical = r.ok ? r.value : agentId;
    const current = gatewaySettingValue(unit.key, 'agents');
    const list = Array.isArray(current) ? current.map(String) : [];
    // Also drop equivalent spellings ("0101", " 101 ") of the same agent.
    const next = list.filter((v) => {
      const c = validateAgentId(v, ctx.monitor.settings.agentIdMax);
      return (c.ok ? c.value : v) !== canonical;
    });
    // Team members are watched too: removing an agent takes it out of its teams as well.
    const inTeams = await removeFromAllTeams(canonical, ctx.monitor.settings.agentIdMax, unit.key);
    if (next.length === list.length) {
      if (inTeams) return true;
      void vscode.window.showInformationMessage(vscode.l10n.t('Agent {0} is not watched.', canonical));
      return false;
    }
    await updateGatewaySetting(unit.key, 'agents', next);
    return true;
  });
}
