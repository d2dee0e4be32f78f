import * as vscode from 'vscode';
import { askValid } from './askValid';
import { validateAgentId, type AgentId } from '../../../core/ids/agentId';
import { gatewaySettingValue, updateGatewaySetting } from '../../adapters/settings';
import type { GatewayKey } from '../../../core/fleet/gatewayList';
import { gatewayContext, type CommandContext } from './commandContext';

export function registerAddAgent(root: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand('ccGateway.addAgent', async (arg?: unknown): Promise<boolean> => {
    const ctx = await gatewayContext(root, arg, vscode.l10n.t('CC-Gateway: Add Agent'));
    if (!ctx) return false;
    const { unit } = ctx;
    if (arg && typeof arg === 'object' && 'agentId' in arg) arg = (arg).agentId;
    const max = ctx.monitor.settings.agentIdMax;
    const agentId = await askValid(
      typeof arg === 'string' || typeof arg === 'number' ? arg : undefined,
      { title: vscode.l10n.t('CC-Gateway: Add Agent'), prompt: vscode.l10n.t('Agent ID to watch (101–{0})', max), placeHolder: 'e.g. 101' },
      (v) => validateAgentId(v, max),
      (id) => (ctx.monitor.settings.agents.includes(id) ? vscode.l10n.t('Agent {0} is already watched.', id) : undefined),
    );
    return agentId !== undefined && addAgentToSettings(agentId, unit.key);
  });
}

/** Adds to the agents of that gateway (ccGateway.agents, or its entry of ccGateway.gateways). */
export async function addAgentToSettings(agentId: AgentId, gateway: GatewayKey): Promise<boolean> {
  const current = gatewaySettingValue(gateway, 'agents');
  const list = Array.isArray(current) ? current.map(String) : [];
  if (list.some((v) => v.trim() === agentId)) return false;
  await updateGatewaySetting(gateway, 'agents', [...list, agentId]);
  return true;
}
