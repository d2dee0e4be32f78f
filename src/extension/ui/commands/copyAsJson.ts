import * as vscode from 'vscode';
import type { AgentStatistics } from '../../../core/model/statistics';
import { isAgentNode } from '../trees/agentsTreeProvider';
import { gatewayContext, withoutGateway, type CommandContext } from './commandContext';

export function statsJson(agentId: string, stats: AgentStatistics | undefined, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ agentId, ...extra, ...(stats ? { talktime: stats.talktime, answernums: stats.answernums, calloutnums: stats.calloutnums } : {}) }, null, 2);
}

export function registerCopyAsJson(root: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand('ccGateway.copyAsJson', async (arg?: unknown): Promise<string | undefined> => {
    const ctx = await gatewayContext(root, arg, vscode.l10n.t('CC-Gateway: Copy as JSON'));
    if (!ctx) return undefined;
    arg = withoutGateway(arg);
    const agentId = isAgentNode(arg) ? arg.agentId : typeof arg === 'string' ? arg : undefined;
    const entry = agentId ? ctx.monitor.core.store.get(agentId) : undefined;
    if (!entry) return undefined;
    const text = statsJson(entry.agentId, entry.stats, {
      state: entry.state,
      fetchedAt: entry.fetchedAt ? new Date(entry.fetchedAt).toISOString() : null,
      ...(entry.error && entry.state !== 'ok' ? { problem: entry.error.message } : {}),
    });
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied agent {0} as JSON', entry.agentId), 3000);
    return text;
  });
}
