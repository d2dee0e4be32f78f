import * as vscode from 'vscode';
import type { Preferences } from '../../../core/storage/preferences';
import type { AgentMonitor } from '../../gateways/agentMonitor';

/**
 * The walkthrough (contributes.walkthroughs): opened by Get Started, and once by itself on
 * the first run, when no gateway is set yet. Not under the test harness, whose fresh
 * profiles would open it in every extension-host suite.
 */
export function registerGetStarted(context: vscode.ExtensionContext, monitor: AgentMonitor, preferences: Preferences): vscode.Disposable[] {
  const id = `${context.extension.id}#ccGateway.gettingStarted`;
  const open = () => vscode.commands.executeCommand('workbench.action.openWalkthrough', id, false);
  if (context.extensionMode !== vscode.ExtensionMode.Test && !preferences.walkthroughShown() && monitor.settings.gatewayUrlText === '') {
    void preferences.setWalkthroughShown();
    void open();
  }
  return [vscode.commands.registerCommand('ccGateway.getStarted', open)];
}
