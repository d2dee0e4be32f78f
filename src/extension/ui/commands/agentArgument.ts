import * as vscode from 'vscode';
import { validateAgentId, type AgentId } from '../../../core/ids/agentId';
import { isAgentNode } from '../trees/agentsTreeProvider';
import type { CommandContext } from './commandContext';

/** The agent a row action or a script names (a row, `"101"`, or `{ agentId }` left of `{ gateway, agentId }`): validated, or undefined after saying why. */
export function agentFromArgument(ctx: CommandContext, arg: unknown): AgentId | undefined {
  const given = isAgentNode(arg) ? arg.agentId : arg && typeof arg === 'object' && 'agentId' in arg ? arg.agentId : arg;
  const r = validateAgentId(given, ctx.monitor.settings.agentIdMax);
  if (r.ok) return r.value;
  void vscode.window.showErrorMessage(r.message);
  return undefined;
}
