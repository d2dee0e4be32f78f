import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import { Emitter } from '../util/lifecycle';
import type { AgentAt, StateStore } from '../storage/stateEntries';
import { passwordSecretKey } from '../storage/storageKeys';
import type { SecretStore } from '../storage/stores';

/**
 * The password lifecycle. A stored password is sent only while it is known good:
 * - it is stored only after the gateway accepted it (a sign-in of this window, or the
 *   owner window's), never when typed;
 * - when the gateway refuses it (100-004, 110-016, 100-020), it is deleted, the session is
 *   no longer remembered, and a marker (a time, no password material) in global state
 *   tells every window that no stored password older than the refusal may be sent;
 * - only a password the user types and the gateway accepts lifts the marker.
 * The marker matters when a delete from the keyring fails or races another window.
 */
export class PasswordVault {
  private readonly onDidRefuseEmitter = new Emitter<AgentAt & { readonly retcode?: string; readonly typed: boolean }>();
  /** The gateway refused an agent's password: the user must sign in again (one notification). */
  readonly onDidRefuse = this.onDidRefuseEmitter.event;
  /** Refused in this window (when): not sent again even before the stores confirmed the change. */
  private readonly refusedHere = new Map<string, number>();

  constructor(
    private readonly secrets: SecretStore,
    private readonly state: StateStore,
    private readonly clock: Clock = systemClock,
  ) {}

  /** The password for an automatic sign-in (window start, lost session, takeover): undefined unless known good. */
  async forSignIn(at: AgentAt): Promise<string | undefined> {
    const stored = this.state.get('password', at);
    if (!stored) return undefined;
    if ((this.refusedHere.get(key(at)) ?? -1) >= stored.at) return undefined;
    const refused = this.state.get('passwordRefused', at);
    if (refused && refused.at >= stored.at) return undefined;
    return (await this.secrets.get(passwordSecretKey(at.gateway, at.agentId))) || undefined;
  }

  /** The gateway accepted `password` for this agent: kept for signing in again without asking. */
  async accepted(at: AgentAt, password: string): Promise<void> {
    await this.secrets.store(passwordSecretKey(at.gateway, at.agentId), password);
    // Strictly after any refusal marker, even within the same millisecond.
    const refused = Math.max(this.state.get('passwordRefused', at)?.at ?? -1, this.refusedHere.get(key(at)) ?? -1);
    await this.state.set('password', at, { at: Math.max(this.clock.now(), refused + 1) });
    await this.state.set('passwordRefused', at, undefined);
  }

  /** The gateway refused this agent's password: delete it, forget the session everywhere, mark it. */
  async refused(at: AgentAt, refusal: { readonly retcode?: string; readonly typed: boolean }): Promise<void> {
    const stored = this.state.get('password', at)?.at ?? -1;
    const when = Math.max(this.clock.now(), stored);
    this.refusedHere.set(key(at), when);
    await this.state.set('passwordRefused', at, { at: when, ...(refusal.retcode ? { retcode: refusal.retcode } : {}) });
    await this.state.set('session', at, undefined);
    await this.state.set('password', at, undefined);
    await this.secrets.delete(passwordSecretKey(at.gateway, at.agentId));
    this.onDidRefuseEmitter.fire({ ...at, ...refusal });
  }

  /** Signed out on purpose, or removed in Manage Credentials. */
  async remove(at: AgentAt): Promise<void> {
    await this.state.set('password', at, undefined);
    await this.secrets.delete(passwordSecretKey(at.gateway, at.agentId));
  }

  /** When the gateway last refused this agent's password, if it did and nothing was accepted since. */
  refusal(at: AgentAt): { readonly at: number; readonly retcode?: string } | undefined {
    return this.state.get('passwordRefused', at);
  }

  /** Passwords stored, by gateway then agent (never their values): the entries say where to look, the secrets whether it is there. */
  async stored(): Promise<AgentAt[]> {
    const found: AgentAt[] = [];
    const entries = this.state.list('password').map((e) => e.id);
    entries.sort((a, b) => (a.gateway === b.gateway ? Number(a.agentId) - Number(b.agentId) : a.gateway < b.gateway ? -1 : 1));
    for (const at of entries) if (await this.secrets.get(passwordSecretKey(at.gateway, at.agentId))) found.push(at);
    return found;
  }

  dispose(): void {
    this.onDidRefuseEmitter.dispose();
  }
}

function key(at: AgentAt): string {
  return JSON.stringify([at.gateway, at.agentId]);
}
