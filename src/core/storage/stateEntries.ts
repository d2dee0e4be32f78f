import { pastedRef, type PastedRef } from '../ids/credentialRef';
import { parseGatewayId, type GatewayId } from '../ids/gatewayId';
import { agentIdOf, type AgentId } from '../ids/agentId';
import { entryKey, LEGACY_KEYS, parseEntryKey } from './storageKeys';
import type { KeyValueStore } from './stores';

/** One agent at one gateway. */
export interface AgentAt {
  readonly gateway: GatewayId;
  readonly agentId: AgentId;
}

/**
 * What lives beside the secrets in global state, one entry per key (never a whole index
 * read, changed and written back, which loses an entry when two windows write at once).
 * None of it is secret: identities, times and codes only.
 */
export interface StateEntries {
  /** A pasted Guid is stored (SecretStorage cannot list its keys); `at`: when it was pasted. */
  readonly guid: { readonly id: PastedRef; readonly value: { readonly at: number } };
  /** A sign-in password is stored and was accepted by the gateway at `at`. */
  readonly password: { readonly id: AgentAt; readonly value: { readonly at: number } };
  /** The gateway refused this agent's password at `at`: no window sends a stored one that is older. */
  readonly passwordRefused: { readonly id: AgentAt; readonly value: { readonly at: number; readonly retcode?: string } };
  /** Signed in from here: signed in again (stored password) when a window starts. */
  readonly session: { readonly id: AgentAt; readonly value: { readonly phoneNumber?: string } };
  /** The certificate the user trusted for a gateway ("Trust This Certificate"): at most one per gateway. */
  readonly trust: { readonly id: GatewayId; readonly value: TrustedCertificateEntry };
}

/** One certificate the user trusted for one gateway (no secret: its fingerprint and names). */
export interface TrustedCertificateEntry {
  readonly fingerprint256: string;
  readonly subject: string;
  readonly issuer: string;
  readonly validTo: string;
  /** ISO 8601: when the user chose "Trust This Certificate". */
  readonly trustedAt: string;
}

