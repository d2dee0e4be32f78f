import * as vscode from 'vscode';
import { agentFromArgument } from './agentArgument';
import { gatewayContext, withoutGateway, type CommandContext } from './commandContext';
import { failRequest } from './gatewayErrors';
import { isAgentNode } from '../trees/agentsTreeProvider';

/** Row action: fetch this agent now, progress shown on the view, result in the row. */
export function registerQueryNow(root: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand('ccGateway.queryNow', async (arg?: unknown) => {
    const ctx = await gatewayContext(root, arg, vscode.l10n.t('CC-Gateway: Query Now'));
    if (!ctx) return undefined;
    arg = withoutGateway(arg);
    const agentId = agentFromArgument(ctx, arg);
    if (!agentId) return undefined;
    try {
      return await vscode.window.withProgress({ location: { viewId: 'ccGateway.agents' } }, () => ctx.monitor.synced().query(agentId));
    } catch (e) {
      // A row's action shows the failure; a script that named the agent gets it as a rejection.
      return failRequest(e, vscode.l10n.t('Agent {0}: ', agentId), !isAgentNode(arg));
    }
  });
}
