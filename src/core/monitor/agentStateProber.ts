import type { AgentInfo } from '../wire/agentInfo';
import { GatewayError, isGatewayError } from '../model/errors';
import type { GatewayClient } from '../wire/types';
import { t } from '../l10n/localize';
import { Emitter, type IDisposable } from '../util/lifecycle';
import { knownAgentId } from '../ids/agentId';
import { chunkAgentIds } from '../wire/queueAgents';

/** What batch reads need of the connection: the watched agents. */
export interface StateBatching {
  readonly agents: () => readonly string[];
}

/**
 * Sends as `agentId`. `share` names the read among the windows and desks sharing reads: the
 * agent's ID for its own state (others show what it published), a batch's asker and agents for
 * a batch (only a window asking the same batch in the same interval uses its answer).
 */
type Send = <T>(agentId: string, signal: AbortSignal, request: (client: GatewayClient, guid: string, signal: AbortSignal) => Promise<T>, share: string, onDemand: boolean) => Promise<T>;

/**
 * Agent state within the gateway's budget. With batching, the first successful statisticsEx
 * poll of a round (an interval, or a Refresh) reads every watched agent's state with
 * agentbylist, 100 agents a request, as that agent (300 agents: 3 requests per interval), in
 * its scheduler slot; the other polls of the round read nothing more. A gateway that refuses agentbylist is said
 * once (log, `batchRefused`), and from then on each poll reads its own agent's state with
 * agentbyworkno, as without batching. None after a failed or "not signed in" statistics
 * answer, none at all once the gateway refused agentbyworkno too, or state is off.
 */
export class AgentStateProber implements IDisposable {
  private enabled = false;
  private refusal: GatewayError | undefined;
  private disposed = false;
  private readonly onStateEmitter = new Emitter<{ agentId: string; info?: AgentInfo; at: number }>();
  /** A state read finished for a watched agent: `info` undefined when it failed. */
  readonly onState = this.onStateEmitter.event;
  private readonly onDidRefuseEmitter = new Emitter<GatewayError>();
  /** Once per connection: the gateway refused the state interface; no more state requests. */
  readonly onDidRefuse = this.onDidRefuseEmitter.event;

  private batchRefusal: GatewayError | undefined;
  /** Agents whose state the last batch read and whose poll has not come since. */
  private served = new Set<string>();
  private batchRun: Promise<void> | undefined;
  /** For tests and the benchmark: requests sent by kind. */
  readonly counts = { batch: 0, single: 0 };

  constructor(
    private readonly send: Send,
    private readonly now: () => number,
    private readonly log: { warn(message: string): void },
    private readonly batching?: StateBatching,
  ) {}

  /** Why states are read one agent at a time (the gateway refused agentbylist), if it did. */
  get batchRefused(): GatewayError | undefined {
    return this.batchRefusal;
  }

  setEnabled(enabled: boolean): void {
    this.enabled = enabled;
  }

  /** Why the gateway's agent state is not available (undefined while it is or may be). */
  get refused(): GatewayError | undefined {
    return this.refusal;
  }

  /** Whether a state read should follow this agent's successful statistics poll. */
  get wanted(): boolean {
    return this.enabled && !this.refusal && !this.disposed;
  }

  /** A state another window or desk read for a watched agent. */
  show(agentId: string, info: AgentInfo, at: number): void {
    if (!this.disposed && this.wanted) this.onStateEmitter.fire({ agentId, info, at });
  }

  /** `onDemand`: a Refresh or a query asked for it (states read now, not the interval's shared batch). */
  async read(agentId: string, signal: AbortSignal, onDemand = false): Promise<void> {
    if (!this.batching || this.batchRefusal) return this.readOne(agentId, signal, onDemand);
    // A batch in flight answers for this agent too, unless it is refused: then each reads its own.
    if (this.batchRun) {
      this.served.delete(agentId);
      await this.batchRun;
      if (this.batchRefusal && !signal.aborted && !this.disposed) await this.readOne(agentId, signal, onDemand);
      return;
    }
    // Once per round of polls (an interval, or a Refresh): the first poll of the round asks for
    // everyone; each other agent's poll finds its state already read and takes it off the list.
    if (this.served.delete(agentId)) return;
    const run = this.readBatch(agentId, this.batching.agents(), signal, onDemand);
    this.batchRun = run;
    try {
      await run;
    } finally {
      if (this.batchRun === run) this.batchRun = undefined;
    }
  }

