import * as vscode from 'vscode';
import { askValid } from './askValid';
import { validateAgentId } from '../../../core/ids/agentId';
import { normalizeGuid } from '../../../core/ids/guid';
import { isAgentNode } from '../trees/agentsTreeProvider';
import { gatewayContext, withoutGateway, type CommandContext } from './commandContext';
import { requireOrigin } from './requireOrigin';

/**
 * Set Guid… stores a Guid for the current gateway origin only. An optional
 * string argument is for scripts; an agent row (or `{ agentId, guid }`) sets
 * that agent's own Guid. Messages never contain the value.
 */
export function registerGuidCommands(root: CommandContext): vscode.Disposable[] {
  const setGuid = async (arg?: unknown): Promise<boolean> => {
    const ctx = await gatewayContext(root, arg, vscode.l10n.t('CC-Gateway: Set Guid'));
    if (!ctx) return false;
    arg = withoutGateway(arg);
    const origin = await requireOrigin(ctx, vscode.l10n.t('Set the gateway URL first: a Guid is stored for one gateway.'));
    if (!origin) return false;
    let agentId: string | undefined;
    let value: unknown;
    if (typeof arg === 'string') value = arg;
    else if (isAgentNode(arg)) agentId = arg.agentId;
    else if (arg && typeof arg === 'object') {
      const o = arg as { agentId?: unknown; guid?: unknown };
      value = o.guid;
      if (o.agentId !== undefined) {
        const r = validateAgentId(o.agentId, ctx.monitor.settings.agentIdMax);
        if (!r.ok) {
          void vscode.window.showErrorMessage(r.message);
          return false;
        }
        agentId = r.value;
      }
    }
    const guid = await askValid(
      value,
      {
        title: agentId ? vscode.l10n.t('CC-Gateway: Set Guid for Agent {0}', agentId) : vscode.l10n.t('CC-Gateway: Set Guid'),
        prompt: agentId
          ? vscode.l10n.t('Guid for {0}, agent {1} only (the value after JSESSIONID= is fine too)', origin, agentId)
          : vscode.l10n.t('Guid for {0} (the value after JSESSIONID= is fine too)', origin),
        password: true,
      },
      normalizeGuid,
    );
    if (guid === undefined) return false;
    await ctx.guids.set(origin, guid, agentId);
    ctx.log.info(`A Guid was stored for ${origin}${agentId ? `, agent ${agentId}` : ''}.`);
    vscode.window.setStatusBarMessage(`$(key) ${agentId ? vscode.l10n.t('Guid stored for {0}, agent {1}', origin, agentId) : vscode.l10n.t('Guid stored for {0}', origin)}`, 4000);
    return true;
  };

  const clearGuid = async (arg?: unknown): Promise<boolean> => {
    const ctx = await gatewayContext(root, arg, vscode.l10n.t('CC-Gateway: Clear Guid'));
    if (!ctx) return false;
    arg = withoutGateway(arg);
    const origin = ctx.monitor.settings.origin;
    if (!origin) return false;
    const agentId = isAgentNode(arg) ? arg.agentId : undefined;
    await ctx.guids.delete(origin, agentId);
    ctx.log.info(`The Guid for ${origin}${agentId ? `, agent ${agentId}` : ''} was removed.`);
    void vscode.window.showInformationMessage(
      agentId ? vscode.l10n.t('The Guid for {0}, agent {1} was removed from secret storage.', origin, agentId) : vscode.l10n.t('The Guid for {0} was removed from secret storage.', origin),
    );
    return true;
  };

  return [
    vscode.commands.registerCommand('ccGateway.setGuid', setGuid),
    vscode.commands.registerCommand('ccGateway.setAgentGuid', (arg?: unknown) => setGuid(isAgentNode(arg) ? arg : undefined)),
    vscode.commands.registerCommand('ccGateway.clearGuid', clearGuid),
  ];
}
