// Over 300 lines: the one owner of the current connection and of everything derived from it
// (view state, banner, certificate, sessions, queues); splitting it would hand pieces of one lifecycle out.
import type { CertificateRefusal } from '../model/certificate';
import { GatewayError } from '../model/errors';
import { RateLimiter, type RateLimit } from '../polling/rateLimiter';
import type { AgentStatistics, DetailedStatistics } from '../model/statistics';
import { t } from '../l10n/localize';
import { StatsStore } from './statsStore';
import { AgentStateStore } from '../supervisor/agentStates';
import { Disposable, Emitter, type IDisposable } from '../util/lifecycle';
import { agentIdOf, type AgentId } from '../ids/agentId';
import { sameConnection, type ConnectionSettings } from '../wire/connectionSettings';
import type { SessionSnapshot, SessionStatus } from '../sessions/agentSession';
import { GatewayConnection } from './gatewayConnection';
import { type ConnectionDeps, type ConnectionOutcome } from './connectionDeps';
import { credentialKey, sameRef, type PastedRef } from '../ids/credentialRef';
import { GatewayStatus } from './gatewayStatus';
import { systemClock } from '../util/clock';

/** What the view shows when it has no rows; each has a welcome view with the fix. `checking`: the Guid lookup has not answered yet. */
export type ViewState = 'noUrl' | 'badUrl' | 'noAgents' | 'noGuid' | 'checking' | 'ready';

/** One reading of the settings that matter to monitoring. */
export interface MonitorSettings {
  readonly gatewayUrlText: string;
  readonly gatewayUrlProblem?: string;
  readonly agents: readonly string[];
  readonly pollIntervalMs: number;
  /** Present exactly when the gateway URL is valid. */
  readonly connection?: ConnectionSettings;
  /** Agents signed in from here at this gateway earlier: signed in again (stored password) when a connection to it starts. */
  readonly sessions?: readonly { readonly agentId: string; readonly phoneNumber?: string }[];
}

/** A query interrupted this many swaps in a row gives up (each swap is a settings change). */
const MAX_SWAPS_PER_QUERY = 5;

/**
 * Holds exactly one current connection and swaps it when a connection setting
 * changes. Everything the UI shows is derived from the current connection only:
 * the old one's listeners go with it, so its late answers change nothing.
 * Queries interrupted by a swap are asked again on the new connection.
 */
export class GatewayMonitor extends Disposable {
  readonly store = this._register(new StatsStore());
  /** What the gateway and each watched agent are doing now, and who must act: every view renders from it. */
  readonly status: GatewayStatus;
  /** Each agent's state (agentbyworkno), when enabled and the gateway allows it. */
  readonly states = this._register(new AgentStateStore());
  private agentStateEnabled = false;
  private readonly onDidChangeStateAvailabilityEmitter = this._register(new Emitter<void>());
  /** The current gateway refused the state interface, or a new connection may have it again. */
  readonly onDidChangeStateAvailability = this.onDidChangeStateAvailabilityEmitter.event;
  private current: GatewayConnection | undefined;
  private currentListeners: IDisposable[] = [];
  private settingsValue: MonitorSettings;
  private active = false;
  private paused = false;
  private viewStateValue: ViewState = 'noUrl';
  private refusedKey = '';
  private certificateKey = '';

  private readonly onDidChangeViewStateEmitter = this._register(new Emitter<ViewState>());
  readonly onDidChangeViewState = this.onDidChangeViewStateEmitter.event;
  private readonly onDidChangeAuthEmitter = this._register(new Emitter<void>());
  /** The refused credentials of the current connection changed (banner row, status bar colour). */
  readonly onDidChangeAuth = this.onDidChangeAuthEmitter.event;
  private readonly onDidRefuseGuidEmitter = this._register(new Emitter<PastedRef>());
  /** Once per refusal of a credential of the current connection. */
  readonly onDidRefuseGuid = this.onDidRefuseGuidEmitter.event;
  private readonly onDidChangeCertificateRefusalEmitter = this._register(new Emitter<void>());
  /** The current gateway's certificate was refused (a new one) or is accepted again. */
  readonly onDidChangeCertificateRefusal = this.onDidChangeCertificateRefusalEmitter.event;
  private readonly onDidChangeSessionEmitter = this._register(new Emitter<{ agentId: string; status: SessionStatus }>());
  /** A session of the current connection changed (signed in, Guid renewed, lost, stopped, signed out). */
  readonly onDidChangeSession = this.onDidChangeSessionEmitter.event;
  /** Sign-outs of connections that were left, still talking to their old gateway. */
  private readonly retiring = new Set<Promise<void>>();
  private readonly onDidSwapEmitter = this._register(new Emitter<GatewayConnection | undefined>());
  /** A new connection replaced the old one (or there is none now). */
  readonly onDidSwap = this.onDidSwapEmitter.event;

