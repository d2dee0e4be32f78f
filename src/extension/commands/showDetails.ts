import * as vscode from 'vscode';
import type { DetailedStatistics } from '../../core/gateway/types';
import { agentFromArgument } from './agentArgument';
import type { CommandContext } from './commandContext';
import { showGatewayError } from './gatewayErrors';

/**
 * Drill-down with the heavier `statistics` interface: on demand only, never polled
 * (the vendor warns that calling it often degrades the gateway). Every counter it
 * sends is shown by name in a JSON document.
 */
export function registerShowDetails(ctx: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand('ccGateway.showDetails', async (arg?: unknown): Promise<DetailedStatistics | undefined> => {
    const agentId = agentFromArgument(ctx, arg);
    if (!agentId) return undefined;
    let details: DetailedStatistics;
    try {
      details = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Fetching detailed statistics of agent {0}…', agentId) },
        () => ctx.monitor.queryDetailed(agentId),
      );
    } catch (e) {
      showGatewayError(e, vscode.l10n.t('Agent {0}: ', agentId));
      return undefined;
    }
    const content = JSON.stringify({ agentId: agentId, fetchedAt: new Date().toISOString(), ...details }, null, 2);
    const doc = await vscode.workspace.openTextDocument({ language: 'json', content });
    await vscode.window.showTextDocument(doc, { preview: true });
    return details;
  });
}
