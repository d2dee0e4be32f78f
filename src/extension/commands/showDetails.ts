import * as vscode from 'vscode';
import type { DetailedStatistics } from '../../core/gateway/types';
import { validateAgentId } from '../../core/validation/agentId';
import { isAgentNode } from '../treeViews/agentsTreeProvider';
import type { CommandContext } from './commandContext';
import { showGatewayError } from './gatewayErrors';

/**
 * Drill-down with the heavier `statistics` interface: on demand only, never polled
 * (the vendor warns that calling it often degrades the gateway). Every counter it
 * sends is shown by name in a JSON document.
 */
export function registerShowDetails(ctx: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand('ccGateway.showDetails', async (arg?: unknown): Promise<DetailedStatistics | undefined> => {
    const r = validateAgentId(isAgentNode(arg) ? arg.agentId : arg, ctx.monitor.settings.agentIdMax);
    if (!r.ok) {
      void vscode.window.showErrorMessage(r.message);
      return undefined;
    }
    let details: DetailedStatistics;
    try {
      details = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Fetching detailed statistics of agent ${r.value}…` },
        () => ctx.monitor.queryDetailed(r.value),
      );
    } catch (e) {
      showGatewayError(e, `Agent ${r.value}: `);
      return undefined;
    }
    const content = JSON.stringify({ agentId: r.value, fetchedAt: new Date().toISOString(), ...details }, null, 2);
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content });
    await vscode.window.showTextDocument(doc, { preview: true });
    return details;
  });
}
