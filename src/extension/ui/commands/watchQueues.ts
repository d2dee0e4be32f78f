import * as vscode from 'vscode';
import { isQueueId, type SkillQueue } from '../../../core/model/queues';
import { updateGatewaySetting } from '../../adapters/settings';
import type { CommandContext } from './commandContext';
import { showGatewayError } from './gatewayErrors';

type QueuePick = vscode.QuickPickItem & { readonly queueId: number };

/**
 * Watch Queues…: the VCC's queues by name in a multi-select pick; the choice is
 * written to ccGateway.queues. Picking none watches every real queue (the setting's empty
 * value). With a list of IDs as argument (tests, keybindings) it writes that list directly.
 */
export function registerWatchQueues(ctx: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand('ccGateway.watchQueues', async (arg?: unknown): Promise<number[] | undefined> => {
    const unit = await ctx.gateways.resolve(Array.isArray(arg) ? undefined : arg, vscode.l10n.t('CC-Gateway: Watch Queues'));
    if (!unit) return undefined;
    const { monitor } = unit;
    const given = Array.isArray(arg) ? arg : arg && typeof arg === 'object' && Array.isArray((arg as { queues?: unknown }).queues) ? (arg as { queues: unknown[] }).queues : undefined;
    if (given) {
      const ids = given.filter(isQueueId);
      await updateGatewaySetting(unit.key, 'queues', ids);
      return ids;
    }
    if (!monitor.core.connection?.sessionAgent) {
      const signIn = vscode.l10n.t('Sign In…');
      const choice = await vscode.window.showInformationMessage(vscode.l10n.t('The gateway lists its queues to a signed-in agent only. Sign in to choose queues.'), signIn);
      if (choice === signIn) void vscode.commands.executeCommand('ccGateway.signIn', { gateway: unit.name });
      return undefined;
    }
    let listed: { vcc: readonly SkillQueue[]; own: readonly SkillQueue[] };
    try {
      listed = await vscode.window.withProgress({ location: { viewId: 'ccGateway.queues' } }, () => monitor.queues.readCatalogue());
    } catch (e) {
      showGatewayError(e, vscode.l10n.t('Could not read the queues: '));
      return undefined;
    }
    const watched = new Set(monitor.settings.queueIds);
    const own = new Set(listed.own.map((q) => q.id));
    const items: QueuePick[] = listed.vcc.map((q) => ({
      label: q.name,
      description: [`ID ${q.id}`, own.has(q.id) ? vscode.l10n.t('your queue') : undefined, q.real ? undefined : vscode.l10n.t('virtual')].filter(Boolean).join(' · '),
      queueId: q.id,
      picked: watched.size > 0 ? watched.has(q.id) : q.real,
    }));
    if (items.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('The gateway lists no skill queues for this agent\'s VCC.'));
      return undefined;
    }
    const chosen = await vscode.window.showQuickPick(items, {
      canPickMany: true,
      title: vscode.l10n.t('CC-Gateway: Watch Queues'),
      placeHolder: vscode.l10n.t('Choose the queues to show; choose none to show every real queue of the VCC'),
      matchOnDescription: true,
    });
    if (!chosen) return undefined;
    const ids = chosen.map((c) => c.queueId);
    await updateGatewaySetting(unit.key, 'queues', ids);
    return ids;
  });
}
