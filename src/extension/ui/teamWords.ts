import * as vscode from 'vscode';
import type { SharingStatus } from '../../core/sharing/transport';

/** What the Agents view's title says of the team: nothing without one. */
export function teamWords(status: SharingStatus): string | undefined {
  if (status === 'shared') return vscode.l10n.t('team');
  if (status === 'offline') return vscode.l10n.t('team offline');
  return undefined;
}
