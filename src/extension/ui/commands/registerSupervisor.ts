import * as vscode from 'vscode';
import type { HistoryStore } from '../../../core/history/historyStore';
import { isAgentNode, isTeamNode } from '../trees/agentsTreeProvider';
import { isQueueNode, queueName } from '../trees/queuesTreeProvider';
import { TrendPanels, type TrendTarget } from '../panels/trendPanel';
import type { GatewayUnit } from '../../gateways/gatewayUnit';
import { isGatewayNode } from '../trees/fleetTree';
import type { CommandContext } from './commandContext';
import { DetailsPanels } from '../panels/detailsPanel';
import { registerSupervisorCommands } from './supervisorCommands';
import type { ViewOptions } from '../trees/viewOptions';
import type { WebviewTap } from '../../testHooks';
import type { DetailedStatistics } from '../../../core/model/statistics';
import type { AgentId } from '../../../core/ids/agentId';

/**
 * The Supervisor view's wiring, kept out of activate.ts: its commands and Show
 * Trend. (The explanation when a gateway refuses the agent state interface and the notice
 * for invalid team entries are per gateway: gateways/gatewayUnit.ts.)
 */
export interface SupervisorApi {
  readonly details: DetailsPanels;
  readonly history: HistoryStore;
  readonly trends: TrendPanels;
  /** The chart over every gateway, once shown. */
  readonly allGatewaysTrends: TrendPanels | undefined;
}

/**
 * `history` is shared by every gateway (files per gateway and day); each gateway's unit records
 * into it and has its own trend panels. `tap` (test mode only) sees what the webviews are handed.
 */
export function registerSupervisor(ctx: CommandContext, options: ViewOptions, history: HistoryStore, context: vscode.ExtensionContext, tap?: WebviewTap): { disposables: vscode.Disposable[]; details: DetailsPanels; api: SupervisorApi } {
  // A details panel refreshes from the gateway it was opened for.
  const fetch = (agentId: AgentId, origin: string): Promise<DetailedStatistics> => {
    const unit = ctx.gateways.list.find((u) => u.origin === origin);
    return unit ? unit.monitor.synced().queryDetailed(agentId) : Promise.reject(new Error(vscode.l10n.t('The gateway {0} is no longer configured.', origin)));
  };
  const details = new DetailsPanels({ extensionUri: context.extensionUri, fetch, intervalMs: () => ctx.gateways.primary.monitor.settings.pollIntervalMs, tap, log: ctx.log });
  const disposables: vscode.Disposable[] = [details, ...registerSupervisorCommands(ctx, options)];

  // One chart over every gateway. Its panels borrow the first gateway's settings and
  // go with that gateway's unit (made anew from the next first one on the next use).
  let allGateways: { readonly unit: GatewayUnit; readonly panels: TrendPanels } | undefined;
  const allGatewaysPanels = (): TrendPanels => {
    const unit = ctx.gateways.primary;
    if (allGateways?.unit !== unit) {
      allGateways?.panels.dispose();
      const scope = () => ctx.gateways.list.flatMap((u) => (u.origin ? [{ origin: u.origin, agents: u.monitor.settings.agents }] : []));
      allGateways = { unit, panels: new TrendPanels(context.extensionUri, unit.monitor, history, tap, ctx.log, scope) };
    }
    return allGateways.panels;
  };
  disposables.push(
    { dispose: () => allGateways?.panels.dispose() },
    ctx.gateways.onDidChange(() => {
      if (allGateways && !ctx.gateways.list.includes(allGateways.unit)) {
        allGateways.panels.dispose();
        allGateways = undefined;
      }
    }),
  );
  const wantsAll = (arg: unknown) => !!arg && typeof arg === 'object' && (arg as { allGateways?: unknown }).allGateways === true;
  disposables.push(
    vscode.commands.registerCommand('ccGateway.showTrend', async (arg?: unknown): Promise<TrendTarget | undefined> => {
      if (ctx.gateways.list.length > 1 && arg === undefined) {
        // From the palette with several gateways: everything together, or one gateway.
        const all = { label: `$(graph) ${vscode.l10n.t('All gateways together')}`, all: true as const };
        const picked = await vscode.window.showQuickPick([all, ...ctx.gateways.list.map((u) => ({ label: `$(server) ${u.name}`, description: u.origin, unit: u }))], { title: vscode.l10n.t('CC-Gateway: Show Trend'), placeHolder: vscode.l10n.t('Which gateway?') });
        if (!picked) return undefined;
        if ('all' in picked) arg = { allGateways: true };
        else arg = { gateway: picked.unit.name };
      }
      if (wantsAll(arg)) {
        allGatewaysPanels().show({ kind: 'total' });
        return { kind: 'total' };
      }
      const unit = await ctx.gateways.resolve(arg, vscode.l10n.t('CC-Gateway: Show Trend'));
      if (!unit) return undefined;
      const monitor = unit.monitor;
      let target: TrendTarget | undefined =
        isQueueNode(arg) ? { kind: 'queue', queueId: arg.queueId }
        : isAgentNode(arg) ? { kind: 'agent', agentId: arg.agentId }
        : isTeamNode(arg) ? { kind: 'team', team: arg.team }
        : isGatewayNode(arg) ? { kind: 'total' }
        : arg && typeof arg === 'object' && (arg as { type?: unknown }).type === 'totals' ? { kind: 'total' }
        : typeof arg === 'string' && monitor.settings.agents.includes(arg as never) ? { kind: 'agent', agentId: arg }
        : arg && typeof arg === 'object' && typeof (arg as { agentId?: unknown }).agentId === 'string' && monitor.settings.agents.includes((arg as { agentId: string }).agentId as never) ? { kind: 'agent', agentId: (arg as { agentId: string }).agentId }
        : arg && typeof arg === 'object' && typeof (arg as { team?: unknown }).team === 'string' ? { kind: 'team', team: (arg as { team: string }).team }
        : arg && typeof arg === 'object' && (arg as { total?: unknown }).total === true ? { kind: 'total' }
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
      unit.trends.show(target);
      return target;
    }),
  );
  const api: SupervisorApi = {
    details,
    history,
    // Tests read the first gateway's panels.
    get trends() {
      return ctx.gateways.primary.trends;
    },
    get allGatewaysTrends() {
      return allGateways?.panels;
    },
  };
  return { disposables, details, api };
}
