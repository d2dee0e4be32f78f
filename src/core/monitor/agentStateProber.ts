import type { AgentInfo } from '../wire/agentInfo';
import { GatewayError, isGatewayError } from '../model/errors';
import type { GatewayClient } from '../wire/types';
import { t } from '../l10n/localize';
import { Emitter, type IDisposable } from '../util/lifecycle';
import { knownAgentId } from '../ids/agentId';

type Send = <T>(agentId: string, signal: AbortSignal, request: (client: GatewayClient, guid: string, signal: AbortSignal) => Promise<T>) => Promise<T>;

/**
 * Agent state (agentbyworkno) within the gateway's budget: one request per statisticsEx
 * poll that succeeded, in the same scheduler slot (so never two requests in flight for one
 * agent, never while the scheduler is inactive), none after a failed or "not signed in"
 * statistics answer, none at all once the gateway refused the interface or it is off.
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

  constructor(
    private readonly send: Send,
    private readonly now: () => number,
    private readonly log: { warn(message: string): void },
  ) {}

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

  async read(agentId: string, signal: AbortSignal): Promise<void> {
    try {
      // The watched agent asks about itself: the same agent ID and Guid the statistics call just used
      // (which agent's session a gateway-wide Guid belongs to is not known; see docs/agent-state.md).
      const info = await this.send(agentId, signal, (client, guid, s) => {
        if (!client.agentInfo) throw new GatewayError('invalid-request', t('This gateway client cannot read agent states.'));
        const id = knownAgentId(agentId);
        return client.agentInfo(id, id, guid, s);
      });
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
