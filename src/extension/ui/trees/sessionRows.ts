import * as vscode from 'vscode';
import type { SessionStatus } from '../../../core/sessions/agentSession';
import { formatAge } from '../../../core/format/format';
import { fitRow, INLINE_ACTION_PX } from '../../../core/format/rowFit';
import { detailsLine, plainWords } from '../../../core/format/plainWords';
import { stopWords } from '../sessionWords';
import { clockTime } from './agentTooltip';

const time = (ms: number) => new Date(ms).toLocaleTimeString();

/** What the view knows around a session: the gateway stopped answering; the session was signed in before. */
export interface SessionContext {
  readonly unreachable?: { readonly lastAnswer?: number };
  /** It was signed in in this window: signing in once more is "again". */
  readonly again?: boolean;
  readonly budgetPx?: number;
}

/** One row per session of this window: signed in as whom, since when, or what it is doing about it. */
export function sessionItem(agentId: string, status: SessionStatus, context: SessionContext = {}): vscode.TreeItem {
  const item = new vscode.TreeItem(vscode.l10n.t('Signed in as {0}', agentId), vscode.TreeItemCollapsibleState.None);
  item.id = `session:${agentId}`;
  item.contextValue = `session.${status.kind}`;
  let description = '';
  switch (status.kind) {
    case 'signed-in':
      if (context.unreachable) {
        // The session's event poll retries by itself while the gateway does not answer: say so, not "signed in".
        item.label = vscode.l10n.t('Reconnecting as {0}…', agentId);
        item.iconPath = new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('list.warningForeground'));
        description = context.unreachable.lastAnswer !== undefined ? vscode.l10n.t('no answer since {0}', clockTime(context.unreachable.lastAnswer)) : vscode.l10n.t('gateway not answering');
        item.contextValue = 'session.reconnecting';
        break;
      }
      if (status.elsewhere) item.label = vscode.l10n.t('Signed in as {0} (in another window)', agentId);
      item.iconPath = new vscode.ThemeIcon('account', new vscode.ThemeColor('testing.iconPassed'));
      description = vscode.l10n.t('since {0}', clockTime(status.since));
      break;
    case 'signing-in':
    case 'reconnecting':
      item.label = context.again || status.kind === 'reconnecting' ? vscode.l10n.t('Signing in again as {0}…', agentId) : vscode.l10n.t('Signing in as {0}…', agentId);
      item.iconPath = new vscode.ThemeIcon('sync~spin');
      description = status.kind === 'reconnecting' ? vscode.l10n.t('attempt {0}', status.attempt) : '';
      break;
    case 'stopped':
      item.label = vscode.l10n.t('Agent {0} not signed in', agentId);
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
      description = stopWords(agentId, status);
      item.command = { command: 'ccGateway.signIn', title: vscode.l10n.t('Sign In…'), arguments: [{ type: 'agent', agentId }] };
      break;
    case 'signed-out':
      item.label = vscode.l10n.t('Agent {0} signed out', agentId);
      item.iconPath = new vscode.ThemeIcon('sign-out');
      break;
  }
  // The label says what matters; the description only while it fits (the tooltip has the rest).
  const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
  // A signed-in row's inline Sign Out covers its end when hovered: that room is left free.
  const actions = status.kind === 'signed-in' || status.kind === 'signing-in' || status.kind === 'reconnecting' ? 1 : 0;
  item.description = context.budgetPx ? fitRow(label, [{ text: description }], context.budgetPx - INLINE_ACTION_PX * actions).description : description;
  item.accessibilityInformation = { label: [label, description].filter(Boolean).join(', ') };
  return item;
}

/** Computed when the tooltip opens, so the ages are current. */
export function sessionTooltip(agentId: string, status: SessionStatus, now: number, unreachable?: { readonly lastAnswer?: number }): string {
  switch (status.kind) {
    case 'signed-in':
      if (unreachable) {
        return [
          vscode.l10n.t('The gateway does not answer; the session of agent {0} is kept and the extension keeps trying by itself. Nothing to do.', agentId),
          unreachable.lastAnswer !== undefined ? vscode.l10n.t('Last answer: {0} ({1}).', time(unreachable.lastAnswer), formatAge(now - unreachable.lastAnswer)) : '',
        ].filter(Boolean).join('\n');
      }
      return [
        vscode.l10n.t('Signed in from VS Code as agent {0} since {1} ({2}). Nothing to do: the numbers follow by themselves.', agentId, time(status.since), formatAge(now - status.since)),
        ...(status.elsewhere ? [vscode.l10n.t('Another VS Code window on this machine runs the session; this window uses its Guid and takes the session over when that window closes.')] : []),
        status.renewedAt ? vscode.l10n.t('The gateway renewed the Guid {0}; the extension follows every renewal.', formatAge(now - status.renewedAt)) : undefined,
      ].filter(Boolean).join('\n');
    case 'stopped': {
      const why = plainWords(status.reason, [status.retcode]);
      return [stopWords(agentId, status), detailsLine(why.details)].filter(Boolean).join('\n');
    }
    case 'reconnecting': {
      const why = plainWords(status.reason);
      return [vscode.l10n.t('The session was lost; signing in again by itself (attempt {0}). Nothing to do.', status.attempt), why.words, detailsLine(why.details)].filter(Boolean).join('\n');
    }
    case 'signing-in':
      return vscode.l10n.t('Signing in as agent {0}; the numbers follow as soon as the gateway answers.', agentId);
    default:
      return '';
  }
}

/** The session in one line of the status-bar tooltip. */
export function sessionLine(agentId: string, status: SessionStatus, now: number, unreachable?: { readonly lastAnswer?: number }): string {
  switch (status.kind) {
    case 'signed-in':
      if (unreachable) return vscode.l10n.t('Reconnecting as {0}: the gateway does not answer', agentId);
      if (status.elsewhere) return vscode.l10n.t('Signed in as {0} (in another window)', agentId);
      return status.renewedAt
        ? vscode.l10n.t('Signed in as {0} since {1}; Guid renewed {2}', agentId, time(status.since), formatAge(now - status.renewedAt))
        : vscode.l10n.t('Signed in as {0} since {1}', agentId, time(status.since));
    case 'stopped':
      return vscode.l10n.t('Agent {0} not signed in: {1}', agentId, stopWords(agentId, status));
    case 'signed-out':
      return vscode.l10n.t('Agent {0} signed out', agentId);
    case 'reconnecting':
      return vscode.l10n.t('Signing in again as {0}…', agentId);
    default:
      return vscode.l10n.t('Signing in as {0}…', agentId);
  }
}
