import * as vscode from 'vscode';
import { isGatewayError } from '../../core/gateway/errors';

/** Shows a failure in plain words with the action that fixes it; never rethrows. */
export function showGatewayError(e: unknown, prefix = ''): void {
  if (!isGatewayError(e)) {
    void vscode.window.showErrorMessage(`${prefix}Unexpected error; see the "CC-Gateway" log.`, 'Show Log').then((c) => c && vscode.commands.executeCommand('ccGateway.showLog'));
    return;
  }
  const actions: Record<string, [command: string, ...args: unknown[]]> = {};
  // The proxy's failures (codes PROXY_*) are fixed in VS Code's proxy settings, not ours.
  const proxy = e.details.code?.startsWith('PROXY_') === true;
  if (e.kind === 'auth') actions['Set Guid…'] = ['ccGateway.setGuid'];
  if (proxy) actions['Open Proxy Settings'] = ['workbench.action.openSettings', 'http.proxy'];
  else if (e.kind === 'tls') actions['Open TLS Settings'] = ['ccGateway.openTlsSettings'];
  else if (e.kind === 'invalid-request' || e.kind === 'network') actions['Set Gateway URL…'] = ['ccGateway.setGatewayUrl'];
  actions['Show Log'] = ['ccGateway.showLog'];
  const show = e.kind === 'agent-offline' ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
  void show(`${prefix}${e.message}`, ...Object.keys(actions)).then((choice) => choice && vscode.commands.executeCommand(...actions[choice]));
}
