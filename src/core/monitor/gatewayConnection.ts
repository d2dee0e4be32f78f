// Over 300 lines: the thin owner of one connection's parts (request dispatch, credential and
// session registries, scheduler, agent-state prober) — mostly their wiring, the stops that tie a
// refused credential to what cures it, and the queue seam; the jobs themselves live in those files.
// The stops stay here because they read and change all of those parts within one lifecycle.
import type { CertificateRefusal } from '../model/certificate';
import type { AgentInfo } from '../wire/agentInfo';
import { GatewayError, isGatewayError } from '../model/errors';
import type { CreateGatewayClient, GatewayClient, RequestLogEntry, SignInVariant } from '../wire/types';
import type { AgentStatistics, DetailedStatistics } from '../model/statistics';
import { credentialKey, describeRef, type CredentialKey, type CredentialRef, type PastedRef } from '../ids/credentialRef';
import { gatewayIdOf, type GatewayId } from '../ids/gatewayId';
import { t } from '../l10n/localize';
import { PollScheduler, type PollOutcome } from '../polling/scheduler';
import type { SessionHost } from '../sessions/sessionHost';
import { systemClock, type Clock } from '../util/clock';
import { Disposable, Emitter } from '../util/lifecycle';
import { onUnexpectedError } from '../util/unexpectedError';
import { knownAgentId, type AgentId } from '../ids/agentId';
import { DEFAULT_SESSION_TIMING, type SessionSnapshot, type SessionStatus, type SessionTiming } from '../sessions/agentSession';
import { AgentStateProber } from './agentStateProber';
import type { ConnectionSettings } from '../wire/connectionSettings';
import { CredentialRegistry, type CredentialPresence, type CredentialSource } from '../credentials/credentialRegistry';
import { cancelled, credentialOf, RequestDispatch } from './requestDispatch';
import { SessionRegistry, type SignInOptions } from '../sessions/sessionRegistry';

export type { CredentialPresence, CredentialSource } from '../credentials/credentialRegistry';

export interface ConnectionLog {
  info(message: string): void;
  warn(message: string): void;
  debug?(message: string): void;
}

export interface ConnectionDeps {
  readonly credentials: CredentialSource;
  /** The client factory; loaded on the first request (a separate bundle). */
  readonly loadClientFactory: () => CreateGatewayClient;
  readonly readTextFile: (path: string) => Promise<string>;
  readonly log: ConnectionLog;
  readonly onRequest?: (entry: RequestLogEntry) => void;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly concurrency?: number;
  readonly jitterRatio?: number;
  readonly maxBackoffMs?: number;
  /** Keep-alive connections in the client's pool (the client's default when unset). */
  readonly poolConnections?: number;
  /** How this gateway is signed in to (a setting, read when signing in): `loginex` takes no calls and no licence. */
  readonly signInVariant?: () => Exclude<SignInVariant, 'forcelogin'>;
  readonly sessionTiming?: SessionTiming;
  /** Shares sessions with the other windows of this machine (one runs each agent's session); none: this window runs its own. */
  readonly sessionHost?: SessionHost;
  /**
   * Waits for `{agentid}`'s slot under the vendor's overload control (calldata,
   * agentgroup, queuedevice: every request sent through send() or sendAsSession()). Awaited
   * before the Guid is picked, so a renewal that arrives during the wait is used; the
   * returned function is called when the request has settled (the slot counts until then).
   */
  readonly rateLimit?: (origin: string, agentId: string, signal: AbortSignal) => Promise<() => void>;
}

export interface PollingState {
  readonly agents: readonly string[];
  readonly intervalMs: number;
  readonly active: boolean;
  readonly paused: boolean;
}

export interface ConnectionOutcome {
  readonly agentId: string;
  readonly outcome: PollOutcome;
  readonly at: number;
}

/** A stop of polling: which credential, and why (a refusal of the Guid it sent, or no Guid to send). */
interface Stop {
  readonly ref: CredentialRef;
  readonly guid?: string;
  readonly code?: string;
}

