import type { AgentId } from './agentId';
import type { GatewayId } from './gatewayId';

/**
 * Which credential a request carries. A pasted Guid is the gateway's (no agent) or one
 * agent's own; a session Guid belongs to the extension's sign-in session of one agent.
 * The union is matched on `kind`; nothing parses a string back into one of these.
 */
export type PastedRef = { readonly kind: 'pasted'; readonly gateway: GatewayId; readonly agentId?: AgentId };
export type SessionRef = { readonly kind: 'session'; readonly gateway: GatewayId; readonly agentId: AgentId };
export type CredentialRef = PastedRef | SessionRef;

export function pastedRef(gateway: GatewayId, agentId?: AgentId): PastedRef {
  return agentId ? { kind: 'pasted', gateway, agentId } : { kind: 'pasted', gateway };
}

export function sessionRef(gateway: GatewayId, agentId: AgentId): SessionRef {
  return { kind: 'session', gateway, agentId };
}

export function sameRef(a: CredentialRef, b: CredentialRef): boolean {
  return a.kind === b.kind && a.gateway === b.gateway && a.agentId === b.agentId;
}

declare const credentialKeyBrand: unique symbol;
/** An opaque, comparable stand-in for a CredentialRef (map keys, the scheduler's stops). Never parsed. */
export type CredentialKey = string & { readonly [credentialKeyBrand]: true };

/** The one place a CredentialRef becomes a comparable key. */
export function credentialKey(ref: CredentialRef): CredentialKey {
  return JSON.stringify([ref.kind, ref.gateway, ref.agentId ?? null]) as CredentialKey;
}

/**
 * The stop of one agent's reads only: the gateway refused to let another agent's session read it
 * (000-003 while that session stands). Never a credential, so no credential's agents share it.
 */
export function readRefusalKey(gateway: GatewayId, agentId: string): CredentialKey {
  return JSON.stringify(['read', gateway, agentId]) as CredentialKey;
}

/** A request's credential as it left: which one, and the Guid it carried then. */
export interface SentCredential {
  readonly ref: CredentialRef;
  readonly guid: string;
}

/** For logs: names the credential, never its value. */
export function describeRef(ref: CredentialRef): string {
  if (ref.kind === 'session') return `the session of agent ${ref.agentId} at ${ref.gateway}`;
  return ref.agentId ? `the pasted Guid of agent ${ref.agentId} at ${ref.gateway}` : `the pasted Guid of ${ref.gateway}`;
}
