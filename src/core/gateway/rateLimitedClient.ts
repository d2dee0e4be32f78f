import type { RateLimiter } from '../polling/rateLimiter';
import type { AgentId } from '../validation/agentId';
import type { CreateGatewayClient, GatewayClient } from './types';

/**
 * Issue 18: every request of a family the vendor counts against its overload control
 * (`calldata`: statisticsEx, statistics; `agentgroup`: agentbyworkno; `queuedevice`:
 * agentvdnskill, queryacdstat) waits for the limiter's slot of its path's `{agentid}`
 * before it leaves. Sign-in, sign-out, event polls and `onlineagent` calls are not
 * counted by the vendor and pass straight through.
 *
 * Wrapping the client factory keeps the limiter out of the connection's code: whoever
 * makes clients (today GatewayConnection.createClient) gets limited ones. One limiter
 * serves every client of a monitor, keyed by origin and agent, so a new connection to the
 * same gateway does not start with a fresh budget.
 */
export function rateLimitedFactory(create: CreateGatewayClient, limiter: RateLimiter): CreateGatewayClient {
  return (options) => new RateLimitedClient(create(options), limiter);
}

class RateLimitedClient implements GatewayClient {
  readonly origin: string;
  readonly agentInfo?: GatewayClient['agentInfo'];
  readonly skillQueues?: GatewayClient['skillQueues'];
  readonly agentSkills?: GatewayClient['agentSkills'];
  readonly queueStats?: GatewayClient['queueStats'];

  constructor(
    private readonly inner: GatewayClient,
    private readonly limiter: RateLimiter,
  ) {
    this.origin = inner.origin;
    // Optional methods stay optional: a client without one still has none.
    const agentInfo = inner.agentInfo?.bind(inner);
    if (agentInfo) this.agentInfo = async (callerId, workno, guid, signal) => (await this.slot(callerId, signal), agentInfo(callerId, workno, guid, signal));
    const skillQueues = inner.skillQueues?.bind(inner);
    if (skillQueues) this.skillQueues = async (callerId, guid, signal) => (await this.slot(callerId, signal), skillQueues(callerId, guid, signal));
    const queueStats = inner.queueStats?.bind(inner);
    if (queueStats) this.queueStats = async (callerId, ids, guid, signal) => (await this.slot(callerId, signal), queueStats(callerId, ids, guid, signal));
    if (inner.agentSkills) this.agentSkills = inner.agentSkills.bind(inner);
  }

  async statisticsEx(agentId: AgentId, guid: string, signal?: AbortSignal) {
    await this.slot(agentId, signal);
    return this.inner.statisticsEx(agentId, guid, signal);
  }

  async statistics(agentId: AgentId, guid: string, signal?: AbortSignal) {
    await this.slot(agentId, signal);
    return this.inner.statistics(agentId, guid, signal);
  }

  signIn(...args: Parameters<GatewayClient['signIn']>) {
    return this.inner.signIn(...args);
  }

  pollEvent(...args: Parameters<GatewayClient['pollEvent']>) {
    return this.inner.pollEvent(...args);
  }

  signOut(...args: Parameters<GatewayClient['signOut']>) {
    return this.inner.signOut(...args);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private slot(agentId: string, signal: AbortSignal | undefined): Promise<void> {
    return this.limiter.acquire(`${this.origin}|${agentId}`, signal);
  }
}
