import * as vscode from 'vscode';
import { validateAgentId, type AgentId } from '../../../core/ids/agentId';
import { gatewaySettingValue, updateGatewaySetting } from '../../adapters/settings';
import type { GatewayKey } from '../../../core/fleet/gatewayList';
import { forGateway, type CommandContext } from './commandContext';

export function registerAddAgent(root: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand('ccGateway.addAgent', async (arg?: unknown): Promise<boolean> => {
    const unit = await root.gateways.resolve(arg, vscode.l10n.t('CC-Gateway: Add Agent'));
    if (!unit) return false;
    const ctx = forGateway(root, unit);
    if (arg && typeof arg === 'object' && 'agentId' in arg) arg = (arg).agentId;
    const max = ctx.monitor.settings.agentIdMax;
    let value: unknown = typeof arg === 'string' || typeof arg === 'number' ? arg : undefined;
    if (value === undefined) {
      value = await vscode.window.showInputBox({
        title: vscode.l10n.t('CC-Gateway: Add Agent'),
        prompt: vscode.l10n.t('Agent ID to watch (101–{0})', max),
        placeHolder: 'e.g. 101',
        ignoreFocusOut: true,
        validateInput: (v) => {
          const r = validateAgentId(v, max);
          if (!r.ok) return r.message;
          return ctx.monitor.settings.agents.includes(r.value) ? vscode.l10n.t('Agent {0} is already watched.', r.value) : undefined;
        },
      });
      if (value === undefined) return false;
    }
    const r = validateAgentId(value, max);
    if (!r.ok) {
      void vscode.window.showErrorMessage(r.message);
      return false;
    }
    return addAgentToSettings(r.value, unit.key);
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
