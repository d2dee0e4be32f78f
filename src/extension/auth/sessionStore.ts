import type * as vscode from 'vscode';

const PASSWORD_PREFIX = 'ccGateway.password';
const SESSIONS_KEY = 'ccGateway.sessions';
/** Which agents have a password stored, per origin (never the passwords): SecretStorage cannot list its keys. */
const PASSWORD_INDEX_KEY = 'ccGateway.passwordIndex';

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

  async setPassword(origin: string, agentId: string, password: string): Promise<void> {
    await this.secrets.store(passwordKey(origin, agentId), password);
    await this.index(origin, agentId, true);
  }

  async deletePassword(origin: string, agentId: string): Promise<void> {
    await this.secrets.delete(passwordKey(origin, agentId));
    await this.index(origin, agentId, false);
  }

  /** Passwords that are stored, by origin then agent: the index says where to look, SecretStorage whether it is there. */
  async storedPasswords(): Promise<{ origin: string; agentId: string }[]> {
    const index = this.globalState.get<Record<string, string[]>>(PASSWORD_INDEX_KEY, {});
    const found: { origin: string; agentId: string }[] = [];
    for (const origin of Object.keys(index).sort()) {
      for (const agentId of [...(index[origin] ?? [])].sort((a, b) => Number(a) - Number(b))) {
        if (await this.secrets.get(passwordKey(origin, agentId))) found.push({ origin, agentId });
      }
    }
    return found;
  }

  private async index(origin: string, agentId: string, present: boolean): Promise<void> {
    const all = { ...this.globalState.get<Record<string, string[]>>(PASSWORD_INDEX_KEY, {}) };
    const set = new Set(all[origin] ?? []);
    if (present === set.has(agentId)) return;
    if (present) set.add(agentId);
    else set.delete(agentId);
    if (set.size === 0) delete all[origin];
    else all[origin] = [...set];
    await this.globalState.update(PASSWORD_INDEX_KEY, all);
  }

  remembered(origin: string): RememberedSession[] {
    const all = this.globalState.get<Record<string, RememberedSession[]>>(SESSIONS_KEY, {});
    return Array.isArray(all[origin]) ? all[origin].filter((s) => typeof s?.agentId === 'string') : [];
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
