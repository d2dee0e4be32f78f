import type * as vscode from 'vscode';
import type { AgentMonitor } from '../agentMonitor';
import type { GuidStore } from '../auth/guidStore';
import type { SessionStore } from '../auth/sessionStore';
import type { TrustedCertificates } from '../auth/trustedCertificates';

/** What every registerX needs; passed explicitly so commands stay testable and small. */
export interface CommandContext {
  readonly monitor: AgentMonitor;
  readonly guids: GuidStore;
  readonly sessions: SessionStore;
  readonly trusted: TrustedCertificates;
  readonly log: vscode.LogOutputChannel;
}
