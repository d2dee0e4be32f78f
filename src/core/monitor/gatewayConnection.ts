// Over 300 lines: the thin owner of one connection's parts (dispatch, sessions, credentials, stops,
// scheduler, prober), created and disposed as one; each part lives in its own file.
import type { CertificateRefusal } from '../model/certificate';
import { ConnectionHealth } from './connectionHealth';
import type { GatewayClient } from '../wire/types';
import type { AgentStatistics, DetailedStatistics } from '../model/statistics';
import { credentialKey, describeRef, type CredentialKey, type CredentialRef, type PastedRef } from '../ids/credentialRef';
import { gatewayIdOf, type GatewayId } from '../ids/gatewayId';
import { PollScheduler, type PollOutcome } from '../polling/scheduler';
import { systemClock } from '../util/clock';
import { Disposable, Emitter } from '../util/lifecycle';
import { onUnexpectedError } from '../util/unexpectedError';
import { knownAgentId, type AgentId } from '../ids/agentId';
import { DEFAULT_SESSION_TIMING, type SessionSnapshot, type SessionStatus } from '../sessions/agentSession';
import { AgentStateProber } from './agentStateProber';
import type { ConnectionSettings } from '../wire/connectionSettings';
import { CredentialRegistry, type CredentialPresence } from '../credentials/credentialRegistry';
import { cancelled, RequestDispatch } from './requestDispatch';
import { CredentialStops, type StopReason } from './credentialStops';
import type { Reach } from './requestDispatch';
import { RefusedPasswords } from '../credentials/refusedPasswords';
import type { ConnectionDeps, ConnectionOutcome, PollingState } from './connectionDeps';
import { SessionRegistry, type SignInOptions } from '../sessions/sessionRegistry';
import { SharedReads } from '../sharing/sharedReads';

let nextId = 1;

/**
 * A connection to one gateway with one snapshot of the connection settings: the thin owner
 * of its request dispatch (two client pools), credential registry, sign-in sessions,
 * scheduler and agent-state prober, created and disposed as one unit:
 * - every Guid it sends was read for its own gateway, on a client made for that gateway;
 * - after dispose() nothing it starts reaches the wire;
 * - its events have no listeners after dispose(), so a late answer changes nothing;
 * - an auth failure stops polling only when the credential it was sent with is still current.
 */
export class GatewayConnection extends Disposable {
  /** For logs and tests: which connection of this session this is. */
  readonly id = nextId++;
  readonly origin: string;
  readonly gateway: GatewayId;
  private readonly scheduler: PollScheduler<CredentialKey>;
  private readonly lifetime = new AbortController();
  private readonly dispatch: RequestDispatch;
  private readonly sessions: SessionRegistry;
  private readonly credentials: CredentialRegistry;
  /** Each watched agent's state (agentbyworkno): subscribe to it directly. */
  readonly states: AgentStateProber;
  private readonly stops: CredentialStops;
  private readonly passwords: RefusedPasswords;
  private readonly health: ConnectionHealth;
  private agents: readonly string[];
  /** Reads claimed before they are sent, shared with the other windows and desks (deps.reads). */
  private readonly shared: SharedReads;
  /** Agents whose session is signed in (a sign-in, not a renewal, renews what shared reads may use). */
  private readonly signedIn = new Set<AgentId>();
  private intervalMs: number;

  private readonly onOutcomeEmitter = this._register(new Emitter<ConnectionOutcome>());
  /** Every finished request of a watched agent (polled or queried). */
  readonly onOutcome = this.onOutcomeEmitter.event;
  private readonly onDidChangeEmitter = this._register(new Emitter<void>());
  /** Refused credentials, the refused certificate or credential presence changed. */
  readonly onDidChange = this.onDidChangeEmitter.event;
  private readonly onDidRefuseGuidEmitter = this._register(new Emitter<PastedRef>());
  /** Once per refusal of a pasted Guid, until a new Guid lifts it. */
  readonly onDidRefuseGuid = this.onDidRefuseGuidEmitter.event;
  private readonly onDidReachEmitter = this._register(new Emitter<Reach>());
  /** Every finished request (statistics, states, queues, event polls, sign-ins): answered, or the gateway was not reached. */
  readonly onDidReach = this.onDidReachEmitter.event;
  private readonly onDidChangeSessionEmitter = this._register(new Emitter<{ agentId: string; status: SessionStatus }>());
  /** A session of this connection changed state (signed in, renewed, lost, stopped, signed out). */
  readonly onDidChangeSession = this.onDidChangeSessionEmitter.event;

