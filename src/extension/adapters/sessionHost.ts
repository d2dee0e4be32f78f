import * as path from 'node:path';
import type * as vscode from 'vscode';
import { SessionHost } from '../../core/sessions/sessionHost';

/**
 * The windows of this machine share the extension's global storage folder: one of them runs
 * each agent's session and serves the others (README, "Several windows, remote windows").
 * Only where that folder is on this machine's disk (a Node extension host); elsewhere each
 * window keeps its own sessions, as before.
 */
export function createSessionHost(context: vscode.ExtensionContext, log: vscode.LogOutputChannel): SessionHost | undefined {
  if (context.globalStorageUri.scheme !== 'file') return undefined;
  const host = new SessionHost(path.join(context.globalStorageUri.fsPath, 'sessions'), { log });
  // What windows that crashed left: their records hold a channel token, and nothing else removes them.
  void host.removeLeftovers().then(
    (r) => r.records + r.sockets + r.locks > 0 && log.info(`Removed what closed windows left in the sessions folder: ${r.records} owner records, ${r.sockets} sockets, ${r.locks} stale locks.`),
    (e: unknown) => log.warn(`Could not look for what closed windows left in the sessions folder: ${String(e)}`),
  );
  return host;
}
