import type { AgentId } from '../ids/agentId';
import type { GatewayId } from '../ids/gatewayId';
import type { CredentialSource } from './credentialRegistry';

/**
 * The passwords the gateway refused in one connection: a stored one is never sent again there
 * (the vault also remembers the refusal across windows and restarts); a typed one may be, and,
 * accepted, lifts the refusal.
 */
export class RefusedPasswords {
  private readonly agents = new Set<AgentId>();

  constructor(
    private readonly gateway: GatewayId,
    private readonly source: CredentialSource,
  ) {}

  get size(): number {
    return this.agents.size;
  }

  /** False when a sign-in would have to send the stored password this connection saw refused. */
  mayTry(agentId: AgentId, typed: boolean): boolean {
    return typed || !this.agents.has(agentId);
  }

  /** A sign-in with a typed password succeeded. */
  accepted(agentId: AgentId): void {
    this.agents.delete(agentId);
  }

  /** The stored password to send, unless it was refused here. */
  stored(agentId: AgentId): Promise<string | undefined> {
    if (this.agents.has(agentId)) return Promise.resolve(undefined);
    return this.source.password?.(this.gateway, agentId) ?? Promise.resolve(undefined);
  }

  refused(agentId: AgentId, refusal: { readonly retcode?: string; readonly typed: boolean }): void {
    this.agents.add(agentId);
    this.source.passwordRefused?.(this.gateway, agentId, refusal);
  }
}