  private async readBatch(agentId: string, watched: readonly string[], signal: AbortSignal, onDemand: boolean): Promise<void> {
    this.served = new Set(watched.filter((a) => a !== agentId));
    // The asking agent first: its credential just worked.
    const ids = [agentId, ...watched.filter((a) => a !== agentId)];
    for (const chunk of chunkAgentIds(ids)) {
      let answer;
      try {
        answer = await this.send(agentId, signal, (client, guid, s) => {
          if (!client.agentList) throw new GatewayError('invalid-request', t('This gateway client cannot read agent states.'));
          const id = knownAgentId(agentId);
          return client.agentList(id, chunk, guid, s);
        }, `batch:${agentId}:${chunk.join(',')}`, onDemand);
        this.counts.batch++;
      } catch (e) {
        if (this.disposed || signal.aborted) return;
        const err = isGatewayError(e) ? e : new GatewayError('protocol', t('Unexpected failure while polling; see the "CC-Gateway" log.'));
        if (err.kind === 'invalid-request' || err.kind === 'auth') {
          this.batchRefusal = err;
          this.log.warn(`The gateway refused agentbylist (${err.details.retcode ?? err.details.httpStatus ?? err.kind}); agent states are read one agent at a time (agentbyworkno) from now on.`);
          return this.readOne(agentId, signal, onDemand);
        }
        for (const id of chunk) {
          this.served.delete(id);
          this.onStateEmitter.fire({ agentId: id, at: this.now() });
        }
        continue;
      }
      if (this.disposed) return;
      const at = this.now();
      const byId = new Map(answer.agents.map((a) => [a.workno, a]));
      for (const id of chunk) {
        const a = byId.get(String(Number(id)));
        // A signed-out agent has no state to show, as after its statisticsEx said so.
        this.onStateEmitter.fire(a && a.presence !== 'signedOut' ? { agentId: id, info: { workno: id, presence: a.presence, ...(a.status !== undefined ? { status: a.status } : {}), ...(a.ctiStatus !== undefined ? { ctiStatus: a.ctiStatus } : {}), ...(a.name ? { name: a.name } : {}) }, at } : { agentId: id, at });
      }
    }
  }

  private async readOne(agentId: string, signal: AbortSignal, onDemand: boolean): Promise<void> {
    try {
      // The watched agent asks about itself: the same agent ID and Guid the statistics call just used
      // (which agent's session a gateway-wide Guid belongs to is not known; see docs/agent-state.md).
      const info = await this.send(agentId, signal, (client, guid, s) => {
        if (!client.agentInfo) throw new GatewayError('invalid-request', t('This gateway client cannot read agent states.'));
        const id = knownAgentId(agentId);
        return client.agentInfo(id, id, guid, s);
      }, agentId, onDemand);
      this.counts.single++;
      if (!this.disposed) this.onStateEmitter.fire({ agentId, info, at: this.now() });
    } catch (e) {
      if (this.disposed || signal.aborted) return;
      const err = isGatewayError(e) ? e : new GatewayError('protocol', t('Unexpected failure while polling; see the "CC-Gateway" log.'));
      // The interface is not there (404/405, 000-002) or this Guid may not call it (000-003, 401/403),
      // although statisticsEx just worked: stop asking this gateway, explain once.
      if (err.kind === 'invalid-request' || err.kind === 'auth') {
        if (!this.refusal) {
          this.refusal = err;
          this.log.warn(`The gateway refused the agent state interface (${err.details.retcode ?? err.details.httpStatus ?? err.kind}); rows show counters only.`);
          this.onDidRefuseEmitter.fire(err);
        }
        return;
      }
      this.onStateEmitter.fire({ agentId, at: this.now() });
    }
  }

  dispose(): void {
    this.disposed = true;
    this.onStateEmitter.dispose();
    this.onDidRefuseEmitter.dispose();
  }
}
