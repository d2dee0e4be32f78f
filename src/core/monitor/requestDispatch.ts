import { GatewayError, isGatewayError } from '../model/errors';
import type { CreateGatewayClient, GatewayClient, RequestLogEntry } from '../wire/types';
import { describeRef, type SentCredential } from '../ids/credentialRef';
import { t } from '../l10n/localize';
import type { IDisposable } from '../util/lifecycle';
import { clientOptionsFor, type ConnectionSettings } from '../wire/connectionSettings';
import type { CredentialRegistry } from '../credentials/credentialRegistry';

/** Each signed-in agent holds one connection with its event poll (held up to ~10 s): room for that many sessions at once. */
const SESSION_CONNECTIONS = 64;

/** A refusal that arrives this many times in a row for a credential that moved on is treated as current. */
const MAX_STALE_RETRIES = 2;

export interface DispatchDeps {
  readonly loadClientFactory: () => CreateGatewayClient;
  readonly readTextFile: (path: string) => Promise<string>;
  readonly log: { info(message: string): void; debug?(message: string): void };
  readonly onRequest?: (entry: RequestLogEntry) => void;
  /** Keep-alive connections of the statistics pool (the client's default when unset). */
  readonly poolConnections?: number;
  /** Waits for a slot of the gateway's per-agent budget; the returned function gives it back. */
  readonly rateLimit?: (origin: string, agentId: string, signal: AbortSignal) => Promise<() => void>;
  /** Set-GUID on an answer, before it settles. */
  readonly onGuidRenewed: (sentGuid: string, newGuid: string) => void;
  /** Every request of either pool that got an answer (whatever it said) or met no gateway at all. */
  readonly onReach?: (reach: Reach) => void;
}

/** What one finished request says of the gateway: it answered, or it could not be reached. */
export type Reach = { readonly answered: true } | { readonly answered: false; readonly detail: string };

/** An HTTP status means the gateway answered; a network failure or timeout without one means it was not reached. TLS and cancels say neither. */
export function reachOf(entry: RequestLogEntry): Reach | undefined {
  if (entry.httpStatus !== undefined) return { answered: true };
  if (entry.outcome.startsWith('network') || entry.outcome.startsWith('transient')) return { answered: false, detail: entry.outcome };
  return undefined;
}

/** The credential a failed request was sent with; kept beside the error, never on it (errors get logged). */
const sentWith = new WeakMap<object, SentCredential>();

export function credentialOf(error: unknown): SentCredential | undefined {
  return typeof error === 'object' && error !== null ? sentWith.get(error) : undefined;
}

/**
 * The two client pools of one gateway (statistics, and the sessions' held event polls,
 * so a held poll never takes a connection the statistics need), and the one way a
 * request leaves: after its last wait, with a credential picked right then.
 */
export class RequestDispatch implements IDisposable {
  private client: Promise<GatewayClient> | undefined;
  private sessionClient: Promise<GatewayClient> | undefined;
  private disposed = false;

  constructor(
    private readonly settings: ConnectionSettings,
    private readonly deps: DispatchDeps,
  ) {}

  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * Reads the credential, then sends on the statistics client. After every wait it checks
   * that the dispatch still stands: a disposed one sends nothing. No await lies between
   * the last check, the pick of the Guid and the request: it is on the wire or not at all.
   */
  async send<T>(agentId: string, signal: AbortSignal, credentials: CredentialRegistry, request: (client: GatewayClient, guid: string, signal: AbortSignal) => Promise<T>): Promise<T> {
    const pick = await credentials.prepare(agentId);
    return this.inSlot(agentId, signal, async (client) => {
      const sent = pick();
      try {
        return await request(client, sent.guid, signal);
      } catch (e) {
        if (typeof e === 'object' && e !== null) sentWith.set(e, sent);
        throw e;
      }
    });
  }