/** A refusal that arrives this many times in a row for a credential that moved on is treated as current. */
const MAX_STALE_RETRIES = 2;

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
  private readonly prober: AgentStateProber;
  /** Why polling stops for a credential, while it does: at most one entry per credential in use. */
  private readonly stops = new Map<CredentialKey, Stop>();
  /** Agents whose password the gateway refused in this connection: no stored one is sent again here. */
  private readonly refusedPasswords = new Set<string>();
  private certificate: CertificateRefusal | undefined;
  private presence: CredentialPresence;
  /** Credential checks run one after another, so the last one asked is the last one applied. */
  private presenceChain: Promise<void> = Promise.resolve();
  private agents: readonly string[];

  private readonly onOutcomeEmitter = this._register(new Emitter<ConnectionOutcome>());
  /** Every finished request of a watched agent (polled or queried). */
  readonly onOutcome = this.onOutcomeEmitter.event;
  private readonly onDidChangeEmitter = this._register(new Emitter<void>());
  /** Refused credentials, the refused certificate or credential presence changed. */
  readonly onDidChange = this.onDidChangeEmitter.event;
  private readonly onDidRefuseGuidEmitter = this._register(new Emitter<PastedRef>());
  /** Once per refusal of a pasted Guid, until a new Guid lifts it. */
  readonly onDidRefuseGuid = this.onDidRefuseGuidEmitter.event;
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
    this.presence = initialPresence;
    this.agents = polling.agents;
    const clock = deps.clock ?? systemClock;
    this.dispatch = this._register(
      new RequestDispatch(settings, { ...deps, onGuidRenewed: (sent, renewed) => this.onGuidRenewed(sent, renewed) }),
    );
    this.sessions = this._register(
      new SessionRegistry({
        gateway: this.gateway,
        client: () => this.dispatch.sessions(),
        password: (agentId) => this.storedPassword(agentId),
        passwordRefused: (agentId, refusal) => this.onPasswordRefused(agentId, refusal),
        variant: () => deps.signInVariant?.() ?? 'loginex',
        clock,
        random: deps.random ?? Math.random,
        timing: deps.sessionTiming ?? DEFAULT_SESSION_TIMING,
        log: deps.log,
        host: deps.sessionHost,
      }),
    );
    this.sessions.onDidChange(({ agentId, status }) => this.onSessionChanged(agentId, status));
    this.credentials = new CredentialRegistry(this.gateway, deps.credentials, this.sessions);
    this.prober = this._register(new AgentStateProber((id, signal, request) => this.send(id, signal, request), () => clock.now(), deps.log));
    this.scheduler = this._register(
      new PollScheduler<CredentialKey>({
        intervalMs: polling.intervalMs,
        concurrency: deps.concurrency ?? 6,
        ...(deps.jitterRatio !== undefined ? { jitterRatio: deps.jitterRatio } : {}),
        ...(deps.maxBackoffMs !== undefined ? { maxBackoffMs: deps.maxBackoffMs } : {}),
        ...(deps.random ? { random: deps.random } : {}),
        clock,
        credentialKey: (id) => credentialKey(this.credentials.refOf(id)),
        stopKey: (id, error) => this.stopFor(id, error),
        fetch: (agentId, signal) => this.poll(agentId, signal),
        onOutcome: (agentId, outcome, at) => this.onPollOutcome(agentId, outcome, at),
        onAuthBlocked: (key) => this.onAuthBlocked(key),
      }),
    );
    this._register({ dispose: () => this.lifetime.abort() });
    for (const snapshot of resume) void this.sessions.start(snapshot.agentId, {}, snapshot);
    if (polling.paused) this.scheduler.pause();
    this.scheduler.setActive(polling.active);
    this.scheduler.setAgents(polling.agents);
    this.checkCredentials();
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
    return this.certificate;
  }

  get credentialPresence(): CredentialPresence {
    return this.presence;
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
    return { stops: this.stops.size, refusedPasswords: this.refusedPasswords.size, ...this.credentials.sizes };
  }

  /** For a swap to the same gateway: the sessions go on in the new connection, not signed out. */
  handOverSessions(): SessionSnapshot[] {
    return this.sessions.handOver();
  }

  /** Signs the agent in and keeps the session alive. Resolves true when signed in. */
  async signIn(agentId: AgentId, options: SignInOptions = {}): Promise<boolean> {
    if (this.isDisposed) return false;
    // A stored password this connection saw refused is not sent again; a typed one may be.
    if (options.password === undefined && this.refusedPasswords.has(agentId)) {
      this.deps.log.info(`Not signing agent ${agentId} in again: the gateway refused its stored password.`);
      return false;
    }
    const ok = await this.sessions.start(agentId, options);
    if (ok && options.password !== undefined) this.refusedPasswords.delete(agentId);
    return ok;
  }

  /** Signs the agent's session out (logout), or all of them; resolves when the gateway answered or timed out. */
  async signOut(agentId?: string): Promise<void> {
    if ((await this.sessions.signOut(agentId)) > 0) this.checkCredentials();
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

  /** The credential an agent's requests use now. */
  credentialFor(agentId: string): CredentialRef {
    return this.credentials.refOf(agentId);
  }

  setAgents(agents: readonly string[]): void {
    if (this.isDisposed) return;
    this.agents = agents;
    this.credentials.retain(agents);
    this.scheduler.setAgents(agents);
    this.checkCredentials();
  }

  setIntervalMs(ms: number): void {
    if (!this.isDisposed) this.scheduler.setIntervalMs(ms);
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
    return this.send(agentId, this.lifetime.signal, (client, guid, s) => client.statistics(agentId, guid, s));
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
      // A new Guid lifts the stop it was refused or missing under.
      if (this.credentials.forgetRefusal(ref)) this.onDidChangeEmitter.fire();
      this.unblock(credentialKey(ref));
    }
    this.checkCredentials();
  }

  // --- Agent state --------------------------------------------------------
  readonly onAgentState = (listener: (e: { agentId: string; info?: AgentInfo; at: number }) => void) => this.prober.onState(listener);
  readonly onDidRefuseState = (listener: (e: GatewayError) => void) => this.prober.onDidRefuse(listener);

  setAgentStateEnabled(enabled: boolean): void {
    this.prober.setEnabled(enabled);
  }

  /** Why the gateway's agent state is not available (undefined while it is or may be). */
  get stateRefused(): GatewayError | undefined {
    return this.prober.refused;
  }

  // --- Requests -----------------------------------------------------------------------

  private async poll(agentId: string, signal: AbortSignal): Promise<AgentStatistics> {
    const stats = await this.send(agentId, signal, (client, guid, s) => client.statisticsEx(knownAgentId(agentId), guid, s));
    if (this.prober.wanted && this.scheduler.isRunning && this.agents.includes(agentId)) await this.prober.read(agentId, signal);
    return stats;
  }

  /**
   * Sends with the agent's credential. A refusal of a credential that has moved on since
   * the request left (a renewal, a new sign-in, a new paste) is stale news: dropped, and the
   * request is sent again with the current one.
   */
  private async send<T>(agentId: string, signal: AbortSignal, request: (client: GatewayClient, guid: string, signal: AbortSignal) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.dispatch.send(agentId, signal, this.credentials, request);
      } catch (e) {
        const sent = credentialOf(e);
        if (!sent || !isGatewayError(e) || e.kind !== 'auth' || this.isDisposed || attempt >= MAX_STALE_RETRIES) throw e;
        if (await this.credentials.isCurrent(sent)) throw e;
        this.deps.log.debug?.(`A refusal of ${describeRef(sent.ref)} arrived after it was replaced; dropped, sent again with the current one.`);
        if (this.isDisposed || signal.aborted) throw cancelled();
      }
    }
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
  async sendAsSession<T>(agentId: AgentId, signal: AbortSignal, request: (client: GatewayClient, guid: string, signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.isDisposed || signal.aborted) throw cancelled();
    const release = this.deps.rateLimit ? await this.deps.rateLimit(this.origin, agentId, signal) : undefined;
    try {
      const client = await this.dispatch.statistics();
      if (this.isDisposed || signal.aborted) throw cancelled();
      const guid = this.sessions.get(agentId)?.guid;
      if (!guid) throw new GatewayError('auth', t('Sign in to see queues.'), { code: 'NO_SESSION' });
      return await request(client, guid, signal);
    } finally {
      release?.();
    }
  }

  // --- Stops and what lifts them ------------------------------------------------------

  /** Which credential an auth failure stops: the one the request carried, else the one it lacked. */
  private stopFor(agentId: string, error: GatewayError): CredentialKey {
    const sent = credentialOf(error);
    const ref = sent?.ref ?? this.credentials.refForUnsent(agentId, error);
    const key = credentialKey(ref);
    this.stops.set(key, { ref, guid: sent?.guid, code: sent ? error.details.retcode : error.details.code });
    return key;
  }

  private onAuthBlocked(key: CredentialKey): void {
    const stop = this.stops.get(key);
    if (!stop) return;
    if (stop.ref.kind === 'session') {
      // A session's Guid is the session's to cure (it signs in again); never the pasted-Guid banner.
      this.deps.log.info(`Polling with ${describeRef(stop.ref)} waits for the session (${stop.code ?? 'refused'}).`);
      this.checkCredentials();
      return;
    }
    if (!stop.guid) {
      // No Guid to send, or the keyring failed: the welcome view and the row say so.
      this.deps.log.info(`Polling with ${describeRef(stop.ref)} waits for a Guid (${stop.code ?? 'none'}).`);
      this.checkCredentials();
      return;
    }
    this.credentials.refusePasted(stop.ref, stop.guid);
    this.deps.log.warn(`The gateway refused ${describeRef(stop.ref)}; polling with it stopped until a new Guid is set.`);
    this.onDidChangeEmitter.fire();
    this.onDidRefuseGuidEmitter.fire(stop.ref);
  }

  private unblock(key: CredentialKey): void {
    this.stops.delete(key);
    this.scheduler.unblock(key);
  }

  private onSessionChanged(agentId: AgentId, status: SessionStatus): void {
    if (this.isDisposed) return;
    // Any change of a session cures or explains the stop on its Guid: polling looks again.
    this.unblock(credentialKey({ kind: 'session', gateway: this.gateway, agentId }));
    if (status.kind === 'signed-in') {
      // A live session's Guid serves the agents whose pasted Guid was refused or missing: those stops are lifted, the banner goes.
      const lifted = this.credentials.hideRefusals();
      for (const [key, stop] of [...this.stops]) if (stop.ref.kind === 'pasted') this.unblock(key);
      for (const ref of lifted) this.unblock(credentialKey(ref));
      if (lifted.length) this.onDidChangeEmitter.fire();
    }
    this.checkCredentials();
    this.onDidChangeSessionEmitter.fire({ agentId, status });
  }

  // --- Passwords ----------------------------------------------------------------------

  private storedPassword(agentId: AgentId): Promise<string | undefined> {
    if (this.refusedPasswords.has(agentId)) return Promise.resolve(undefined);
    return this.deps.credentials.password?.(this.gateway, agentId) ?? Promise.resolve(undefined);
  }

  private onPasswordRefused(agentId: AgentId, refusal: { readonly retcode?: string; readonly typed: boolean }): void {
    this.refusedPasswords.add(agentId);
    this.deps.credentials.passwordRefused?.(this.gateway, agentId, refusal);
  }

  // --- What the view shows ------------------------------------------------------------

  private onPollOutcome(agentId: string, outcome: PollOutcome, at: number): void {
    if (outcome.ok) {
      if (this.certificate) this.setCertificate(undefined);
    } else {
      const e = outcome.error;
      if (e.kind === 'tls' && e.details.refusal) this.setCertificate(e.details.refusal);
    }
    this.onOutcomeEmitter.fire({ agentId, outcome, at });
  }

  private setCertificate(value: CertificateRefusal | undefined): void {
    const before = this.certificate;
    this.certificate = value;
    const same = before?.certificate.fingerprint256 === value?.certificate.fingerprint256 && before?.pinned === value?.pinned;
    if (!same) this.onDidChangeEmitter.fire();
  }

  private checkCredentials(): void {
    const agents = this.agents;
    this.presenceChain = this.presenceChain.then(async () => {
      if (this.isDisposed) return;
      let present: boolean;
      try {
        present = await this.credentials.present(agents);
      } catch (e) {
        onUnexpectedError(e, `looking up the Guid for ${this.gateway}`);
        return;
      }
      const next: CredentialPresence = present ? 'present' : 'absent';
      if (this.isDisposed || next === this.presence) return;
      this.presence = next;
      this.onDidChangeEmitter.fire();
    });
  }
}

