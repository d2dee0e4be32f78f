import * as vscode from 'vscode';
import { isAgentNode } from '../trees/agentsTreeProvider';
import type { CommandContext } from './commandContext';

export function registerPollingCommands(ctx: CommandContext): vscode.Disposable[] {
  const setPausedContext = (paused: boolean) => vscode.commands.executeCommand('setContext', 'ccGateway.paused', paused);
  return [
    // Refresh from a row refreshes its gateway (its agent); from the palette, every gateway.
    vscode.commands.registerCommand('ccGateway.refresh', (arg?: unknown) => {
      const owner = ctx.gateways.ownerOfNode(arg);
      if (owner) return owner.monitor.refresh(isAgentNode(arg) ? arg.agentId : undefined);
      for (const u of ctx.gateways.list) u.monitor.refresh();
    }),
    vscode.commands.registerCommand('ccGateway.pausePolling', async () => {
      ctx.gateways.setPaused(true);
      await setPausedContext(true);
      ctx.log.info('Polling paused.');
    }),
    vscode.commands.registerCommand('ccGateway.resumePolling', async () => {
      ctx.gateways.setPaused(false);
      await setPausedContext(false);
      ctx.log.info('Polling resumed.');
    }),
  ];
}
