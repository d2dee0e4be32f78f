import * as vscode from 'vscode';
import type { RequestLogEntry } from '../../core/gateway/types';

/**
 * The "CC-Gateway" log. Only agent IDs, statuses and timings go here, never the Guid.
 * Log lines are written in our own words in English, not through vscode.l10n: support
 * searches them. Error messages quoted in them follow the display language.
 */
export function createLog(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('CC-Gateway', { log: true });
}

export function logRequest(log: vscode.LogOutputChannel, e: RequestLogEntry): void {
  log.debug(`GET ${e.operation} agent=${e.agentId} status=${e.httpStatus ?? '-'} retcode=${e.retcode ?? '-'} ${e.durationMs}ms ${e.outcome}`);
}
