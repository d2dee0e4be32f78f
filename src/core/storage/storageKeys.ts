// The one file that turns identities into storage keys (SecretStorage, global state, lease
// names) and back. Keys of secrets and leases keep the spelling of earlier versions, so
// stored Guids, passwords and running windows of an older version are still found.
import { pastedRef, type PastedRef } from '../ids/credentialRef';
import { parseGatewayId, type GatewayId } from '../ids/gatewayId';
import { agentIdOf, type AgentId } from '../ids/agentId';

const GUID_PREFIX = 'ccGateway.guid';
const PASSWORD_PREFIX = 'ccGateway.password';
/** Global-state entries: one key per entry, so two windows writing at once never drop each other's. */
const ENTRY_PREFIX = 'ccGateway.entry';

/** SecretStorage key of a pasted Guid. */
export function guidSecretKey(ref: PastedRef): string {
  return ref.agentId ? `${GUID_PREFIX}|${ref.gateway}|agent|${ref.agentId}` : `${GUID_PREFIX}|${ref.gateway}`;
}

/** The pasted Guid a SecretStorage key names (its change events carry only the key). */
export function parseGuidSecretKey(key: string): PastedRef | undefined {
  const parts = key.split('|');
  if (parts[0] !== GUID_PREFIX || !parts[1]) return undefined;
  const gateway = parseGatewayId(parts[1]);
  if (!gateway) return undefined;
  if (parts.length === 2) return pastedRef(gateway);
  const agentId = parts.length === 4 && parts[2] === 'agent' ? agentIdOf(parts[3]) : undefined;
  return agentId ? pastedRef(gateway, agentId) : undefined;
}

/** SecretStorage key of an agent's sign-in password at one gateway. */
export function passwordSecretKey(gateway: GatewayId, agentId: AgentId): string {
  return `${PASSWORD_PREFIX}|${gateway}|agent|${agentId}`;
}

/** One session lease per gateway and agent across the windows of this machine. */
export function sessionLeaseKey(gateway: GatewayId, agentId: AgentId): string {
  return `${gateway}|${agentId}`;
}

/** Global-state key of one entry of a kind; `id` parts are identities, never secrets. */
export function entryKey(kind: string, id: readonly string[]): string {
  return `${ENTRY_PREFIX}|${kind}|${JSON.stringify(id)}`;
}

/** The identity parts of a global-state entry key of `kind`, or undefined for any other key. */
export function parseEntryKey(kind: string, key: string): string[] | undefined {
  const prefix = `${ENTRY_PREFIX}|${kind}|`;
  if (!key.startsWith(prefix)) return undefined;
  try {
    const id: unknown = JSON.parse(key.slice(prefix.length));
    return Array.isArray(id) && id.every((p) => typeof p === 'string') ? id : undefined;
  } catch {
    return undefined;
  }
}

/** Keys of earlier versions: read once by the migration, then removed. */
export const LEGACY_KEYS = {
  agentGuidIndex: 'ccGateway.agentGuidIndex',
  guidOriginIndex: 'ccGateway.guidOriginIndex',
  guidSetAt: 'ccGateway.guidSetAt',
  passwordIndex: 'ccGateway.passwordIndex',
  sessions: 'ccGateway.sessions',
  trustedCertificates: 'ccGateway.trustedCertificates',
} as const;
