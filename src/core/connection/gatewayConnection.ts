import type { CertificateRefusal } from '../gateway/certificate';
import type { AgentInfo } from '../gateway/agentInfo';
import { GatewayError, isGatewayError } from '../gateway/errors';
import type { AgentStatistics, CreateGatewayClient, DetailedStatistics, GatewayClient, RequestLogEntry } from '../gateway/types';
import { t } from '../l10n/localize';
import { PollScheduler, type PollOutcome } from '../polling/scheduler';
import type { Clock } from '../util/clock';
import { Disposable, Emitter } from '../util/lifecycle';
import { onUnexpectedError } from '../util/unexpectedError';
import type { AgentId } from '../validation/agentId';
import { clientOptionsFor, type ConnectionSettings } from './connectionSettings';

/** Where a connection gets its Guids. It asks for its own origin only. */
export interface CredentialSource {
  /** The Guid an agent's requests to `origin` carry; may take a keyring round trip. */
  guid(origin: string, agentId: string): Promise<string | undefined>;
  /** Which stored Guid an agent uses (`origin` or `origin|agent`): agents sharing one stop together when it is refused. */
  keyOf(origin: string, agentId: string): string;
  /** Whether any of these agents has a Guid for `origin`. */
  hasAny(origin: string, agentIds: readonly string[]): Promise<boolean>;
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

  private readonly onOutcomeEmitter = this._register(new Emitter<ConnectionOutcome>());
  /** Every finished request of a watched agent (polled or queried). */
  readonly onOutcome = this.onOutcomeEmitter.event;
  private readonly onDidChangeEmitter = this._register(new Emitter<void>());
  /** Refused credentials, the refused certificate or credential presence changed. */
  readonly onDidChange = this.onDidChangeEmitter.event;
  private readonly onDidRefuseGuidEmitter = this._register(new Emitter<{ origin: string; agentId?: string }>());
  /** Once per refusal of a credential, until a new Guid lifts it. */
  readonly onDidRefuseGuid = this.onDidRefuseGuidEmitter.event;

  constructor(
    readonly settings: ConnectionSettings,
    polling: PollingState,
    private readonly deps: ConnectionDeps,
    /** What an earlier connection to the same origin knew, so the view does not blink. */
    initialPresence: CredentialPresence = 'unknown',
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

  /** For tests and the benchmark. */
  get schedulerSnapshot(): ReturnType<PollScheduler['snapshot']> {
    return this.scheduler.snapshot();
  }

  credentialKey(agentId: string): string {
    return this.deps.credentials.keyOf(this.origin, agentId);
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

  /**
   * Reads the Guid for this origin, then sends on this origin's client. After every
   * wait it checks that the connection still stands: a disposed one sends nothing.
   */
  private async send<T>(agentId: string, signal: AbortSignal, request: (client: GatewayClient, guid: string, signal: AbortSignal) => Promise<T>): Promise<T> {
    const guid = await this.guidFor(agentId);
    if (this.isDisposed || signal.aborted) throw cancelled();
    const client = await this.getClient();
    // No await between this check and the request: it is on the wire or not at all.
    if (this.isDisposed || signal.aborted) throw cancelled();
    return request(client, guid, signal);
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

  private async guidFor(agentId: string): Promise<string> {
    let guid: string | undefined;
    try {
      guid = await this.deps.credentials.guid(this.origin, agentId);
    } catch (e) {
      // The keyring failed: not the gateway's doing, and not something to retry blindly.
      onUnexpectedError(e, `reading the Guid for ${this.origin}`);
      throw new GatewayError('auth', t('The Guid for {0} could not be read from the secret store; see the "CC-Gateway" log.', this.origin), { code: 'SECRET_STORE' }, e);
    }
    if (!guid) throw new GatewayError('auth', t('No Guid is stored for {0}. Run "CC-Gateway: Set Guid…".', this.origin), { code: 'NO_GUID' });
    return guid;
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

  private async createClient(): Promise<GatewayClient> {
    const options = await clientOptionsFor(this.settings, this.deps.readTextFile);
    if (this.isDisposed) throw cancelled();
    if (options.proxy) this.deps.log.info(`Requests to ${this.origin} go through the proxy ${options.proxy.display}.`);
    return this.deps.loadClientFactory()({ ...options, onRequest: this.deps.onRequest, ...(this.deps.poolConnections ? { connections: this.deps.poolConnections } : {}) });
  }

  private closeClient(): void {
    const client = this.client;
    this.client = undefined;
    void client?.then((c) => c.close()).catch(() => undefined);
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
    // A missing Guid is the "Set Guid" welcome view's business; only a refusal is news.
    if (code === 'NO_GUID' || code === 'SECRET_STORE') {
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
        present = agents.length > 0 && (await this.deps.credentials.hasAny(this.origin, agents));
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
