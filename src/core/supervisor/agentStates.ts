import type { AgentInfo } from '../wire/agentInfo';
import { Emitter, type IDisposable } from '../util/lifecycle';
import type { AgentPresence } from './agentState';

/**
 * The last state read for each watched agent (agentbyworkno). Kept apart from the
 * counters (StatsStore) so the state call can be switched off, or refused by a
 * gateway, without touching the numbers.
 */
export class AgentStateStore implements IDisposable {
  private readonly states = new Map<string, AgentPresence>();
  private readonly onDidChangeEmitter = new Emitter<readonly string[]>();
  /** Agents whose state changed (not those re-read with the same state). */
  readonly onDidChange = this.onDidChangeEmitter.event;

  get(agentId: string): AgentPresence | undefined {
    return this.states.get(agentId);
  }

  apply(agentId: string, info: AgentInfo, at: number): void {
    const old = this.states.get(agentId);
    this.states.set(agentId, { presence: info.presence, status: info.status, ctiStatus: info.ctiStatus, name: info.name, at });
    if (!old || old.presence !== info.presence || old.status !== info.status || old.ctiStatus !== info.ctiStatus || old.name !== info.name) this.onDidChangeEmitter.fire([agentId]);
  }

  /** A failed read: the state is no longer known. */
  forget(agentId: string): void {
    if (this.states.delete(agentId)) this.onDidChangeEmitter.fire([agentId]);
  }

  /** Keeps only these agents (all of them when `keep` is undefined: clear). */
  retain(keep?: readonly string[]): void {
    const wanted = new Set(keep ?? []);
    const dropped = [...this.states.keys()].filter((id) => !wanted.has(id));
    for (const id of dropped) this.states.delete(id);
    if (dropped.length) this.onDidChangeEmitter.fire(dropped);
  }

  dispose(): void {
    this.onDidChangeEmitter.dispose();
  }
}
