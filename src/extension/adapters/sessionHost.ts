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
  return new SessionHost(path.join(context.globalStorageUri.fsPath, 'sessions'), { log });
}
