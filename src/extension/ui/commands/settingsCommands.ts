import * as vscode from 'vscode';
import { parseGatewayUrl } from '../../../core/ids/gatewayUrl';
import { updateSetting } from '../../adapters/settings';
import type { CommandContext } from './commandContext';

export function registerSettingsCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('ccGateway.setGatewayUrl', async (arg?: unknown): Promise<boolean> => {
      let value: unknown = typeof arg === 'string' ? arg : undefined;
      if (value === undefined) {
        value = await vscode.window.showInputBox({
          title: vscode.l10n.t('CC-Gateway: Set Gateway URL'),
          prompt: vscode.l10n.t('https://host:port of the CC-Gateway (port 8043 when omitted)'),
          placeHolder: 'https://ccgateway.example.com:8043',
          value: ctx.monitor.settings.gatewayUrlText,
          ignoreFocusOut: true,
          validateInput: (v) => {
            const r = parseGatewayUrl(v);
            return r.ok ? undefined : r.message;
          },
        });
        if (value === undefined) return false;
      }
      const r = parseGatewayUrl(value);
      if (!r.ok) {
        void vscode.window.showErrorMessage(r.message);
        return false;
      }
      await updateSetting('gatewayUrl', r.origin);
      return true;
    }),
    vscode.commands.registerCommand('ccGateway.openTlsSettings', () => vscode.commands.executeCommand('workbench.action.openSettings', 'ccGateway.tls')),
    vscode.commands.registerCommand('ccGateway.openSettings', () => vscode.commands.executeCommand('workbench.action.openSettings', '@ext:ccgateway-tools.ccgateway-agent-stats')),
    vscode.commands.registerCommand('ccGateway.showLog', () => ctx.log.show(true)),
  ];
}