  constructor(
    readonly settings: ConnectionSettings,
    polling: PollingState,
    private readonly deps: ConnectionDeps,
    /** What an earlier connection to the same gateway knew, so the view does not blink. */
    initialPresence: CredentialPresence = 'unknown',
    /** Sessions handed over by an earlier connection to the same gateway: they go on with their Guids. */
    resume: readonly SessionSnapshot[] = [],
  ) {
    super();
    this.origin = settings.origin;
    this.gateway = gatewayIdOf(settings.origin);
    this.agents = polling.agents;
    this.intervalMs = polling.intervalMs;
    this.shared = new SharedReads(deps.reads, settings.origin, settings.requestTimeoutMs, () => this.intervalMs);
    const clock = deps.clock ?? systemClock;
    this.passwords = new RefusedPasswords(this.gateway, deps.credentials);
    this.dispatch = this._register(
      new RequestDispatch(settings, { ...deps, onGuidRenewed: (sent, renewed) => this.onGuidRenewed(sent, renewed), onReach: (reach) => this.onReach(reach) }),
    );
    this.sessions = this._register(
      new SessionRegistry({
        gateway: this.gateway,
        client: () => this.dispatch.sessions(),
        password: (agentId) => this.passwords.stored(agentId),
        passwordRefused: (agentId, refusal) => this.passwords.refused(agentId, refusal),
        variant: () => deps.signInVariant?.() ?? 'loginex',
        clock,
        random: deps.random ?? Math.random,
        timing: deps.sessionTiming ?? DEFAULT_SESSION_TIMING,
        log: deps.log,
        host: deps.sessionHost,
      }),
    );
    this.sessions.onDidChange(({ agentId, status }) => this.onSessionChanged(agentId, status));
    this.sessions.onDidConfirm((agentId) => {
      if (!this.isDisposed) this.stops.onSessionConfirmed(agentId, this.sessions.get(agentId)?.guid);
    });
    this.credentials = new CredentialRegistry(this.gateway, deps.credentials, this.sessions);
    this.health = new ConnectionHealth(this.gateway, this.credentials, initialPresence, () => this.onDidChangeEmitter.fire(), () => !this.isDisposed);
    this.stops = new CredentialStops(this.gateway, this.credentials, {
      log: deps.log,
      unblock: (key) => this.scheduler.unblock(key),
      recheck: () => this.health.checkCredentials(this.agents),
      changed: () => this.onDidChangeEmitter.fire(),
      refused: (ref) => this.onDidRefuseGuidEmitter.fire(ref),
      checkSession: (agentId) => this.sessions.check(agentId),
    });
    this.states = this._register(
      new AgentStateProber((id, signal, request, share, onDemand) => this.shared.read('state', share, signal, () => this.dispatch.sendCurrent(id, signal, this.credentials, request), undefined, onDemand), () => clock.now(), deps.log, {
        agents: () => this.agents,
      }),
    );
    this.scheduler = this._register(
      new PollScheduler<CredentialKey>({
        intervalMs: polling.intervalMs,
        concurrency: deps.concurrency ?? 6,
        ...(deps.jitterRatio !== undefined ? { jitterRatio: deps.jitterRatio } : {}),
        ...(deps.maxBackoffMs !== undefined ? { maxBackoffMs: deps.maxBackoffMs } : {}),
        ...(deps.random ? { random: deps.random } : {}),
        clock,
        ...this.shared.schedulerOptions(),
        credentialKey: (id) => credentialKey(this.credentials.refOf(id)),
        stopKey: (id, error) => this.stops.stopFor(id, error),
        fetch: (agentId, signal, onDemand) => this.poll(agentId, signal, onDemand),
        onOutcome: (agentId, outcome, at) => this.onPollOutcome(agentId, outcome, at),
        onAuthBlocked: (key) => this.stops.onBlocked(key),
      }),
    );
    this._register({ dispose: () => this.lifetime.abort() });
    this._register(this.shared.onForeign((id) => this.agents.includes(id), {
      stats: (agentId, stats, at) => {
        // Another window or desk reached the gateway: it answers, whatever this window last saw.
        this.onReach({ answered: true });
        this.onOutcomeEmitter.fire({ agentId, outcome: { ok: true, stats }, at });
      },
      state: (agentId, info, at) => this.states.show(agentId, info, at),
    }));
    for (const snapshot of resume) void this.sessions.start(snapshot.agentId, {}, snapshot);
    if (polling.paused) this.scheduler.pause();
    this.scheduler.setActive(polling.active);
    this.scheduler.setAgents(polling.agents);
    this.health.checkCredentials(this.agents);
  }

