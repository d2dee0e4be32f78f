import * as vscode from 'vscode';
import { askValid } from './askValid';
import { describeStats, formatDuration } from '../../../core/format/format';
import type { AgentStatistics } from '../../../core/model/statistics';
import { validateAgentId, type AgentId } from '../../../core/ids/agentId';
import { addAgentToSettings } from './addAgent';
import { gatewayContext, type CommandContext } from './commandContext';
import { statsJson } from './copyAsJson';
import { failRequest } from './gatewayErrors';

/**
 * "Query Agent Statistics…": with an ID argument (`"101"`, or `{ gateway, agentId }` with
 * several gateways) it asks nothing and returns the statistics to the caller; a failed query
 * rejects with the reason (undefined: an invalid ID or an unknown gateway, said in a message).
 * With several gateways the palette asks which.
 */
export function registerQueryAgent(root: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand('ccGateway.queryAgent', async (arg?: unknown): Promise<AgentStatistics | undefined> => {
    const ctx = await gatewayContext(root, arg, vscode.l10n.t('CC-Gateway: Query Agent Statistics'));
    if (!ctx) return undefined;
    const max = ctx.monitor.settings.agentIdMax;
    const given = arg && typeof arg === 'object' && 'agentId' in arg ? (arg).agentId : arg;
    const agentId = await askValid(
      given !== null && typeof given !== 'object' ? given : undefined,
      { title: vscode.l10n.t('CC-Gateway: Query Agent Statistics'), prompt: vscode.l10n.t('Agent ID ({0}–{1})', 101, max), placeHolder: vscode.l10n.t('e.g. {0}', 101) },
      (v) => validateAgentId(v, max),
    );
    const scripted = given !== undefined && given !== null && typeof given !== 'object';
    return agentId === undefined ? undefined : queryAndShow(ctx, agentId, scripted);
  });
}

/** `scripted`: the caller named the agent, so a failure rejects instead of showing a notification. */
export async function queryAndShow(ctx: CommandContext, agentId: AgentId, scripted = false): Promise<AgentStatistics | undefined> {
  let stats: AgentStatistics;
  try {
    stats = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Querying agent {0}…', agentId), cancellable: false },
      () => ctx.monitor.synced().query(agentId),
    );
  } catch (e) {
    return failRequest(e, vscode.l10n.t('Agent {0}: ', agentId), scripted);
  }
  const watched = ctx.monitor.settings.agents.includes(agentId);
  const copy = vscode.l10n.t('Copy as JSON');
  const add = vscode.l10n.t('Add to Watched Agents');
  const actions = watched ? [copy] : [add, copy];
  const message =
    stats.answernums > 0
      ? vscode.l10n.t('Agent {0}: {1} talk time · average {2}', agentId, describeStats(stats), formatDuration(Math.round(stats.talktime / stats.answernums)))
      : vscode.l10n.t('Agent {0}: {1} talk time', agentId, describeStats(stats));
  // Not awaited: a script calling the command must not wait for someone to click.
  void vscode.window.showInformationMessage(message, ...actions).then(async (choice) => {
    if (choice === add) await addAgentToSettings(agentId, ctx.monitor.key);
    if (choice === copy) await vscode.env.clipboard.writeText(statsJson(agentId, stats));
  });
  return stats;
}
