import * as vscode from 'vscode';
import { isAgentNode } from '../treeViews/agentsTreeProvider';
import type { CommandContext } from './commandContext';

export function registerPollingCommands(ctx: CommandContext): vscode.Disposable[] {
  const setPausedContext = (paused: boolean) => vscode.commands.executeCommand('setContext', 'ccGateway.paused', paused);
  return [
    vscode.commands.registerCommand('ccGateway.refresh', (arg?: unknown) => {
      ctx.monitor.refresh(isAgentNode(arg) ? arg.agentId : undefined);
    }),
    vscode.commands.registerCommand('ccGateway.pausePolling', async () => {
      ctx.monitor.pause();
      await setPausedContext(true);
      ctx.log.info('Polling paused.');
    }),
    vscode.commands.registerCommand('ccGateway.resumePolling', async () => {
      ctx.monitor.resume();
      await setPausedContext(false);
      ctx.log.info('Polling resumed.');
    }),
  ];
}
