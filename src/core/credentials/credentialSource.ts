import type { CredentialSource } from './credentialRegistry';
import { pastedRef } from '../ids/credentialRef';
import { onUnexpectedError } from '../util/unexpectedError';
import type { GuidStore } from './guidStore';
import type { SessionStore } from './sessionStore';

/** The secret stores as a connection sees them: one gateway at a time, the agent's own Guid first. */
export function guidCredentials(guids: GuidStore, sessions: SessionStore): CredentialSource {
  return {
    guid: (gateway, agentId) => guids.get(gateway, agentId || undefined),
    pastedRef: (gateway, agentId) => pastedRef(gateway, guids.agentsWithOwnGuid(gateway).includes(agentId) ? agentId : undefined),
    hasAny: async (gateway, agentIds) => agentIds.some((a) => guids.agentsWithOwnGuid(gateway).includes(a)) || (await guids.has(gateway)),
    renew: (ref, guid) => guids.set(ref.gateway, guid, ref.agentId, true),
    password: (gateway, agentId) => sessions.password(gateway, agentId),
    passwordRefused: (gateway, agentId, refusal) => void sessions.refused(gateway, agentId, refusal).catch((e: unknown) => onUnexpectedError(e, 'forgetting a refused password')),
  };
}
