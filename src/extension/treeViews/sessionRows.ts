import * as vscode from 'vscode';
import type { SessionStatus } from '../../core/connection/agentSession';
import { formatAge } from '../../core/format/format';

const time = (ms: number) => new Date(ms).toLocaleTimeString();

/** One row per session of this window: signed in as whom, since when, Guid renewed when, or why not. */
export function sessionItem(agentId: string, status: SessionStatus): vscode.TreeItem {
  const item = new vscode.TreeItem(vscode.l10n.t('Signed in as {0}', agentId), vscode.TreeItemCollapsibleState.None);
  item.id = `session:${agentId}`;
  item.contextValue = `session.${status.kind}`;
  switch (status.kind) {
    case 'signed-in':
      if (status.elsewhere) item.label = vscode.l10n.t('Signed in as {0} (in another window)', agentId);
      item.iconPath = new vscode.ThemeIcon('account', new vscode.ThemeColor('testing.iconPassed'));
      item.description = status.renewedAt
        ? vscode.l10n.t('since {0} · Guid renewed {1}', time(status.since), time(status.renewedAt))
        : vscode.l10n.t('since {0}', time(status.since));
      break;
    case 'signing-in':
    case 'reconnecting':
      item.label = vscode.l10n.t('Signing in as {0}…', agentId);
      item.iconPath = new vscode.ThemeIcon('sync~spin');
      item.description = status.kind === 'reconnecting' ? vscode.l10n.t('attempt {0}: {1}', status.attempt, status.reason) : '';
      break;
    case 'stopped':
      item.label = vscode.l10n.t('Agent {0} not signed in', agentId);
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
      item.description = status.reason;
      item.command = { command: 'ccGateway.signIn', title: vscode.l10n.t('Sign In…'), arguments: [{ type: 'agent', agentId }] };
      break;
    case 'signed-out':
      item.label = vscode.l10n.t('Agent {0} signed out', agentId);
      item.iconPath = new vscode.ThemeIcon('sign-out');
      break;
  }
  return item;
}

/** Computed when the tooltip opens, so the ages are current. */
export function sessionTooltip(agentId: string, status: SessionStatus, now: number): string {
  switch (status.kind) {
    case 'signed-in':
      return [
        vscode.l10n.t('Signed in from VS Code as agent {0} since {1} ({2} ago), without taking calls unless the sign-in method is "login".', agentId, time(status.since), formatAge(now - status.since)),
        ...(status.elsewhere ? [vscode.l10n.t('Another VS Code window on this machine runs the session; this window uses its Guid and takes the session over when that window closes.')] : []),
        status.renewedAt ? vscode.l10n.t('The gateway renewed the Guid {0} ago; the extension follows every renewal.', formatAge(now - status.renewedAt)) : vscode.l10n.t('The Guid has not been renewed yet (static gateways never renew it).'),
      ].join('\n');
    case 'stopped':
      return status.reason;
    case 'reconnecting':
      return vscode.l10n.t('The session was lost; signing in again (attempt {0}): {1}', status.attempt, status.reason);
    default:
      return '';
  }
}

/** The session in one line of the status-bar tooltip. */
export function sessionLine(agentId: string, status: SessionStatus, now: number): string {
  switch (status.kind) {
    case 'signed-in':
      if (status.elsewhere) return vscode.l10n.t('Signed in as {0} (in another window)', agentId);
      return status.renewedAt
        ? vscode.l10n.t('Signed in as {0} since {1}; Guid renewed {2} ago', agentId, time(status.since), formatAge(now - status.renewedAt))
        : vscode.l10n.t('Signed in as {0} since {1}', agentId, time(status.since));
    case 'stopped':
      return vscode.l10n.t('Agent {0} not signed in: {1}', agentId, status.reason);
    case 'signed-out':
      return vscode.l10n.t('Agent {0} signed out', agentId);
    default:
      return vscode.l10n.t('Signing in as {0}…', agentId);
  }
}
