import * as vscode from 'vscode';
import { PASSWORD_REFUSED, type SessionStatus } from '../../core/sessions/agentSession';
import { plainWords } from '../../core/format/plainWords';

/** Why a session is not signed in, in the words the user acts on (codes stay in the log and the tooltip's Details line). */
export function describeStop(agentId: string, status: SessionStatus | undefined): string {
  if (status?.kind === 'stopped') return stopWords(agentId, status);
  return vscode.l10n.t('Agent {0} could not be signed in; see the "CC-Gateway" log.', agentId);
}

/** A stopped session in plain words: short for a wrong password, the reason without its codes otherwise. */
export function stopWords(agentId: string, status: Extract<SessionStatus, { kind: 'stopped' }>): string {
  if (status.failure === 'credentials' && status.retcode === '100-004') return vscode.l10n.t('Wrong agent ID or password for agent {0}.', agentId);
  return plainWords(status.reason).words;
}

/** Whether the stop is a refused password or account (the user signs in again, with other credentials). */
export function isPasswordRefused(status: SessionStatus | undefined): boolean {
  return status?.kind === 'stopped' && status.failure === 'credentials' && PASSWORD_REFUSED.has(status.retcode ?? '');
}
