import * as vscode from 'vscode';
import type { DetailedStatistics } from '../../../core/model/statistics';
import { agentFromArgument } from './agentArgument';
import { gatewayContext, withoutGateway, type CommandContext } from './commandContext';
import { failRequest } from './gatewayErrors';
import { isAgentNode } from '../trees/agentsTreeProvider';
import type { DetailsPanels } from '../panels/detailsPanel';

/**
 * Drill-down with the heavier `statistics` interface (the vendor warns that calling it
 * often degrades the gateway): fetched on demand, then refreshed by its panel at the poll
 * interval only while the panel is visible. Every counter it sends is shown in a
 * table, in plain words; Copy as JSON stays on the row.
 */
export function registerShowDetails(root: CommandContext, panels: DetailsPanels): vscode.Disposable {
  return vscode.commands.registerCommand('ccGateway.showDetails', async (arg?: unknown): Promise<DetailedStatistics | undefined> => {
    const ctx = await gatewayContext(root, arg, vscode.l10n.t('CC-Gateway: Show Detailed Statistics'));
    if (!ctx) return undefined;
    arg = withoutGateway(arg);
    const agentId = agentFromArgument(ctx, arg);
    if (!agentId) return undefined;
    let details: DetailedStatistics;
    try {
      details = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Fetching detailed statistics of agent {0}…', agentId) },
        () => ctx.monitor.synced().queryDetailed(agentId),
      );
    } catch (e) {
      // A row's action shows the failure; a script that named the agent gets it as a rejection.
      return failRequest(e, vscode.l10n.t('Agent {0}: ', agentId), !isAgentNode(arg));
    }
    panels.show(agentId, details, ctx.monitor.settings.origin ?? '', new Date());
    return details;
  });
}
