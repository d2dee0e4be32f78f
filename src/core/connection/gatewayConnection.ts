import type { CertificateRefusal } from '../gateway/certificate';
import type { AgentInfo } from '../gateway/agentInfo';
import { GatewayError, isGatewayError } from '../gateway/errors';
import type { AgentStatistics, CreateGatewayClient, DetailedStatistics, GatewayClient, RequestLogEntry, SignInVariant } from '../gateway/types';
import { t } from '../l10n/localize';
import { PollScheduler, type PollOutcome } from '../polling/scheduler';
import { systemClock, type Clock } from '../util/clock';
import { Disposable, Emitter } from '../util/lifecycle';
import { onUnexpectedError } from '../util/unexpectedError';
import type { SessionHost } from '../sessions/sessionHost';
import { SharedSession, type ManagedSession } from '../sessions/sharedSession';
import type { AgentId } from '../validation/agentId';
import { AgentSession, DEFAULT_SESSION_TIMING, type SessionSnapshot, type SessionStatus, type SessionTiming } from './agentSession';
import { clientOptionsFor, type ConnectionSettings } from './connectionSettings';

/** Where a connection gets its Guids. It asks for its own origin only. */
export interface CredentialSource {
  /** The Guid an agent's requests to `origin` carry; may take a keyring round trip. */
  guid(origin: string, agentId: string): Promise<string | undefined>;
  /** Which stored Guid an agent uses (`origin` or `origin|agent`): agents sharing one stop together when it is refused. */
  keyOf(origin: string, agentId: string): string;
  /** Whether any of these agents has a Guid for `origin`. */
  hasAny(origin: string, agentIds: readonly string[]): Promise<boolean>;
  /** A stored Guid was renewed by the gateway (`Set-GUID`): store `guid` under the same key. */
  renew?(origin: string, agentId: string | undefined, guid: string): Promise<void>;
  /** The password stored for signing this agent in again. */
  password?(origin: string, agentId: string): Promise<string | undefined>;
}



