import * as vscode from 'vscode';
import { askValid } from './askValid';
import { parseGatewayUrl } from '../../../core/ids/gatewayUrl';
import { updateSetting } from '../../adapters/settings';
import type { CommandContext } from './commandContext';

export function registerSettingsCommands(ctx: CommandContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('ccGateway.setGatewayUrl', async (arg?: unknown): Promise<boolean> => {
      const value: unknown = typeof arg === 'string' ? arg : undefined;
      const origin = await askValid(
        value,
        {
          title: vscode.l10n.t('CC-Gateway: Set Gateway URL'),
          prompt: vscode.l10n.t('https://host:port of the CC-Gateway (port 8043 when omitted)'),
          placeHolder: 'https://ccgateway.example.com:8043',
          value: ctx.monitor.settings.gatewayUrlText,
        },
        (v) => {
          const r = parseGatewayUrl(v);
          return r.ok ? { ok: true, value: r.origin } : r;
        },
      );
      if (origin === undefined) return false;
      await updateSetting('gatewayUrl', origin);
      return true;
    }),
    vscode.commands.registerCommand('ccGateway.openTlsSettings', () => vscode.commands.executeCommand('workbench.action.openSettings', 'ccGateway.tls')),
    vscode.commands.registerCommand('ccGateway.openSettings', () => vscode.commands.executeCommand('workbench.action.openSettings', '@ext:ccgateway-tools.ccgateway-agent-stats')),
    vscode.commands.registerCommand('ccGateway.showLog', () => ctx.log.show(true)),
  ];
}
