import * as vscode from 'vscode';
import type { RequestLogEntry } from '../../core/wire/types';

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

/** A failure that is not the gateway's (a keyring error, a bug), with its stack and cause. */
export function logUnexpected(log: vscode.LogOutputChannel, error: unknown, where: string): void {
  const text = (e: unknown) => (e instanceof Error ? (e.stack ?? `${e.name}: ${e.message}`) : String(e));
  const cause = error instanceof Error ? error.cause : undefined;
  log.error(`Unexpected error (${where}): ${text(error)}${cause === undefined ? '' : `\nCaused by: ${text(cause)}`}`);
}
