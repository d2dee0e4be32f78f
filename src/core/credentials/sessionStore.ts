import { gatewayIdOf } from '../ids/gatewayId';
import type { PasswordVault } from './passwordVault';
import type { AgentAt, StateStore } from '../storage/stateEntries';
import { knownAgentId } from '../ids/agentId';

/** An agent signed in from here at a gateway: signed in again (stored password) when the window opens. */
export interface RememberedSession {
  readonly agentId: string;
  readonly phoneNumber?: string;
}

const at = (origin: string, agentId: string): AgentAt => ({ gateway: gatewayIdOf(origin), agentId: knownAgentId(agentId) });

/**
 * Passwords (through the core's PasswordVault: only in SecretStorage, only once accepted,
 * never again once refused) and the sessions signed in from here (global-state entries,
 * not secret), per gateway and agent.
 */
export class SessionStore {
  constructor(
    readonly vault: PasswordVault,
    private readonly state: StateStore,
  ) {}

  /** The stored password for an automatic sign-in: undefined unless the gateway accepted it and has not refused it since. */
  password(origin: string, agentId: string): Promise<string | undefined> {
    return this.vault.forSignIn(at(origin, agentId));
  }

  /** The gateway accepted this password (a sign-in from this window). */
  accepted(origin: string, agentId: string, password: string): Promise<void> {
    return this.vault.accepted(at(origin, agentId), password);
  }

  /** The gateway refused the agent's password: deleted, the session forgotten in every window, marked. */
  refused(origin: string, agentId: string, refusal: { readonly retcode?: string; readonly typed: boolean }): Promise<void> {
    return this.vault.refused(at(origin, agentId), refusal);
  }

  deletePassword(origin: string, agentId: string): Promise<void> {
    return this.vault.remove(at(origin, agentId));
  }

  /** Passwords that are stored, by gateway then agent (never their values). */
  async storedPasswords(): Promise<{ origin: string; agentId: string }[]> {
    return (await this.vault.stored()).map((a) => ({ origin: a.gateway, agentId: a.agentId }));
  }

  remembered(origin: string): RememberedSession[] {
    return this.state
      .list('session')
      .filter((e) => e.id.gateway === origin)
      .map((e) => ({ agentId: e.id.agentId, ...(e.value.phoneNumber ? { phoneNumber: e.value.phoneNumber } : {}) }))
      .sort((a, b) => Number(a.agentId) - Number(b.agentId));
  }

  async remember(origin: string, session: RememberedSession): Promise<void> {
    await this.state.set('session', at(origin, session.agentId), session.phoneNumber ? { phoneNumber: session.phoneNumber } : {});
  }

  async forget(origin: string, agentId: string): Promise<void> {
    await this.state.set('session', at(origin, agentId), undefined);
  }
}
