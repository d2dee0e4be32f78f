import * as vscode from 'vscode';
import type { CommandContext } from './commandContext';

/** The current gateway origin; without one, says `why` and offers Set Gateway URL…. */
export async function requireOrigin(ctx: CommandContext, why: string): Promise<string | undefined> {
  const origin = ctx.monitor.settings.origin;
  if (origin) return origin;
  const choice = await vscode.window.showErrorMessage(why, vscode.l10n.t('Set Gateway URL…'));
  if (choice) await vscode.commands.executeCommand('ccGateway.setGatewayUrl');
  return undefined;
}
