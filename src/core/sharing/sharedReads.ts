// A connection's side of shared reads: its reads go through the coordinator (when there is
// one), its scheduler places reads at the shared moment, and results other windows or desks
// read for its watched agents reach its view at once. Without a coordinator every call
// passes straight through (the connection reads alone, as before).
import type { GatewayError } from '../model/errors';
import type { AgentStatistics } from '../model/statistics';
import type { AgentInfo } from '../wire/agentInfo';
import type { IDisposable } from '../util/lifecycle';
import { SHARED_READ_CODE, type ReadCoordinator } from './readCoordinator';
import type { ReadKind } from './readSlot';

export function isSharedReadFailure(error: GatewayError): boolean {
  return error.details.code === SHARED_READ_CODE;
}

export class SharedReads {
  /** Results read before this (the shared clock) are not this connection's to use: see `renewed`. */
  private notBefore: number;

  constructor(
    private readonly coordinator: ReadCoordinator | undefined,
    private readonly gateway: string,
    private readonly timeoutMs: number,
    private readonly intervalMs: () => number,
  ) {
    this.notBefore = coordinator?.startsFresh(gateway) ?? 0;
  }

  /**
   * The connection's credential changed (a Guid set, a session signed in): what was read before,
   * by this window with the old one or by anyone, does not answer what the user just did.
   */
  renewed(): void {
    if (this.coordinator) this.notBefore = this.coordinator.transport.now();
  }

  get coordinated(): boolean {
    return this.coordinator !== undefined;
  }

  /** What the connection's PollScheduler takes from here (nothing without a coordinator). */
  schedulerOptions(): { nextDueAt?: (agentId: string, now: number, delayMs: number) => number; isPassing?: (e: GatewayError) => boolean } {
    const c = this.coordinator;
    if (!c) return {};
    return {
      nextDueAt: (agentId, now, delayMs) => c.nextDueAt(`${this.gateway}|${agentId}`, now, delayMs, this.intervalMs()),
      isPassing: isSharedReadFailure,
    };
  }

  /** `send` once per slot among everyone sharing; the published result otherwise. */
  read<T>(kind: ReadKind, what: string, signal: AbortSignal, send: () => Promise<T>, intervalMs = this.intervalMs(), onDemand = false): Promise<T> {
    if (!this.coordinator) return send();
    return this.coordinator.read<T>({ gateway: this.gateway, kind, what }, { intervalMs, timeoutMs: this.timeoutMs, signal, onDemand, notBefore: this.notBefore }, send);
  }

  /** Results others read for this gateway's agents that `watched` says are watched here. */
  onForeign(
    watched: (agentId: string) => boolean,
    show: { stats(agentId: string, stats: AgentStatistics, at: number): void; state(agentId: string, info: AgentInfo, at: number): void },
  ): IDisposable {
    const c = this.coordinator;
    if (!c) return { dispose: () => undefined };
    const statsPrefix = `stats|${this.gateway}|`;
    const statePrefix = `state|${this.gateway}|`;
    return c.onResult((p) => {
      if (!p.ok || !p.value) return;
      const at = c.localTime(p.fetchedAt);
      if (p.subject.startsWith(statsPrefix)) {
        const id = p.subject.slice(statsPrefix.length);
        if (watched(id)) show.stats(id, p.value as AgentStatistics, at);
      } else if (p.subject.startsWith(statePrefix)) {
        const id = p.subject.slice(statePrefix.length);
        if (watched(id)) show.state(id, p.value as AgentInfo, at);
      }
    });
  }
}
