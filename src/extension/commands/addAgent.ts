import * as vscode from 'vscode';
import { validateAgentId, type AgentId } from '../../core/validation/agentId';
import { updateSetting } from '../configuration/settings';
import type { CommandContext } from './commandContext';

export function registerAddAgent(ctx: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand('ccGateway.addAgent', async (arg?: unknown): Promise<boolean> => {
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
    return addAgentToSettings(r.value);
  });
}

export async function addAgentToSettings(agentId: AgentId): Promise<boolean> {
  const current = vscode.workspace.getConfiguration('ccGateway').get<unknown>('agents', []);
  const list = Array.isArray(current) ? current.map(String) : [];
  if (list.some((v) => v.trim() === agentId)) return false;
  await updateSetting('agents', [...list, agentId]);
  return true;
}
