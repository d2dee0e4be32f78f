import { pastedRef, type PastedRef } from '../ids/credentialRef';
import { gatewayIdOf, type GatewayId } from '../ids/gatewayId';
import type { StateStore } from '../storage/stateEntries';
import { guidSecretKey, parseGuidSecretKey } from '../storage/storageKeys';
import type { SecretStore } from '../storage/stores';
import { Disposable, Emitter } from '../util/lifecycle';
import { agentIdOf } from '../ids/agentId';

/** A stored Guid, named (never its value): gateway-wide when agentId is undefined. */
export interface StoredGuid {
  readonly origin: string;
  readonly agentId?: string;
}

const refOf = (origin: string, agentId?: string): PastedRef => pastedRef(gatewayIdOf(origin), agentIdOf(agentId));
/** For the reads on every request: the connection's gateway is a GatewayId already, so it is not parsed again. */
const refAt = (gateway: GatewayId, agentId?: string): PastedRef => pastedRef(gateway, agentIdOf(agentId));

/**
 * The Guid lives only in SecretStorage, keyed by gateway, so a Guid stored for one
 * gateway is never looked up for another. An optional per-agent Guid overrides the
 * gateway's. Which Guids exist (SecretStorage cannot list its keys) and when each was
 * pasted are global-state entries, one per Guid. Reads are cached: in a remote or web
 * window every secret read is a round trip, and polling would read once per request.
 */
export class GuidStore extends Disposable {
  private readonly cache = new Map<string, string | undefined>();
  /** Agents with a Guid of their own, by gateway: asked on every request, so not listed from global state each time. */
  private ownGuids: Map<string, string[]> | undefined;
  private readonly onDidChangeEmitter = this._register(new Emitter<PastedRef>());
  readonly onDidChange = this.onDidChangeEmitter.event;

  constructor(
    private readonly secrets: SecretStore,
    private readonly state: StateStore,
    private readonly now: () => number = Date.now,
  ) {
    super();
    // Also fires for changes made in other windows of the same profile.
    this._register(
      secrets.onDidChange((key) => {
        const ref = parseGuidSecretKey(key);
        if (!ref) return;
        this.cache.delete(key);
        this.ownGuids = undefined;
        this.onDidChangeEmitter.fire(ref);
      }),
    );
  }

  async get(gateway: GatewayId, agentId?: string): Promise<string | undefined> {
    if (agentId && this.agentsWithOwnGuid(gateway).includes(agentId)) {
      const own = await this.read(refAt(gateway, agentId));
      if (own) return own;
    }
    return this.read(refAt(gateway));
  }

  async has(gateway: GatewayId): Promise<boolean> {
    return (await this.read(refAt(gateway))) !== undefined;
  }

  /** `renewal`: the gateway replaced the Guid (Set-GUID); it keeps the time it was pasted. */
  async set(origin: string, guid: string, agentId?: string, renewal = false): Promise<void> {
    const ref = refOf(origin, agentId);
    const key = guidSecretKey(ref);
    this.cache.set(key, guid);
    await this.secrets.store(key, guid);
    const before = this.state.get('guid', ref);
    if (!renewal || !before) await this.state.set('guid', ref, { at: renewal && before ? before.at : this.now() });
    this.ownGuids = undefined;
    this.onDidChangeEmitter.fire(ref);
  }

  async delete(origin: string, agentId?: string): Promise<void> {
    const ref = refOf(origin, agentId);
    const key = guidSecretKey(ref);
    this.cache.set(key, undefined);
    await this.secrets.delete(key);
    await this.state.set('guid', ref, undefined);
    this.ownGuids = undefined;
    this.onDidChangeEmitter.fire(ref);
  }

  /** When the Guid (gateway-wide, or the agent's own) was last pasted. */
  setAt(origin: string, agentId?: string): number | undefined {
    return this.state.get('guid', refOf(origin, agentId))?.at;
  }

  /** Agent IDs that have a Guid of their own for this gateway (IDs are not secret; the values are). */
  agentsWithOwnGuid(origin: string): string[] {
    if (!this.ownGuids) {
      const byGateway = new Map<string, string[]>();
      for (const { id } of this.state.list('guid')) if (id.agentId) byGateway.set(id.gateway, [...(byGateway.get(id.gateway) ?? []), id.agentId]);
      this.ownGuids = byGateway;
    }
    return this.ownGuids.get(origin) ?? [];
  }

  /**
   * Every Guid that is stored, by gateway (sorted) then gateway-wide before per agent: the
   * entries say where to look, SecretStorage whether it is really there. `alsoCheck`:
   * gateways to look at even when no entry names them (a Guid stored by 0.1.0).
   */
  async stored(alsoCheck: readonly string[] = []): Promise<StoredGuid[]> {
    const entries = this.state.list('guid').map((e) => e.id);
    const origins = new Set<string>([...entries.map((r) => r.gateway), ...alsoCheck]);
    const found: StoredGuid[] = [];
    for (const origin of [...origins].sort()) {
      if (await this.read(refOf(origin))) found.push({ origin });
      const agents = [...this.agentsWithOwnGuid(origin)].sort((a, b) => Number(a) - Number(b));
      for (const agentId of agents) if (await this.read(refOf(origin, agentId))) found.push({ origin, agentId });
    }
    return found;
  }

  private async read(ref: PastedRef): Promise<string | undefined> {
    const key = guidSecretKey(ref);
    if (this.cache.has(key)) return this.cache.get(key);
    const value = (await this.secrets.get(key)) || undefined;
    this.cache.set(key, value);
    return value;
  }
}
