import type * as vscode from 'vscode';

const PASSWORD_PREFIX = 'ccGateway.password';
const SESSIONS_KEY = 'ccGateway.sessions';

/** An agent signed in from here at a gateway: signed in again (stored password) when the window opens. */
export interface RememberedSession {
  readonly agentId: string;
  readonly phoneNumber?: string;
}

/**
 * Passwords for signing in again, only in SecretStorage, per gateway origin and agent;
 * the list of agents signed in from here is not secret and lives in global state.
 */
export class SessionStore {
  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly globalState: vscode.Memento,
  ) {}

  async password(origin: string, agentId: string): Promise<string | undefined> {
    return (await this.secrets.get(passwordKey(origin, agentId))) || undefined;
  }

  setPassword(origin: string, agentId: string, password: string): Thenable<void> {
    return this.secrets.store(passwordKey(origin, agentId), password);
  }

  deletePassword(origin: string, agentId: string): Thenable<void> {
    return this.secrets.delete(passwordKey(origin, agentId));
  }

  remembered(origin: string): RememberedSession[] {
    const all = this.globalState.get<Record<string, RememberedSession[]>>(SESSIONS_KEY, {});
    return Array.isArray(all[origin]) ? all[origin].filter((s) => typeof s?.agentId === 'string') : [];
  }

  /** Origins with remembered sessions, for Manage Credentials (their passwords may be stored). */
  origins(): string[] {
    return Object.keys(this.globalState.get<Record<string, RememberedSession[]>>(SESSIONS_KEY, {}));
  }

  async remember(origin: string, session: RememberedSession): Promise<void> {
    const rest = this.remembered(origin).filter((s) => s.agentId !== session.agentId);
    await this.write(origin, [...rest, session]);
  }

  async forget(origin: string, agentId: string): Promise<void> {
    await this.write(origin, this.remembered(origin).filter((s) => s.agentId !== agentId));
  }

  private async write(origin: string, sessions: RememberedSession[]): Promise<void> {
    const all = { ...this.globalState.get<Record<string, RememberedSession[]>>(SESSIONS_KEY, {}) };
    if (sessions.length === 0) delete all[origin];
    else all[origin] = sessions;
    await this.globalState.update(SESSIONS_KEY, all);
  }
}

function passwordKey(origin: string, agentId: string): string {
  return `${PASSWORD_PREFIX}|${origin}|agent|${agentId}`;
}