  get isClosed(): boolean {
    return this.isDisposed;
  }

  /** Pasted Guids the gateway refused and that wait for a new Guid (the banner). */
  get refusedCredentials(): readonly PastedRef[] {
    return this.credentials.refused;
  }

  /** This gateway's certificate as last refused (it neither verifies nor matches a trusted one). */
  get refusedCertificate(): CertificateRefusal | undefined {
    return this.health.refusedCertificate;
  }

  get credentialPresence(): CredentialPresence {
    return this.health.credentialPresence;
  }

  get isPaused(): boolean {
    return this.scheduler.isPaused;
  }

  /** The sessions of this connection and where each stands. */
  get sessionStatuses(): ReadonlyMap<string, SessionStatus> {
    return this.sessions.statuses();
  }

  /** For tests: the sizes of what grows with use (each stays bounded). */
  get bookkeeping(): { stops: number; refusedPasswords: number } & CredentialRegistry['sizes'] {
    return { stops: this.stops.size, refusedPasswords: this.passwords.size, ...this.credentials.sizes };
  }

  /** For a swap to the same gateway: the sessions go on in the new connection, not signed out. */
  handOverSessions(): SessionSnapshot[] {
    return this.sessions.handOver();
  }

  /** Signs the agent in and keeps the session alive. Resolves true when signed in. */
  async signIn(agentId: AgentId, options: SignInOptions = {}): Promise<boolean> {
    if (this.isDisposed) return false;
    // A stored password this connection saw refused is not sent again; a typed one may be.
    if (!this.passwords.mayTry(agentId, options.password !== undefined)) {
      this.deps.log.info(`Not signing agent ${agentId} in again: the gateway refused its stored password.`);
      return false;
    }
    const ok = await this.sessions.start(agentId, options);
    if (ok && options.password !== undefined) this.passwords.accepted(agentId);
    return ok;
  }

  /** Signs the agent's session out (logout), or all of them; resolves when the gateway answered or timed out. */
  async signOut(agentId?: string): Promise<void> {
    if ((await this.sessions.signOut(agentId)) > 0) this.health.checkCredentials(this.agents);
  }

  /** Signs every session out, then disposes: what leaving this gateway does. */
  retire(): Promise<void> {
    this.scheduler.dispose();
    if (this.sessions.size === 0) {
      this.dispose();
      return Promise.resolve();
    }
    return this.sessions.leave().then(
      () => this.dispose(),
      () => this.dispose(),
    );
  }

  /** For tests and the benchmark. */
  get schedulerSnapshot(): ReturnType<PollScheduler['snapshot']> {
    return this.scheduler.snapshot();
  }

  /** Why this agent's polling is stopped now, if it is. */
  stopOf(agentId: string): StopReason | undefined {
    if (this.isDisposed) return undefined;
    const key = this.scheduler.stopOf(agentId);
    return key === undefined ? undefined : this.stops.reason(key);
  }

  /** The credential an agent's requests use now. */
  credentialFor(agentId: string): CredentialRef {
    return this.credentials.refOf(agentId);
  }

  setAgents(agents: readonly string[]): void {
    if (this.isDisposed) return;
    this.agents = agents;
    this.credentials.retain(agents);
    this.stops.retain(agents);
    this.scheduler.setAgents(agents);
    this.health.checkCredentials(this.agents);
  }

  setIntervalMs(ms: number): void {
    if (this.isDisposed) return;
    this.intervalMs = ms;
    this.scheduler.setIntervalMs(ms);
  }

  setActive(active: boolean): void {
    if (!this.isDisposed) this.scheduler.setActive(active);
  }

  pause(): void {
    if (!this.isDisposed) this.scheduler.pause();
  }

