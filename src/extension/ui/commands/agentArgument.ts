import * as vscode from 'vscode';
import { validateAgentId, type AgentId } from '../../../core/ids/agentId';
import { isAgentNode } from '../trees/agentsTreeProvider';
import type { CommandContext } from './commandContext';

/** The agent a row action or a script names: validated, or undefined after saying why. */
export function agentFromArgument(ctx: CommandContext, arg: unknown): AgentId | undefined {
  const r = validateAgentId(isAgentNode(arg) ? arg.agentId : arg, ctx.monitor.settings.agentIdMax);
  if (r.ok) return r.value;
  void vscode.window.showErrorMessage(r.message);
  return undefined;
}
