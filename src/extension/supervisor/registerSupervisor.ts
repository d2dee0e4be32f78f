import * as path from 'node:path';
import * as vscode from 'vscode';
import { HistoryStore } from '../../core/history/historyStore';
import { isAgentNode, isTeamNode } from '../treeViews/agentsTreeProvider';
import { isQueueNode, queueName } from '../treeViews/queuesTreeProvider';
import { TrendPanels, type TrendTarget } from './trendPanel';
import type { CommandContext } from '../commands/commandContext';
import type { BackgroundNotifier } from '../notifications/notifier';
import { DetailsPanels } from './detailsPanel';
import { registerSupervisorCommands } from './supervisorCommands';
import type { ViewOptions } from './viewOptions';
import type { WebviewTap } from '../testHooks';

/**
 * The Supervisor view's wiring (issue 13), kept out of extension.ts: its commands,
 * the one explanation when a gateway refuses the agent state interface, and the
 * notice for invalid team entries.
 */
export interface SupervisorApi {
  readonly details: DetailsPanels;
  readonly history: HistoryStore;
  readonly trends: TrendPanels;
}

/** `tap` (test mode only) sees everything handed to the details and trend webviews. */
export function registerSupervisor(ctx: CommandContext, options: ViewOptions, notifier: BackgroundNotifier, context: vscode.ExtensionContext, tap?: WebviewTap): { disposables: vscode.Disposable[]; details: DetailsPanels; api: SupervisorApi } {
  const { monitor } = ctx;
  const details = new DetailsPanels({ extensionUri: context.extensionUri, fetch: (agentId) => monitor.queryDetailed(agentId), intervalMs: () => monitor.settings.pollIntervalMs, tap, log: ctx.log });
  const disposables: vscode.Disposable[] = [details, ...registerSupervisorCommands(ctx, options)];

  const stateRefused = () => {
    const refusal = monitor.stateRefusal;
    const origin = monitor.settings.origin ?? '';
    if (!refusal) return notifier.resolve('stateRefused');
    notifier.notify(
      'stateRefused',
      origin,
      'info',
      vscode.l10n.t('The gateway {0} does not answer agent state queries ({1}). Rows show counters only; set ccGateway.agentState.enabled to false to stop asking.', origin, refusal.message),
      { title: vscode.l10n.t('Open Settings'), run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'ccGateway.agentState.enabled') },
    );
  };
  disposables.push(monitor.onDidChangeStateAvailability(stateRefused));

  const teamsChanged = () => {
    const s = monitor.settings;
    void vscode.commands.executeCommand('setContext', 'ccGateway.hasTeams', s.teams.length > 0);
    if (s.teamProblems.length === 0) return notifier.resolve('invalidTeams');
    notifier.notify(
      'invalidTeams',
      JSON.stringify(s.teamProblems),
      'warning',
      vscode.l10n.t('ccGateway.teams or ccGateway.teamOf has {0} invalid entries, skipped: {1}', s.teamProblems.length, s.teamProblems[0].message),
      // The search shows both settings.
      { title: vscode.l10n.t('Open Settings'), run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'ccGateway.team') },
    );
  };
  teamsChanged();
  disposables.push(monitor.onDidChangeSettings(teamsChanged));

  // The shift's history: every change of an agent's counters, per gateway and day. At start it
  // applies the retention (0 deletes the files) and makes existing files owner-only.
  const history = new HistoryStore(path.join(context.globalStorageUri.fsPath, 'history'), { retentionDays: monitor.settings.historyRetentionDays, log: ctx.log });
  disposables.push(
    { dispose: () => void history.close() },
    monitor.store.onDidChange((change) => {
      const origin = monitor.settings.origin;
      if (!origin) return;
      for (const id of change.changed) {
        const e = monitor.store.get(id);
        if (e?.state === 'ok' && e.stats) history.record(origin, id, e.stats, e.fetchedAt);
      }
    }),
    monitor.onDidChangeSettings((s) => void history.setRetentionDays(s.historyRetentionDays)),
    // Issue 18: queue samples go into the same day files (a sample only when a number changed).
    monitor.queues.onDidChange(() => {
      const origin = monitor.settings.origin;
      if (!origin) return;
      for (const e of monitor.queues.all()) if (e.state === 'ok' && e.stats) history.recordQueue(origin, e.id, e.stats, e.fetchedAt);
    }),
  );
  const trends = new TrendPanels(context.extensionUri, monitor, history, tap, ctx.log);
  disposables.push(
    trends,
    vscode.commands.registerCommand('ccGateway.showTrend', async (arg?: unknown): Promise<TrendTarget | undefined> => {
      let target: TrendTarget | undefined =
        isQueueNode(arg) ? { kind: 'queue', queueId: arg.queueId }
        : isAgentNode(arg) ? { kind: 'agent', agentId: arg.agentId }
        : isTeamNode(arg) ? { kind: 'team', team: arg.team }
        : arg && typeof arg === 'object' && (arg as { type?: unknown }).type === 'totals' ? { kind: 'total' }
        : typeof arg === 'string' && monitor.settings.agents.includes(arg as never) ? { kind: 'agent', agentId: arg }
        : arg && typeof arg === 'object' && typeof (arg as { team?: unknown }).team === 'string' ? { kind: 'team', team: (arg as { team: string }).team }
        : undefined;
      if (!target) {
        const picks: (vscode.QuickPickItem & { target: TrendTarget })[] = [
          { label: `$(graph) ${vscode.l10n.t('All watched agents')}`, target: { kind: 'total' } },
          ...monitor.settings.teams.map((t) => ({ label: `$(organization) ${t.name}`, target: { kind: 'team' as const, team: t.name } })),
          ...monitor.settings.agents.map((a) => ({ label: `$(person) ${a}`, target: { kind: 'agent' as const, agentId: a } })),
          ...monitor.queues.all().map((q) => ({ label: `$(inbox) ${queueName(q)}`, description: vscode.l10n.t('queue'), target: { kind: 'queue' as const, queueId: q.id } })),
        ];
        target = (await vscode.window.showQuickPick(picks, { title: vscode.l10n.t('CC-Gateway: Show Trend') }))?.target;
        if (!target) return undefined;
      }
      trends.show(target);
      return target;
    }),
  );
  return { disposables, details, api: { details, history, trends } };
}
