import * as vscode from 'vscode';
import { validateAgentId } from '../../core/validation/agentId';
import { isAgentNode } from '../treeViews/agentsTreeProvider';
import type { CommandContext } from './commandContext';
import { showGatewayError } from './gatewayErrors';

/** Row action: fetch this agent now, progress shown on the view, result in the row. */
export function registerQueryNow(ctx: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand('ccGateway.queryNow', async (arg?: unknown) => {
    const r = validateAgentId(isAgentNode(arg) ? arg.agentId : arg, ctx.monitor.settings.agentIdMax);
    if (!r.ok) {
      void vscode.window.showErrorMessage(r.message);
      return undefined;
    }
    try {
      return await vscode.window.withProgress({ location: { viewId: 'ccGateway.agents' } }, () => ctx.monitor.query(r.value));
    } catch (e) {
      showGatewayError(e, `Agent ${r.value}: `);
      return undefined;
    }
  });
}