  /**
   * At most `rateLimit` requests per {agentid} across calldata, agentgroup and
   * queuedevice, for every connection of this monitor. The extension always passes
   * GATEWAY_AGENT_LIMIT; core tests that poll every few milliseconds leave it out.
   */
  readonly limiter: RateLimiter | undefined;
  private readonly deps: ConnectionDeps;

  constructor(
    settings: MonitorSettings,
    deps: ConnectionDeps,
    state: { readonly active: boolean; readonly rateLimit?: RateLimit } = { active: true },
  ) {
    super();
    this.status = this._register(
      new GatewayStatus(
        {
          entry: (id) => this.store.get(id),
          agents: () => this.settingsValue.agents,
          stopOf: (id) => this.current?.stopOf(id),
          session: (id) => this.current?.sessionStatuses.get(id),
          sessions: () => this.current?.sessionStatuses ?? new Map(),
          certificateRefused: () => this.current?.refusedCertificate !== undefined,
          polling: () => ({
            intervalMs: this.settingsValue.pollIntervalMs,
            timeoutMs: this.current?.settings.requestTimeoutMs ?? 10_000,
            paused: this.paused,
            active: this.active,
          }),
        },
        deps.clock ?? systemClock,
      ),
    );
    const limiter = state.rateLimit ? this._register(new RateLimiter(state.rateLimit, deps.clock)) : undefined;
    this.limiter = limiter;
    this.deps = limiter ? { ...deps, rateLimit: (origin, agentId, signal) => limiter.acquire(`${origin}|${agentId}`, signal) } : deps;
    this.settingsValue = settings;
    this.active = state.active;
    this._register({ dispose: () => this.swap(undefined) });
    this.store.setAgents(settings.connection ? settings.agents : []);
    this.swap(settings.connection);
  }

  get settings(): MonitorSettings {
    return this.settingsValue;
  }

  get origin(): string | undefined {
    return this.current?.origin;
  }

  /** The current connection; for reading its state only (the monitor owns it). */
  get connection(): GatewayConnection | undefined {
    return this.current;
  }

