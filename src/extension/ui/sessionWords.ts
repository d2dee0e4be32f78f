import * as vscode from 'vscode';
import type { SessionStatus } from '../../core/sessions/agentSession';

/** Why a session is not signed in, in the words the user acts on. */
export function describeStop(agentId: string, status: SessionStatus | undefined): string {
  if (status?.kind === 'stopped') return status.reason;
  return vscode.l10n.t('Agent {0} could not be signed in; see the "CC-Gateway" log.', agentId);
}
