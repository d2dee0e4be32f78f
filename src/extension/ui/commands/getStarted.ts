import * as vscode from 'vscode';
import type { AgentMonitor } from '../../gateways/agentMonitor';

const SHOWN_KEY = 'ccGateway.walkthroughShown';

/**
 * The walkthrough (contributes.walkthroughs): opened by Get Started, and once by itself on
 * the first run, when no gateway is set yet. Not under the test harness, whose fresh
 * profiles would open it in every extension-host suite.
 */
export function registerGetStarted(context: vscode.ExtensionContext, monitor: AgentMonitor): vscode.Disposable[] {
  const id = `${context.extension.id}#ccGateway.gettingStarted`;
  const open = () => vscode.commands.executeCommand('workbench.action.openWalkthrough', id, false);
  if (context.extensionMode !== vscode.ExtensionMode.Test && !context.globalState.get(SHOWN_KEY) && monitor.settings.gatewayUrlText === '') {
    void context.globalState.update(SHOWN_KEY, true);
    void open();
  }
  return [vscode.commands.registerCommand('ccGateway.getStarted', open)];
}
