import * as vscode from 'vscode';
import { askValid } from './askValid';
import { parseTeamUrl } from '../../../core/sharing/teamUrl';
import { TEAM_PASSWORD_KEY, TEAM_URL_SETTING, type SharedReadsService } from '../../adapters/sharedReads';

/**
 * Join Team…: the team's Redis (ccGateway.team.redisUrl, user settings) and its password
 * (SecretStorage only). An empty password removes a stored one (a Redis without AUTH).
 */
export function registerJoinTeam(context: vscode.ExtensionContext, reads: SharedReadsService): vscode.Disposable {
  return vscode.commands.registerCommand('ccGateway.joinTeam', async (arg?: unknown): Promise<boolean> => {
    const current = vscode.workspace.getConfiguration().get<string>(TEAM_URL_SETTING) ?? '';
    const url = await askValid(
      typeof arg === 'string' ? arg : undefined,
      {
        title: vscode.l10n.t('CC-Gateway: Join Team'),
        prompt: vscode.l10n.t('The team\'s Redis: redis://host:6379 or rediss://host:6380 (a user name may go before @; the password comes next)'),
        placeHolder: 'rediss://redis.example.com:6380',
        value: current,
      },
      (v) => {
        const r = parseTeamUrl(typeof v === 'string' ? v : '');
        return r.ok ? { ok: true, value: r.url } : r;
      },
    );
    if (url === undefined) return false;
    const password = await vscode.window.showInputBox({
      ignoreFocusOut: true,
      password: true,
      title: vscode.l10n.t('CC-Gateway: Join Team'),
      prompt: vscode.l10n.t('The Redis user\'s password (kept in the OS keychain; leave empty for a Redis without a password)'),
    });
    if (password === undefined) return false;
    if (password) await context.secrets.store(TEAM_PASSWORD_KEY, password);
    else await context.secrets.delete(TEAM_PASSWORD_KEY);
    await vscode.workspace.getConfiguration().update(TEAM_URL_SETTING, url, vscode.ConfigurationTarget.Global);
    await reads.applyTeam(true);
    return true;
  });
}