type Kind = keyof StateEntries;
type Id<K extends Kind> = StateEntries[K]['id'];
type Value<K extends Kind> = StateEntries[K]['value'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTime = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

/** Identity ↔ key parts, and a check of each stored value (global state can hold anything). */
const CODECS: { readonly [K in Kind]: { parts(id: Id<K>): string[]; id(parts: string[]): Id<K> | undefined; valid(v: unknown): v is Value<K> } } = {
  guid: {
    parts: (id) => (id.agentId ? [id.gateway, id.agentId] : [id.gateway]),
    id: (p) => {
      const gateway = parseGatewayId(p[0]);
      const agent = agentIdOf(p[1]);
      return gateway && (p.length === 1 ? pastedRef(gateway) : p.length === 2 && agent ? pastedRef(gateway, agent) : undefined);
    },
    valid: (v): v is { at: number } => isObject(v) && isTime(v.at),
  },
  password: { parts: agentParts, id: agentId, valid: (v): v is { at: number } => isObject(v) && isTime(v.at) },
  passwordRefused: {
    parts: agentParts,
    id: agentId,
    valid: (v): v is { at: number; retcode?: string } => isObject(v) && isTime(v.at) && (v.retcode === undefined || typeof v.retcode === 'string'),
  },
  session: {
    parts: agentParts,
    id: agentId,
    valid: (v): v is { phoneNumber?: string } => isObject(v) && (v.phoneNumber === undefined || (typeof v.phoneNumber === 'string' && /^[0-9*#+]{1,24}$/.test(v.phoneNumber))),
  },
  trust: {
    parts: (id) => [id],
    id: (p) => (p.length === 1 ? parseGatewayId(p[0]) : undefined),
    valid: (v): v is TrustedCertificateEntry => isObject(v) && ['fingerprint256', 'subject', 'issuer', 'validTo', 'trustedAt'].every((k) => typeof v[k] === 'string'),
  },
};

function agentParts(id: AgentAt): string[] {
  return [id.gateway, id.agentId];
}
function agentId(p: string[]): AgentAt | undefined {
  const gateway = parseGatewayId(p[0]);
  const agent = agentIdOf(p[1]);
  return p.length === 2 && gateway && agent ? { gateway, agentId: agent } : undefined;
}

/** Typed access to the global-state entries above; malformed values read as absent. */
export class StateStore {
  constructor(private readonly kv: KeyValueStore) {}

  get<K extends Kind>(kind: K, id: Id<K>): Value<K> | undefined {
    const v = this.kv.get<unknown>(entryKey(kind, CODECS[kind].parts(id)));
    return CODECS[kind].valid(v) ? v : undefined;
  }

  async set<K extends Kind>(kind: K, id: Id<K>, value: Value<K> | undefined): Promise<void> {
    await this.kv.update(entryKey(kind, CODECS[kind].parts(id)), value);
  }

  list<K extends Kind>(kind: K): { id: Id<K>; value: Value<K> }[] {
    const out: { id: Id<K>; value: Value<K> }[] = [];
    for (const key of this.kv.keys()) {
      const parts = parseEntryKey(kind, key);
      const id = parts && CODECS[kind].id(parts);
      if (!id) continue;
      const value = this.kv.get<unknown>(key);
      if (CODECS[kind].valid(value)) out.push({ id, value });
    }
    return out;
  }

  /**
   * Moves the whole-index keys of earlier versions into entries, then removes them. Safe to
   * run in two windows at once: both write the same entries.
   */
  async migrateLegacy(now: number): Promise<void> {
    const kv = this.kv;
    const agentIndex = kv.get<unknown>(LEGACY_KEYS.agentGuidIndex);
    const originIndex = kv.get<unknown>(LEGACY_KEYS.guidOriginIndex);
    const setAt = kv.get<unknown>(LEGACY_KEYS.guidSetAt);
    const passwords = kv.get<unknown>(LEGACY_KEYS.passwordIndex);
    const sessions = kv.get<unknown>(LEGACY_KEYS.sessions);
    const trusted = kv.get<unknown>(LEGACY_KEYS.trustedCertificates);
    if ([agentIndex, originIndex, setAt, passwords, sessions, trusted].every((v) => v === undefined)) return;
    for (const [origin, entry] of Object.entries(isObject(trusted) ? trusted : {})) {
      const gateway = parseGatewayId(origin);
      if (gateway && CODECS.trust.valid(entry)) await this.set('trust', gateway, entry);
    }
    const times = isObject(setAt) ? setAt : {};
    const timeOf = (legacyKey: string) => (isTime(times[legacyKey]) ? times[legacyKey] : now);
    // Every identity read back is checked again: an entry that is not a gateway origin or an agent ID is left behind.
    const at = (origin: string, a: unknown): AgentAt | undefined => {
      const gateway = parseGatewayId(origin);
      const agentId = typeof a === 'string' ? agentIdOf(a) : undefined;
      return gateway && agentId ? { gateway, agentId } : undefined;
    };
    if (Array.isArray(originIndex)) {
      for (const o of originIndex) {
        const gateway = typeof o === 'string' ? parseGatewayId(o) : undefined;
        if (gateway) await this.set('guid', pastedRef(gateway), { at: timeOf(`ccGateway.guid|${gateway}`) });
      }
    }
    for (const [origin, agents] of Object.entries(isObject(agentIndex) ? agentIndex : {})) {
      for (const a of Array.isArray(agents) ? agents : []) {
        const id = at(origin, a);
        if (id) await this.set('guid', pastedRef(id.gateway, id.agentId), { at: timeOf(`ccGateway.guid|${origin}|agent|${id.agentId}`) });
      }
    }
    for (const [origin, agents] of Object.entries(isObject(passwords) ? passwords : {})) {
      for (const a of Array.isArray(agents) ? agents : []) {
        const id = at(origin, a);
        if (id) await this.set('password', id, { at: now });
      }
    }
    for (const [origin, list] of Object.entries(isObject(sessions) ? sessions : {})) {
      for (const s of Array.isArray(list) ? list : []) {
        const id = isObject(s) ? at(origin, s.agentId) : undefined;
        if (!id || !isObject(s)) continue;
        const value = typeof s.phoneNumber === 'string' ? { phoneNumber: s.phoneNumber } : {};
        if (CODECS.session.valid(value)) await this.set('session', id, value);
      }
    }
    for (const key of Object.values(LEGACY_KEYS)) await kv.update(key, undefined);
  }
}