  /**
   * Sends with the agent's credential. A refusal of a credential that has moved on since the
   * request left (a renewal, a new sign-in, a new paste) is stale news: dropped, and the request
   * is sent again with the current one (at most MAX_STALE_RETRIES times in a row).
   */
  async sendCurrent<T>(agentId: string, signal: AbortSignal, credentials: CredentialRegistry, request: (client: GatewayClient, guid: string, signal: AbortSignal) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.send(agentId, signal, credentials, request);
      } catch (e) {
        const sent = credentialOf(e);
        if (!sent || !isGatewayError(e) || e.kind !== 'auth' || this.disposed || attempt >= MAX_STALE_RETRIES) throw e;
        if (await credentials.isCurrent(sent)) throw e;
        this.deps.log.debug?.(`A refusal of ${describeRef(sent.ref)} arrived after it was replaced; dropped, sent again with the current one.`);
        if (this.disposed || signal.aborted) throw cancelled();
      }
    }
  }

  /** Sends as a session (`guidOf` its current Guid, picked after the last wait), within `agentId`'s rate limit. */
  sendAsSession<T>(agentId: string, signal: AbortSignal, guidOf: () => string | undefined, request: (client: GatewayClient, guid: string, signal: AbortSignal) => Promise<T>): Promise<T> {
    return this.inSlot(agentId, signal, (client) => {
      const guid = guidOf();
      if (!guid) throw new GatewayError('auth', t('Sign in to see queues.'), { code: 'NO_SESSION' });
      return request(client, guid, signal);
    });
  }

  /**
   * Runs `send` in one of `agentId`'s slots of the per-agent budget, on the statistics client.
   * The budget's wait comes before the Guid is picked (inside `send`), so a Guid renewed meanwhile
   * is the one sent; after every wait a disposed dispatch or an aborted request sends nothing.
   */
  private async inSlot<T>(agentId: string, signal: AbortSignal, send: (client: GatewayClient) => Promise<T>): Promise<T> {
    if (this.disposed || signal.aborted) throw cancelled();
    const release = this.deps.rateLimit ? await this.deps.rateLimit(this.settings.origin, agentId, signal) : undefined;
    try {
      const client = await this.statistics();
      if (this.disposed || signal.aborted) throw cancelled();
      return await send(client);
    } finally {
      release?.();
    }
  }

  statistics(): Promise<GatewayClient> {
    if (this.disposed) return Promise.reject(cancelled());
    if (!this.client) {
      const created = this.create();
      // A failed setup (unreadable CA file) is tried again on the next request rather than kept.
      created.catch(() => {
        if (this.client === created) this.client = undefined;
      });
      this.client = created;
    }
    return this.client;
  }

  sessions(): Promise<GatewayClient> {
    if (this.disposed) return Promise.reject(cancelled());
    if (!this.sessionClient) {
      const created = this.create(SESSION_CONNECTIONS);
      created.catch(() => {
        if (this.sessionClient === created) this.sessionClient = undefined;
      });
      this.sessionClient = created;
    }
    return this.sessionClient;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const client of [this.client, this.sessionClient]) void client?.then((c) => c.close()).catch(() => undefined);
    this.client = undefined;
    this.sessionClient = undefined;
  }

  private async create(connections?: number): Promise<GatewayClient> {
    const options = await clientOptionsFor(this.settings, this.deps.readTextFile);
    if (this.disposed) throw cancelled();
    if (options.proxy && connections === undefined) this.deps.log.info(`Requests to ${this.settings.origin} go through the proxy ${options.proxy.display}.`);
    const pool = connections ?? this.deps.poolConnections;
    return this.deps.loadClientFactory()({
      ...options,
      onRequest: (entry) => {
        this.deps.onRequest?.(entry);
        const reach = reachOf(entry);
        if (reach && !this.disposed) this.deps.onReach?.(reach);
      },
      onGuidRenewed: (r) => this.deps.onGuidRenewed(r.sentGuid, r.newGuid),
      ...(pool ? { connections: pool } : {}),
    });
  }
}

export function cancelled(): GatewayError {
  return new GatewayError('cancelled', t('The request was cancelled.'));
}