export interface ConnectionLog {
  info(message: string): void;
  warn(message: string): void;
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
   * Issue 18: waits for `{agentid}`'s slot under the vendor's overload control (calldata,
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

/** Whether the watched agents have a Guid at this origin; `unknown` until the first look in the store. */
export type CredentialPresence = 'unknown' | 'present' | 'absent';

export interface ConnectionOutcome {
  readonly agentId: string;
  readonly outcome: PollOutcome;
  readonly at: number;
}

let nextId = 1;

/** Each signed-in agent holds one connection with its event poll (held up to ~10 s): room for that many sessions at once. */
const SESSION_CONNECTIONS = 64;

/**
 * A connection to one gateway origin with one snapshot of the connection settings.
 * It owns its HTTP client, its scheduler and the way it obtains Guids, and is
 * created and disposed as one unit:
 * - every Guid it sends was read for its own origin, on a client made for that origin;
 * - after dispose() nothing it starts reaches the wire: the scheduler is stopped, the
 *   client closed, and a request that was waiting for a secret or for the client is dropped;
 * - its events have no listeners after dispose(), so a late answer changes nothing.
 */
export class GatewayConnection extends Disposable {
  /** For logs and tests: which connection of this session this is. */
  readonly id = nextId++;
  readonly origin: string;
  private client: Promise<GatewayClient> | undefined;
  private readonly scheduler: PollScheduler;
  private readonly lifetime = new AbortController();
  private readonly refused = new Set<string>();
  private readonly lastAuthCode = new Map<string, string | undefined>();
  private certificate: CertificateRefusal | undefined;
  private presence: CredentialPresence;
  /** Credential checks run one after another, so the last one asked is the last one applied. */
  private presenceChain: Promise<void> = Promise.resolve();
  private agents: readonly string[];
  /** The extension's own sign-in sessions at this origin, by agent. */
  private readonly sessions = new Map<string, ManagedSession>();
  /** Superseded Guid → the one that replaced it (Set-GUID), so nothing is sent with an old one. */
  private readonly renewed = new Map<string, string>();
  /** Pasted Guids the gateway refused: a live session's Guid is used instead of them. */
  private readonly refusedGuids = new Set<string>();
  /** Which stored credential each pasted Guid sent came from, to store its renewal under the same key. */
  private readonly sentFrom = new Map<string, { agentId?: string }>();
  /** The event polls' own client: a held poll must not take a connection the statistics need. */
  private sessionClient: Promise<GatewayClient> | undefined;

  private readonly onOutcomeEmitter = this._register(new Emitter<ConnectionOutcome>());
  /** Every finished request of a watched agent (polled or queried). */
  readonly onOutcome = this.onOutcomeEmitter.event;
  private readonly onDidChangeEmitter = this._register(new Emitter<void>());
  /** Refused credentials, the refused certificate or credential presence changed. */
  readonly onDidChange = this.onDidChangeEmitter.event;
  private readonly onDidRefuseGuidEmitter = this._register(new Emitter<{ origin: string; agentId?: string }>());
  /** Once per refusal of a credential, until a new Guid lifts it. */
  readonly onDidRefuseGuid = this.onDidRefuseGuidEmitter.event;
  private readonly onDidChangeSessionEmitter = this._register(new Emitter<{ agentId: string; status: SessionStatus }>());
  /** A session of this connection changed state (signed in, renewed, lost, stopped, signed out). */
  readonly onDidChangeSession = this.onDidChangeSessionEmitter.event;

  constructor(
    readonly settings: ConnectionSettings,
    polling: PollingState,
    private readonly deps: ConnectionDeps,
    /** What an earlier connection to the same origin knew, so the view does not blink. */
    initialPresence: CredentialPresence = 'unknown',
    /** Sessions handed over by an earlier connection to the same origin: they go on with their Guids. */
    resume: readonly SessionSnapshot[] = [],
  ) {
    super();
    this.origin = settings.origin;
    this.presence = initialPresence;
    this.agents = polling.agents;
    this.scheduler = this._register(
      new PollScheduler({
        intervalMs: polling.intervalMs,
        concurrency: deps.concurrency ?? 6,
        ...(deps.jitterRatio !== undefined ? { jitterRatio: deps.jitterRatio } : {}),
        ...(deps.maxBackoffMs !== undefined ? { maxBackoffMs: deps.maxBackoffMs } : {}),
        ...(deps.random ? { random: deps.random } : {}),
        ...(deps.clock ? { clock: deps.clock } : {}),
        credentialKey: (id) => this.credentialKey(id),
        fetch: (agentId, signal) => this.poll(agentId, signal),
        onOutcome: (agentId, outcome, at) => this.onPollOutcome(agentId, outcome, at),
        onAuthBlocked: (key) => this.onAuthBlocked(key),
      }),
    );
    this._register({ dispose: () => this.closeClient() });
    this._register({ dispose: () => this.disposeSessions() });
    for (const snapshot of resume) void this.startSession(snapshot.agentId, {}, { resume: snapshot });
    if (polling.paused) this.scheduler.pause();
    this.scheduler.setActive(polling.active);
    this.scheduler.setAgents(polling.agents);
    this.checkCredentials();
  }

  get isClosed(): boolean {
    return this.isDisposed;
  }

  /** Credentials (origin or origin|agent) the gateway refused and that wait for a new Guid. */
  get refusedCredentials(): readonly string[] {
    return [...this.refused];
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
    return new Map([...this.sessions].map(([id, s]) => [id, s.status]));
  }

  /** For a swap to the same origin: the sessions go on in the new connection, not signed out. */
  handOverSessions(): SessionSnapshot[] {
    const out = [...this.sessions.values()].filter((s) => s.status.kind === 'signed-in').map((s) => s.snapshot());
    this.disposeSessions();
    return out;
  }

  /**
   * Signs the agent in and keeps the session alive (the password must already be stored
   * for signing in again later). Resolves true when signed in.
   */
  signIn(agentId: AgentId, options: { readonly password?: string; readonly phoneNumber?: string; readonly force?: boolean } = {}): Promise<boolean> {
    if (this.isDisposed) return Promise.resolve(false);
    return this.startSession(agentId, options, {});
  }

  /** Signs the agent's session out (logout), or all of them; resolves when the gateway answered or timed out. */
  async signOut(agentId?: string): Promise<void> {
    const chosen = [...this.sessions.values()].filter((s) => agentId === undefined || s.agentId === agentId);
    for (const s of chosen) this.sessions.delete(s.agentId);
    await Promise.all(chosen.map((s) => s.signOut().finally(() => s.dispose())));
    if (chosen.length) this.checkCredentials();
  }

  /** Signs every session out, then disposes: what leaving this gateway does. Disposes at once when there is no session. */
  retire(): Promise<void> {
    this.scheduler.dispose();
    if (this.sessions.size === 0) {
      this.dispose();
      return Promise.resolve();
    }
    // Shared sessions are handed to a window that waits for them rather than signed out.
    const chosen = [...this.sessions.values()];
    this.sessions.clear();
    return Promise.all(chosen.map((s) => (s.leave ? s.leave() : s.signOut()).finally(() => s.dispose()))).then(
      () => this.dispose(),
      () => this.dispose(),
    );
  }

  /** For tests and the benchmark. */
  get schedulerSnapshot(): ReturnType<PollScheduler['snapshot']> {
    return this.scheduler.snapshot();
  }

  credentialKey(agentId: string): string {
    return this.sessions.get(agentId)?.guid ? `${this.origin}|session|${agentId}` : this.deps.credentials.keyOf(this.origin, agentId);
  }

  setAgents(agents: readonly string[]): void {
    if (this.isDisposed) return;
    this.agents = agents;
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

  /** A Guid of this origin was set or removed (here or in another window). */
  async credentialsChanged(agentId?: string): Promise<void> {
    if (this.isDisposed) return;
    const key = agentId ? `${this.origin}|${agentId}` : this.origin;
    let stored: string | undefined;
    try {
      stored = await this.deps.credentials.guid(this.origin, agentId ?? '');
    } catch (e) {
      onUnexpectedError(e, 'reading a changed Guid');
    }
    if (this.isDisposed) return;
    if (stored) {
      // A new Guid lifts the stop it was refused or missing under.
      if (this.refused.delete(key)) this.onDidChangeEmitter.fire();
      this.scheduler.unblock(key);
    }
    this.checkCredentials();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.lifetime.abort();
    super.dispose();
  }

  private startSession(agentId: AgentId, options: { readonly password?: string; readonly phoneNumber?: string; readonly force?: boolean }, how: { readonly resume?: SessionSnapshot }): Promise<boolean> {
    const old = this.sessions.get(agentId);
    if (old && !options.force && (old.status.kind === 'signed-in' || old.status.kind === 'signing-in' || old.status.kind === 'reconnecting')) {
      // A shared session still deciding (taking the lease, hearing from the owner window) answers when decided.
      return old.status.kind === 'signed-in' ? Promise.resolve(true) : (old.settled?.() ?? Promise.resolve(false));
    }
    old?.dispose();
    const make = (resume?: SessionSnapshot) => new AgentSession(
      agentId,
      {
        client: () => this.getSessionClient(),
        password: () => this.deps.credentials.password?.(this.origin, agentId) ?? Promise.resolve(undefined),
        variant: this.deps.signInVariant?.() ?? 'loginex',
        clock: this.deps.clock ?? systemClock,
        random: this.deps.random ?? Math.random,
        timing: this.deps.sessionTiming ?? DEFAULT_SESSION_TIMING,
        log: this.deps.log,
      },
      resume,
      options.phoneNumber ?? how.resume?.phoneNumber,
    );
    const host = this.deps.sessionHost;
    const session: ManagedSession = host
      ? new SharedSession(agentId, `${this.origin}|${agentId}`, { host, makeSession: make, clock: this.deps.clock ?? systemClock, random: this.deps.random ?? Math.random, log: this.deps.log }, how.resume, options.phoneNumber ?? how.resume?.phoneNumber)
      : make(how.resume);
    this.sessions.set(agentId, session);
    session.onDidChange((status) => this.onSessionChanged(agentId, status));
    // Busy after sign-in, no auto-answer: a monitoring session must not be offered calls.
    return session.start({ password: options.password, phonenum: options.phoneNumber ?? how.resume?.phoneNumber, status: 3, autoanswer: false, autoenteridle: false, releasephone: true }, options.force);
  }

  private onSessionChanged(agentId: string, status: SessionStatus): void {
    if (this.isDisposed) return;
    if (status.kind === 'signed-in') {
      // A live session's Guid serves the agents whose pasted Guid was refused: those stops are lifted, the banner goes.
      const lifted = [...this.refused].filter((key) => !key.includes('|session|'));
      for (const key of lifted) this.refused.delete(key);
      for (const key of [`${this.origin}|session|${agentId}`, this.origin, ...lifted]) this.scheduler.unblock(key);
      if (lifted.length) this.onDidChangeEmitter.fire();
      this.checkCredentials();
    }
    this.onDidChangeSessionEmitter.fire({ agentId, status });
  }

  private disposeSessions(): void {
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
  }

  /** A live session's Guid: the agent's own, else any (the gateway's Guid when none was pasted). */
  private sessionGuid(agentId: string, own: boolean): string | undefined {
    const mine = this.sessions.get(agentId)?.guid;
    if (mine || own) return mine;
    for (const s of this.sessions.values()) if (s.guid) return s.guid;
    return undefined;
  }

  /** Follows renewals: the newest Guid that replaced `guid`. */
  private newest(guid: string): string {
    let g = guid;
    for (let i = 0; i < 100 && this.renewed.has(g); i++) g = this.renewed.get(g)!;
    return g;
  }

  /** Called by the clients before the answer that carried Set-GUID settles. */
  private onGuidRenewed(r: { readonly agentId: string; readonly sentGuid: string; readonly newGuid: string }): void {
    for (const s of this.sessions.values()) if (s.adopt(r.sentGuid, r.newGuid)) return;
    if (this.renewed.has(r.sentGuid)) return;
    this.renewed.set(r.sentGuid, r.newGuid);
    const from = this.sentFrom.get(r.sentGuid);
    this.deps.log.info(`Guid renewed for ${this.origin}${from?.agentId ? `, agent ${from.agentId}` : ''}.`);
    if (from && this.deps.credentials.renew) {
      this.deps.credentials.renew(this.origin, from.agentId, r.newGuid).catch((e: unknown) => onUnexpectedError(e, 'storing a renewed Guid'));
    }
  }

  /**
   * Reads the Guid for this origin, then sends on this origin's client. After every
   * wait it checks that the connection still stands: a disposed one sends nothing.
   * The Guid is picked after the last wait, so a renewal that arrived meanwhile is used.
   */
  private async send<T>(agentId: string, signal: AbortSignal, request: (client: GatewayClient, guid: string, signal: AbortSignal) => Promise<T>): Promise<T> {
    const stored = this.sessions.get(agentId)?.guid ? undefined : await this.storedGuid(agentId);
    if (this.isDisposed || signal.aborted) throw cancelled();
    const release = this.deps.rateLimit ? await this.deps.rateLimit(this.origin, agentId, signal) : undefined;
    try {
      const client = await this.getClient();
      // No await between this check and the request: it is on the wire or not at all.
      if (this.isDisposed || signal.aborted) throw cancelled();
      const own = this.sessionGuid(agentId, true);
      const pasted = stored && this.newest(stored.guid);
      const usable = pasted && !this.refusedGuids.has(pasted) ? pasted : undefined;
      const guid = own ?? usable ?? this.sessionGuid(agentId, false) ?? pasted;
      if (!guid) throw new GatewayError('auth', t('No Guid is stored for {0}. Run "CC-Gateway: Set Guid…" or "CC-Gateway: Sign In…".', this.origin), { code: 'NO_GUID' });
      if (guid === pasted && stored) this.sentFrom.set(guid, { agentId: stored.agentId });
      return await request(client, guid, signal).catch((e: unknown) => {
        if (guid === pasted && e instanceof Error && (e as GatewayError).kind === 'auth' && (e as GatewayError).details?.retcode) this.refusedGuids.add(guid);
        throw e;
      });
    } finally {
      release?.();
    }
  }

  // --- Supervisor view (issue 13): agent state -----------------------------------
  // Budget: one agentbyworkno request per statisticsEx poll that succeeded, in the same
  // scheduler slot (so never two requests in flight for one agent, never while the
  // scheduler is inactive), none after a failed or "not signed in" statistics answer,
  // none at all once the gateway refused the interface or the setting is off.
  private stateEnabled = false;
  private stateRefusal: GatewayError | undefined;
  private readonly onAgentStateEmitter = this._register(new Emitter<{ agentId: string; info?: AgentInfo; at: number }>());
  /** A state read finished for a watched agent: `info` undefined when it failed. */
  readonly onAgentState = this.onAgentStateEmitter.event;
  private readonly onDidRefuseStateEmitter = this._register(new Emitter<GatewayError>());
  /** Once per connection: the gateway refused the state interface; no more state requests. */
  readonly onDidRefuseState = this.onDidRefuseStateEmitter.event;

  setAgentStateEnabled(enabled: boolean): void {
    this.stateEnabled = enabled;
  }

  /** Why the gateway's agent state is not available (undefined while it is or may be). */
  get stateRefused(): GatewayError | undefined {
    return this.stateRefusal;
  }

  private async poll(agentId: string, signal: AbortSignal) {
    const stats = await this.send(agentId, signal, (client, guid, s) => client.statisticsEx(agentId as AgentId, guid, s));
    if (this.stateEnabled && !this.stateRefusal && this.scheduler.isRunning && this.agents.includes(agentId)) await this.readState(agentId, signal);
    return stats;
  }

  private async readState(agentId: string, signal: AbortSignal): Promise<void> {
    try {
      // The watched agent asks about itself: the same agent ID and Guid the statistics call just used
      // (which agent's session a gateway-wide Guid belongs to is not known; see docs/agent-state.md).
      const info = await this.send(agentId, signal, (client, guid, s) => {
        if (!client.agentInfo) throw new GatewayError('invalid-request', t('This gateway client cannot read agent states.'));
        return client.agentInfo(agentId as AgentId, agentId as AgentId, guid, s);
      });
      if (!this.isDisposed) this.onAgentStateEmitter.fire({ agentId, info, at: this.deps.clock?.now() ?? Date.now() });
    } catch (e) {
      if (this.isDisposed || signal.aborted) return;
      const err = isGatewayError(e) ? e : new GatewayError('protocol', t('Unexpected failure while polling; see the "CC-Gateway" log.'));
      // The interface is not there (404/405, 000-002) or this Guid may not call it (000-003, 401/403),
      // although statisticsEx just worked: stop asking this gateway, explain once.
      if (err.kind === 'invalid-request' || err.kind === 'auth') {
        if (!this.stateRefusal) {
          this.stateRefusal = err;
          this.deps.log.warn(`The gateway refused the agent state interface (${err.details.retcode ?? err.details.httpStatus ?? err.kind}); rows show counters only.`);
          this.onDidRefuseStateEmitter.fire(err);
        }
        return;
      }
      this.onAgentStateEmitter.fire({ agentId, at: this.deps.clock?.now() ?? Date.now() });
    }
  }
  // ---------------------------------------------------------------------------------

  // --- Issue 18 seam: queues (src/core/queues/queueMonitor.ts uses only these two) ----
  /** The agent of a signed-in session of this connection (the first one), if any. */
  get sessionAgent(): AgentId | undefined {
    for (const s of this.sessions.values()) if (s.status.kind === 'signed-in' && s.guid) return s.agentId;
    return undefined;
  }

  /** Sends as `agentId`'s own session, within its rate limit, with its current Guid (picked after the last wait). */
  async sendAsSession<T>(agentId: AgentId, signal: AbortSignal, request: (client: GatewayClient, guid: string, signal: AbortSignal) => Promise<T>): Promise<T> {
    if (this.isDisposed || signal.aborted) throw cancelled();
    const release = this.deps.rateLimit ? await this.deps.rateLimit(this.origin, agentId, signal) : undefined;
    try {
      const client = await this.getClient();
      if (this.isDisposed || signal.aborted) throw cancelled();
      const guid = this.sessions.get(agentId)?.guid;
      if (!guid) throw new GatewayError('auth', t('Sign in to see queues.'), { code: 'NO_SESSION' });
      return await request(client, guid, signal);
    } finally {
      release?.();
    }
  }
  // ---------------------------------------------------------------------------------


  /** The pasted Guid this agent uses (its own, or the gateway's), with the key it is stored under. */
  private async storedGuid(agentId: string): Promise<{ guid: string; agentId?: string } | undefined> {
    let guid: string | undefined;
    try {
      guid = await this.deps.credentials.guid(this.origin, agentId);
    } catch (e) {
      // The keyring failed: not the gateway's doing, and not something to retry blindly.
      onUnexpectedError(e, `reading the Guid for ${this.origin}`);
      throw new GatewayError('auth', t('The Guid for {0} could not be read from the secret store; see the "CC-Gateway" log.', this.origin), { code: 'SECRET_STORE' }, e);
    }
    if (!guid) return undefined;
    const key = this.deps.credentials.keyOf(this.origin, agentId);
    return { guid, agentId: key === this.origin ? undefined : agentId };
  }

  private getClient(): Promise<GatewayClient> {
    if (this.isDisposed) return Promise.reject(cancelled());
    if (!this.client) {
      const created = this.createClient();
      // A failed setup (unreadable CA file) is tried again on the next request rather than kept.
      created.catch(() => {
        if (this.client === created) this.client = undefined;
      });
      this.client = created;
    }
    return this.client;
  }

  private getSessionClient(): Promise<GatewayClient> {
    if (this.isDisposed) return Promise.reject(cancelled());
    if (!this.sessionClient) {
      const created = this.createClient(SESSION_CONNECTIONS);
      created.catch(() => {
        if (this.sessionClient === created) this.sessionClient = undefined;
      });
      this.sessionClient = created;
    }
    return this.sessionClient;
  }

  private async createClient(connections?: number): Promise<GatewayClient> {
    const options = await clientOptionsFor(this.settings, this.deps.readTextFile);
    if (this.isDisposed) throw cancelled();
    if (options.proxy && connections === undefined) this.deps.log.info(`Requests to ${this.origin} go through the proxy ${options.proxy.display}.`);
    const pool = connections ?? this.deps.poolConnections;
    return this.deps.loadClientFactory()({
      ...options,
      onRequest: this.deps.onRequest,
      onGuidRenewed: (r) => this.onGuidRenewed(r),
      ...(pool ? { connections: pool } : {}),
    });
  }

  private closeClient(): void {
    for (const client of [this.client, this.sessionClient]) void client?.then((c) => c.close()).catch(() => undefined);
    this.client = undefined;
    this.sessionClient = undefined;
  }

  private onPollOutcome(agentId: string, outcome: PollOutcome, at: number): void {
    if (outcome.ok) {
      if (this.certificate) this.setCertificate(undefined);
    } else {
      const e = outcome.error;
      if (e.kind === 'tls' && e.details.refusal) this.setCertificate(e.details.refusal);
      if (e.kind === 'auth') this.lastAuthCode.set(this.credentialKey(agentId), e.details.code ?? e.details.retcode);
    }
    this.onOutcomeEmitter.fire({ agentId, outcome, at });
  }

  private onAuthBlocked(key: string): void {
    const code = this.lastAuthCode.get(key);
    // A missing Guid is the "Set Guid" welcome view's business; a session's Guid is renewed by its session. Only a refusal of a pasted Guid is news.
    if (code === 'NO_GUID' || code === 'SECRET_STORE' || key.includes('|session|')) {
      this.checkCredentials();
      return;
    }
    this.refused.add(key);
    this.deps.log.warn(`The gateway refused the Guid for ${key.replace('|', ', agent ')}; polling stopped until a new Guid is set.`);
    this.onDidChangeEmitter.fire();
    const [origin, agentId] = key.split('|');
    this.onDidRefuseGuidEmitter.fire({ origin, agentId });
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
        present = agents.length > 0 && ([...this.sessions.values()].some((x) => x.guid) || (await this.deps.credentials.hasAny(this.origin, agents)));
      } catch (e) {
        onUnexpectedError(e, `looking up the Guid for ${this.origin}`);
        return;
      }
      const next: CredentialPresence = present ? 'present' : 'absent';
      if (this.isDisposed || next === this.presence) return;
      this.presence = next;
      this.onDidChangeEmitter.fire();
    });
  }
}

function cancelled(): GatewayError {
  return new GatewayError('cancelled', t('The request was cancelled.'));
}
