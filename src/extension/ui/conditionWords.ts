import * as vscode from 'vscode';
import type { AgentCondition, UserAction } from '../../core/monitor/agentCondition';

/** An agent's condition in a few words for a row: what is happening, and the action only when the user must act. */
export function conditionLabel(c: AgentCondition): string {
  switch (c.kind) {
    case 'loading':
      return vscode.l10n.t('waiting for the first answer');
    case 'current':
      return vscode.l10n.t('up to date');
    case 'signed-out':
      return vscode.l10n.t('not signed in');
    case 'not-current':
      break;
  }
  switch (c.cause) {
    case 'unreachable':
      return vscode.l10n.t('not current: gateway not answering');
    case 'renewing':
      return vscode.l10n.t('not current: signing in again');
    case 'retrying':
      return vscode.l10n.t('not current: trying again');
    case 'late':
      return vscode.l10n.t('not current: answer overdue');
    case 'paused':
      return vscode.l10n.t('not current: paused');
    case 'background':
      return vscode.l10n.t('not current: window in the background');
    case 'guid-refused':
      return vscode.l10n.t('Guid refused: set a new Guid');
    case 'no-guid':
      return vscode.l10n.t('no Guid: set one or sign in');
    case 'read-refused':
      return vscode.l10n.t('not allowed to read: sign in as this agent');
    case 'session-stopped':
      return vscode.l10n.t('session stopped: sign in again');
    case 'certificate':
      return vscode.l10n.t('certificate not trusted: review it');
    default:
      return vscode.l10n.t('not current');
  }
}

/** The first line of a tooltip: what is happening and who acts, in plain words. */
export function conditionSentence(c: AgentCondition, agentId: string): string {
  if (c.kind !== 'not-current') return conditionLabel(c);
  switch (c.cause) {
    case 'unreachable':
      return vscode.l10n.t('Not current: the gateway does not answer. The extension keeps trying by itself; nothing to do.');
    case 'renewing':
      return c.session !== undefined
        ? vscode.l10n.t('Not current: the session of agent {0} is checking itself or signing in again by itself; nothing to do.', c.session)
        : vscode.l10n.t('Not current: reading again with the current sign-in; nothing to do.');
    case 'retrying':
      return vscode.l10n.t('Not current: the last update failed; the extension tries again by itself.');
    case 'late':
      return vscode.l10n.t('Not current: the gateway has not answered in time; the extension keeps trying.');
    case 'paused':
      return vscode.l10n.t('Not current: updates are paused. Resume to update.');
    case 'background':
      return vscode.l10n.t('Not current: updates resume when a window shows these numbers.');
    case 'guid-refused':
      return vscode.l10n.t('The gateway refused the Guid used for agent {0}. Set a new Guid.', agentId);
    case 'no-guid':
      return vscode.l10n.t('No Guid for agent {0}. Set a Guid or sign in.', agentId);
    case 'read-refused':
      return vscode.l10n.t('The session of agent {0} may not read agent {1}; only agent {1} stopped. Sign in as agent {1} or set its own Guid.', c.session ?? '', agentId);
    case 'session-stopped':
      return vscode.l10n.t('The session of agent {0} stopped and does not sign in by itself. Sign in again.', c.session ?? '');
    case 'certificate':
      return vscode.l10n.t("The gateway's certificate is not trusted, so nothing is sent to it. Review the certificate.");
    default:
      return vscode.l10n.t('Not current.');
  }
}

/** The command a user action runs, and its button title. */
export function actionCommand(act: UserAction, agentId?: string): { command: string; title: string; arguments: unknown[] } {
  switch (act) {
    case 'setGuid':
      return { command: 'ccGateway.setGuid', title: vscode.l10n.t('Set Guid…'), arguments: agentId ? [{ agentId }] : [] };
    case 'signIn':
      return { command: 'ccGateway.signIn', title: vscode.l10n.t('Sign In…'), arguments: agentId ? [{ type: 'agent', agentId }] : [] };
    case 'trustCertificate':
      return { command: 'ccGateway.trustCertificate', title: vscode.l10n.t('Review Certificate…'), arguments: [] };
  }
}

export function conditionIcon(c: AgentCondition): vscode.ThemeIcon {
  switch (c.kind) {
    case 'loading':
      return new vscode.ThemeIcon('loading~spin');
    case 'current':
      return new vscode.ThemeIcon('person', new vscode.ThemeColor('charts.green'));
    case 'signed-out':
      return new vscode.ThemeIcon('circle-slash');
    case 'not-current':
      if (c.act === 'setGuid') return new vscode.ThemeIcon('key', new vscode.ThemeColor('list.warningForeground'));
      if (c.act === 'trustCertificate') return new vscode.ThemeIcon('shield', new vscode.ThemeColor('list.warningForeground'));
      if (c.act) return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
      if (c.cause === 'renewing') return new vscode.ThemeIcon('sync~spin');
      return new vscode.ThemeIcon('history', new vscode.ThemeColor('list.warningForeground'));
  }
}