  resume(): void {
    if (!this.isDisposed) this.scheduler.resume();
  }

  refresh(agentId?: string): void {
    if (!this.isDisposed) this.scheduler.refresh(agentId);
  }

  /** One agent's numbers now; joins a poll already in flight for it. */
  query(agentId: AgentId): Promise<AgentStatistics> {
    if (this.isDisposed) return Promise.reject(cancelled());
    return this.scheduler.fetchNow(agentId);
  }

  /** The heavier drill-down call; on demand only, never polled. */
  queryDetailed(agentId: AgentId): Promise<DetailedStatistics> {
    return this.dispatch.sendCurrent(agentId, this.lifetime.signal, this.credentials, (client, guid, s) => client.statistics(agentId, guid, s));
  }

  /** A pasted Guid of this gateway was set or removed (here or in another window). */
  async credentialsChanged(ref: PastedRef): Promise<void> {
    if (this.isDisposed) return;
    let stored: string | undefined;
    try {
      stored = await this.deps.credentials.guid(this.gateway, ref.agentId ?? '');
    } catch (e) {
      onUnexpectedError(e, 'reading a changed Guid');
    }
    if (this.isDisposed) return;
    if (stored) {
      this.shared.renewed();
      this.stops.onNewGuid(ref);
    }
    this.health.checkCredentials(this.agents);
  }

  // --- Requests -----------------------------------------------------------------------

  private async poll(agentId: string, signal: AbortSignal, onDemand = false): Promise<AgentStatistics> {
    const stats = await this.shared.read('stats', agentId, signal, () => this.dispatch.sendCurrent(agentId, signal, this.credentials, (client, guid, s) => client.statisticsEx(knownAgentId(agentId), guid, s)), undefined, onDemand);
    if (this.states.wanted && this.scheduler.isRunning && this.agents.includes(agentId)) await this.states.read(agentId, signal, onDemand);
    return stats;
  }

  private onReach(reach: Reach): void {
    if (this.isDisposed) return;
    // An answer to any request (an event poll) means the statistics need not wait for their next probe.
    if (reach.answered) this.scheduler.originAnswered();
    this.onDidReachEmitter.fire(reach);
  }

  private onGuidRenewed(sentGuid: string, newGuid: string): void {
    const ref = this.credentials.onGuidRenewed(sentGuid, newGuid);
    if (ref) this.deps.log.info(`Guid renewed for ${describeRef(ref)}.`);
  }

  // --- Seam: queues (queueMonitor.ts uses only these two) ----
  /** The agent of a signed-in session of this connection (the first one), if any. */
  get sessionAgent(): AgentId | undefined {
    return this.sessions.anyLive()?.agentId;
  }

  /** Sends as `agentId`'s own session, within its rate limit, with its current Guid (picked after the last wait). */
  sendAsSession<T>(agentId: AgentId, signal: AbortSignal, request: (client: GatewayClient, guid: string, signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.isDisposed) return Promise.reject(cancelled());
    return this.dispatch.sendAsSession(agentId, signal, () => this.sessions.get(agentId)?.guid, request);
  }

  /** A queue read claimed like every scheduled read: `send` once per slot among everyone sharing. */
  sharedRead<T>(what: string, intervalMs: number, signal: AbortSignal, send: () => Promise<T>): Promise<T> {
    return this.shared.read('queues', what, signal, send, intervalMs);
  }

  // --- Sessions ----------------------------------------------------------

  private onSessionChanged(agentId: AgentId, status: SessionStatus): void {
    if (this.isDisposed) return;
    // A session newly signed in is a new credential: what was read before does not answer it (a renewal is not).
    if (status.kind === 'signed-in' && !this.signedIn.has(agentId)) this.shared.renewed();
    if (status.kind === 'signed-in') this.signedIn.add(agentId);
    else this.signedIn.delete(agentId);
    this.stops.onSessionChanged(agentId, status);
    this.health.checkCredentials(this.agents);
    this.onDidChangeSessionEmitter.fire({ agentId, status });
  }

  /** What the view shows: a finished request's outcome, and what it says of the gateway's certificate. */
  private onPollOutcome(agentId: string, outcome: PollOutcome, at: number): void {
    this.health.observe(outcome);
    this.onOutcomeEmitter.fire({ agentId, outcome, at });
  }
}
