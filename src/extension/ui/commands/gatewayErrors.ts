import * as vscode from 'vscode';
import { isGatewayError } from '../../../core/model/errors';
import { plainWords } from '../../../core/format/plainWords';
import { onUnexpectedError } from '../../../core/util/unexpectedError';

/** Shows a failure in plain words with the action that fixes it; never rethrows. */
export function showGatewayError(e: unknown, prefix = ''): void {
  if (!isGatewayError(e)) {
    // The message points at the log: put the cause there.
    onUnexpectedError(e, prefix.trim() || 'command');
    void vscode.window.showErrorMessage(`${prefix}${vscode.l10n.t('Unexpected error; see the "CC-Gateway" log.')}`, vscode.l10n.t('Show Log')).then((c) => c && vscode.commands.executeCommand('ccGateway.showLog'));
    return;
  }
  // Only our own shutdown cancels a request now (a settings change re-asks on the new connection): nothing to report.
  if (e.kind === 'cancelled') return;
  const actions: Record<string, [command: string, ...args: unknown[]]> = {};
  // The proxy's failures (codes PROXY_*) are fixed in VS Code's proxy settings, not ours.
  const proxy = e.details.code?.startsWith('PROXY_') === true;
  if (e.kind === 'auth') actions[vscode.l10n.t('Set Guid…')] = ['ccGateway.setGuid'];
  if (proxy) actions[vscode.l10n.t('Open Proxy Settings')] = ['workbench.action.openSettings', 'http.proxy'];
  else if (e.kind === 'tls' && e.details.refusal) actions[vscode.l10n.t('Review Certificate…')] = ['ccGateway.trustCertificate'];
  else if (e.kind === 'tls') actions[vscode.l10n.t('Open TLS Settings')] = ['ccGateway.openTlsSettings'];
  else if (e.kind === 'invalid-request' || e.kind === 'network') actions[vscode.l10n.t('Set Gateway URL…')] = ['ccGateway.setGatewayUrl'];
  actions[vscode.l10n.t('Show Log')] = ['ccGateway.showLog'];
  const show = e.kind === 'agent-offline' ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
  // The words only: the code is in the log (every request is logged with its retcode), behind Show Log.
  void show(`${prefix}${plainWords(e.message).words}`, ...Object.keys(actions)).then((choice) => choice && vscode.commands.executeCommand(...actions[choice]));
}

/** What a script gets when its request failed: an Error in plain words, with the failure's kind and low-level code. */
export interface ScriptFailure extends Error {
  readonly kind: string;
  readonly code?: string;
}

/**
 * A command's request failed. A person (palette, row) gets the notification with its fix; a
 * script (it passed what to act on, so nobody is watching for a notification) gets the reason
 * as a rejection: resolving to undefined would look like "nothing to do".
 */
export function failRequest(e: unknown, prefix: string, scripted: boolean): undefined {
  if (!scripted) {
    showGatewayError(e, prefix);
    return undefined;
  }
  if (!isGatewayError(e)) {
    onUnexpectedError(e, prefix.trim() || 'command');
    throw Object.assign(new Error(`${prefix}${vscode.l10n.t('Unexpected error; see the "CC-Gateway" log.')}`), { kind: 'unexpected' }) as ScriptFailure;
  }
  throw Object.assign(new Error(`${prefix}${e.message}`), { kind: e.kind, code: e.details.code }) as ScriptFailure;
}
