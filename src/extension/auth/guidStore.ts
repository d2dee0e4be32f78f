import * as vscode from 'vscode';
import { Disposable, Emitter } from '../../core/util/lifecycle';

const PREFIX = 'ccGateway.guid';
const AGENT_INDEX_KEY = 'ccGateway.agentGuidIndex';
/** Origins with a gateway-wide Guid: SecretStorage cannot list its keys, so Manage Credentials reads this. */
const ORIGIN_INDEX_KEY = 'ccGateway.guidOriginIndex';
/** When each Guid was pasted (not its value): a refusal soon after suggests the gateway rotates Guids. */
const SET_AT_KEY = 'ccGateway.guidSetAt';

/** A stored Guid, named (never its value): gateway-wide when agentId is undefined. */
export interface StoredGuid {
  readonly origin: string;
  readonly agentId?: string;
}

/**
 * The Guid lives only in SecretStorage, keyed by gateway origin, so a Guid
 * stored for one gateway is never looked up for another. An optional per-agent
 * Guid overrides the origin's. Reads are cached: in a remote or web window every
 * secret read is a round trip, and polling would read once per request.
 */
export class GuidStore extends Disposable {
  private readonly cache = new Map<string, string | undefined>();
  private readonly onDidChangeEmitter = this._register(new Emitter<{ origin: string; agentId?: string }>());
  readonly onDidChange = this.onDidChangeEmitter.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly globalState: vscode.Memento,
  ) {
    super();
    // Also fires for changes made in other windows of the same profile.
    this._register(
      secrets.onDidChange((e) => {
        const parsed = parseKey(e.key);
        if (!parsed) return;
        this.cache.delete(e.key);
        this.onDidChangeEmitter.fire(parsed);
      }),
    );
  }

  async get(origin: string, agentId?: string): Promise<string | undefined> {
    if (agentId && this.agentsWithOwnGuid(origin).includes(agentId)) {
      const own = await this.read(keyFor(origin, agentId));
      if (own) return own;
    }
    return this.read(keyFor(origin));
  }

  async has(origin: string): Promise<boolean> {
    return (await this.read(keyFor(origin))) !== undefined;
  }

  /** `renewal`: the gateway replaced the Guid (Set-GUID); it keeps the time it was pasted. */
  async set(origin: string, guid: string, agentId?: string, renewal = false): Promise<void> {
    const key = keyFor(origin, agentId);
    this.cache.set(key, guid);
    await this.secrets.store(key, guid);
    if (!renewal) await this.globalState.update(SET_AT_KEY, { ...this.globalState.get<Record<string, number>>(SET_AT_KEY, {}), [key]: Date.now() });
    if (agentId) await this.updateIndex(origin, agentId, true);
    else await this.updateOriginIndex(origin, true);
    this.onDidChangeEmitter.fire({ origin, agentId });
  }

  async delete(origin: string, agentId?: string): Promise<void> {
    const key = keyFor(origin, agentId);
    this.cache.set(key, undefined);
    await this.secrets.delete(key);
    if (agentId) await this.updateIndex(origin, agentId, false);
    else await this.updateOriginIndex(origin, false);
    this.onDidChangeEmitter.fire({ origin, agentId });
  }

  /** When the Guid (origin-wide, or the agent's own) was last pasted. */
  setAt(origin: string, agentId?: string): number | undefined {
    const at = this.globalState.get<Record<string, number>>(SET_AT_KEY, {})[keyFor(origin, agentId)];
    return typeof at === 'number' ? at : undefined;
  }

  /** Agent IDs that have a Guid of their own for this origin (IDs are not secret; the values are). */
  agentsWithOwnGuid(origin: string): string[] {
    const index = this.globalState.get<Record<string, string[]>>(AGENT_INDEX_KEY, {});
    return Array.isArray(index[origin]) ? index[origin] : [];
  }

  /**
   * Every Guid that is stored, by origin (sorted) then gateway-wide before per agent: the
   * indexes say where to look, SecretStorage whether it is really there. `alsoCheck`: origins
   * to look at even when no index names them (a Guid stored before the origin index existed).
   */
  async stored(alsoCheck: readonly string[] = []): Promise<StoredGuid[]> {
    const agentIndex = this.globalState.get<Record<string, string[]>>(AGENT_INDEX_KEY, {});
    const origins = new Set([...this.globalState.get<string[]>(ORIGIN_INDEX_KEY, []), ...Object.keys(agentIndex), ...alsoCheck]);
    const found: StoredGuid[] = [];
    for (const origin of [...origins].sort()) {
      if (await this.read(keyFor(origin))) found.push({ origin });
      const agents = [...this.agentsWithOwnGuid(origin)].sort((a, b) => Number(a) - Number(b));
      for (const agentId of agents) if (await this.read(keyFor(origin, agentId))) found.push({ origin, agentId });
    }
    return found;
  }

  private async updateOriginIndex(origin: string, present: boolean): Promise<void> {
    const index = new Set(this.globalState.get<string[]>(ORIGIN_INDEX_KEY, []));
    if (present === index.has(origin)) return;
    if (present) index.add(origin);
    else index.delete(origin);
    await this.globalState.update(ORIGIN_INDEX_KEY, [...index]);
  }

  private async read(key: string): Promise<string | undefined> {
    if (this.cache.has(key)) return this.cache.get(key);
    const value = (await this.secrets.get(key)) || undefined;
    this.cache.set(key, value);
    return value;
  }

  private async updateIndex(origin: string, agentId: string, present: boolean): Promise<void> {
    const index = { ...this.globalState.get<Record<string, string[]>>(AGENT_INDEX_KEY, {}) };
    const set = new Set(index[origin] ?? []);
    if (present) set.add(agentId);
    else set.delete(agentId);
    index[origin] = [...set];
    await this.globalState.update(AGENT_INDEX_KEY, index);
  }
}

function keyFor(origin: string, agentId?: string): string {
  return agentId ? `${PREFIX}|${origin}|agent|${agentId}` : `${PREFIX}|${origin}`;
}

function parseKey(key: string): { origin: string; agentId?: string } | undefined {
  const parts = key.split('|');
  if (parts[0] !== PREFIX || !parts[1]) return undefined;
  return parts[2] === 'agent' && parts[3] ? { origin: parts[1], agentId: parts[3] } : { origin: parts[1] };
}