  get viewState(): ViewState {
    return this.viewStateValue;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get refusedCredentials(): readonly PastedRef[] {
    return this.current?.refusedCredentials ?? [];
  }

  get refusedCertificate(): { readonly origin: string; readonly refusal: CertificateRefusal } | undefined {
    const c = this.current;
    return c?.refusedCertificate ? { origin: c.origin, refusal: c.refusedCertificate } : undefined;
  }

  /** Applies new settings: the connection is rebuilt only when a connection setting differs. */
  configure(settings: MonitorSettings): void {
    if (this.isDisposed) return;
    const before = this.settingsValue;
    this.settingsValue = settings;
    const next = settings.connection;
    if (!sameConnection(this.current?.settings, next)) {
      // Numbers from another gateway are not these agents'.
      if (before.connection?.origin !== next?.origin) this.store.setAgents([]);
      this.store.setAgents(next ? settings.agents : []);
      this.swap(next);
      return;
    }
    this.store.setAgents(next ? settings.agents : []);
    this.states.retain(settings.agents);
    this.current?.setIntervalMs(settings.pollIntervalMs);
    this.current?.setAgents(settings.agents);
    this.updateViewState();
    this.status.changed();
  }

  /** Read each agent's state along with its counters (ccGateway.agentState.enabled). */
  setAgentStateEnabled(enabled: boolean): void {
    this.agentStateEnabled = enabled;
    this.current?.states.setEnabled(enabled);
    if (!enabled) this.states.retain([]);
  }

  /** The gateway refused agentbylist: states are read one agent at a time (said once in the log and in the tooltips). */
  get stateBatchRefusal(): GatewayError | undefined {
    return this.current?.states.batchRefused;
  }

  /** Why agent states are not shown although enabled: the gateway refused the interface. */
  get stateRefusal(): GatewayError | undefined {
    return this.current?.states.refused;
  }

  /** False while the window is unfocused or nothing shows the numbers. */
  setActive(active: boolean): void {
    if (this.active === active) return;
    this.active = active;
    this.current?.setActive(active);
    this.status.changed();
  }

  pause(): void {
    this.paused = true;
    this.current?.pause();
    this.status.changed();
  }

  resume(): void {
    this.paused = false;
    this.current?.resume();
    this.status.changed();
  }

  refresh(agentId?: string): void {
    this.current?.refresh(agentId);
  }

  /** A pasted Guid was set or removed (here or in another window). */
  credentialsChanged(ref: PastedRef): void {
    const c = this.current;
    if (!c || c.gateway !== ref.gateway) return;
    void c.credentialsChanged(ref).then(() => {
      if (c !== this.current) return;
      const affected = this.store.all().filter((e) => e.state === 'auth' && sameRef(c.credentialFor(e.agentId), ref));
      this.store.markPending(affected.map((e) => e.agentId));
    });
  }

  /** One agent's numbers now, on whichever connection is current when it is answered. */
  query(agentId: AgentId): Promise<AgentStatistics> {
    return this.onCurrent((c) => c.query(agentId));
  }

  /** The heavier drill-down call; on demand only, never polled. */
  queryDetailed(agentId: AgentId): Promise<DetailedStatistics> {
    return this.onCurrent((c) => c.queryDetailed(agentId));
  }

  /** Sign-in sessions at the current gateway and where each stands. */
  get sessions(): ReadonlyMap<string, SessionStatus> {
    return this.current?.sessionStatuses ?? new Map();
  }

  /** Signs the agent in at the current gateway; true when signed in. The password must be stored first for later re-sign-ins. */
  /**
   * `at`: the gateway the password was typed for. When the current connection is to another
   * one (the URL was edited while the prompts were open) or the monitor is gone, nothing is sent.
   */
  signIn(agentId: AgentId, options: { readonly password?: string; readonly phoneNumber?: string; readonly force?: boolean; readonly at?: string } = {}): Promise<boolean> {
    const c = this.current;
    if (options.at !== undefined && (this.isDisposed || c?.origin !== options.at)) {
      return Promise.reject(new GatewayError('invalid-request', t('The gateway changed from {0} while you typed; nothing was sent. Run Sign In again for the gateway you mean.', options.at)));
    }
    if (!c) return Promise.reject(this.notReadyError());
    return c.signIn(agentId, { password: options.password, phoneNumber: options.phoneNumber, force: options.force });
  }

  /** Signs the agent (or every session) out at the current gateway; resolves when answered or timed out. */
  signOut(agentId?: string): Promise<void> {
    return this.current?.signOut(agentId) ?? Promise.resolve();
  }

  /** Disposes, and resolves when the sessions have been signed out (bounded by the request timeout). */
  async shutdown(): Promise<void> {
    this.dispose();
    await Promise.allSettled([...this.retiring]);
  }

  /**
   * Runs a query on the current connection; if a swap disposed that connection under
   * it, the question still stands and goes to the new one (which may refuse it
   * with its own reason: no Guid, no URL).
   */
  private async onCurrent<T>(run: (c: GatewayConnection) => Promise<T>): Promise<T> {
    for (let swaps = 0; ; swaps++) {
      const c = this.current;
      if (!c) throw this.notReadyError();
      try {
        return await run(c);
      } catch (e) {
        if (c.isClosed && !this.isDisposed && swaps < MAX_SWAPS_PER_QUERY) continue;
        throw e;
      }
    }
  }

  private notReadyError(): GatewayError {
    if (this.isDisposed) return new GatewayError('cancelled', t('The request was cancelled.'));
    return new GatewayError('invalid-request', this.settingsValue.gatewayUrlProblem ?? t('No gateway URL is set. Run "CC-Gateway: Set Gateway URL…" first.'));
  }

  /** Disposes the current connection (if any) and makes one for `next` (if any). */
  private swap(next: ConnectionSettings | undefined): void {
    const old = this.current;
    for (const l of this.currentListeners.splice(0)) l.dispose();
    this.current = undefined;
    // The same gateway: its sessions go on in the new connection. Another one (or none): sign out where we were.
    let resume: SessionSnapshot[] = [];
    if (old && next && old.origin === next.origin) {
      resume = old.handOverSessions();
      old.dispose();
    } else if (old) {
      const retired = old.retire();
      this.retiring.add(retired);
      void retired.finally(() => this.retiring.delete(retired));
    }
    // Another gateway's (or an earlier connection's) states are not current.
    this.states.retain([]);
    if (old?.states.refused) this.onDidChangeStateAvailabilityEmitter.fire();
    if (next && !this.isDisposed) {
      const s = this.settingsValue;
      const c = new GatewayConnection(
        next,
        { agents: s.agents, intervalMs: s.pollIntervalMs, active: this.active, paused: this.paused },
        this.deps,
        old?.origin === next.origin ? old.credentialPresence : 'unknown',
        resume,
      );
      this.current = c;
      c.states.setEnabled(this.agentStateEnabled);
      this.currentListeners = [
        c.states.onState(({ agentId, info, at }) => (info ? this.states.apply(agentId, info, at) : this.states.forget(agentId))),
        c.states.onDidRefuse(() => {
          this.states.retain([]);
          this.onDidChangeStateAvailabilityEmitter.fire();
        }),
        c.onOutcome((o) => this.onOutcome(o)),
        c.onDidReach((r) => this.status.observe(r)),
        c.onDidChange(() => {
          this.updateDerived();
          this.status.changed();
        }),
        c.onDidRefuseGuid((e) => this.onDidRefuseGuidEmitter.fire(e)),
        c.onDidChangeSession((e) => {
          this.status.changed();
          this.onDidChangeSessionEmitter.fire(e);
        }),
      ];
      // Sessions remembered for this gateway and not handed over: sign in again with the stored password.
      for (const remembered of s.sessions ?? []) {
        if (resume.some((r) => r.agentId === remembered.agentId)) continue;
        const id = agentIdOf(remembered.agentId);
        if (id) void c.signIn(id, { phoneNumber: remembered.phoneNumber });
      }
    }
    this.updateDerived();
    if (!this.isDisposed) this.status.reset();
    this.onDidSwapEmitter.fire(this.current);
  }

  private onOutcome({ agentId, outcome, at }: ConnectionOutcome): void {
    if (outcome.ok) {
      this.store.applySuccess(agentId, outcome.stats, at);
      this.status.updated([agentId]);
      return;
    }
    const e = outcome.error;
    this.states.forget(agentId);
    this.store.applyFailure(agentId, { kind: e.kind, message: e.message, code: e.details.retcode ?? e.details.code }, at);
    if (e.kind !== 'auth') this.deps.log.warn(`agent ${agentId}: ${e.message}`);
  }

  /** View state, banner and certificate from the current connection; each event fires only on a real change. */
  private updateDerived(): void {
    this.updateViewState();
    const refused = this.refusedCredentials.map(credentialKey).join('\n');
    if (refused !== this.refusedKey) {
      this.refusedKey = refused;
      this.onDidChangeAuthEmitter.fire();
    }
    const cert = this.refusedCertificate;
    const certKey = cert ? `${cert.origin} ${cert.refusal.certificate.fingerprint256} ${cert.refusal.pinned ?? ''}` : '';
    if (certKey !== this.certificateKey) {
      this.certificateKey = certKey;
      this.onDidChangeCertificateRefusalEmitter.fire();
    }
  }

  private updateViewState(): void {
    const s = this.settingsValue;
    const c = this.current;
    const state: ViewState =
      !s.gatewayUrlText ? 'noUrl'
      : !c ? 'badUrl'
      : s.agents.length === 0 ? 'noAgents'
      : c.credentialPresence === 'absent' ? 'noGuid'
      : c.credentialPresence === 'unknown' ? 'checking'
      : 'ready';
    if (state === this.viewStateValue) return;
    this.viewStateValue = state;
    this.onDidChangeViewStateEmitter.fire(state);
  }
}
