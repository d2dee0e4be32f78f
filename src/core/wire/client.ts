// Over 300 lines: one HTTP client for every documented interface, kept in one bundle that is
// loaded lazily; the parsing lives in parse.ts, sessionAnswers.ts and queues.ts.
import { t } from '../l10n/localize';
import { createSecureContext, rootCertificates, type SecureContext } from 'node:tls';
import { errors, Pool, type Dispatcher } from 'undici';
import { systemClock, type Clock, type TimerHandle } from '../util/clock';
import { onUnexpectedError } from '../util/unexpectedError';
import type { AgentId } from '../ids/agentId';
import { errorForProxy, errorForTransport, GatewayError, isGatewayError } from '../model/errors';
import { agentInfoPath, parseAgentInfo, type AgentInfo } from './agentInfo';
import { agentListBody, agentListPath, parseAgentObjects, QUEUE_AGENT_LIMIT, QUEUE_AGENTS_MAX_BYTES, queueAgentsBody, queueAgentsPath } from './queueAgents';
import { parseStatistics, parseStatisticsEx, type RawAnswer } from './parse';
import { agentSkillsPath, parseAgentSkills, parseQueueStats, parseSkillQueues, queueStatsBody, queueStatsPath, skillQueuesPath } from './queues';
import { type QueueAgents, type QueueStats, type SkillQueue } from '../model/queues';
import { parseEventPoll, parseSignIn, parseSignOut, type EventPollResult, type SignInResult } from './sessionAnswers';
import { createProxyDispatcher } from './proxyDispatcher';
import { readSystemCertificates, trustedCas } from './systemCertificates';
import { verifyingConnector, type GatewayTlsOptions } from './verifyingConnector';
import type { GatewayClient, GatewayClientOptions, Operation, RequestLogEntry, SignInBody, SignInVariant } from './types';
import type { AgentStatistics, DetailedStatistics } from '../model/statistics';

/** statisticsEx answers are ~100 bytes; anything near this is not the gateway talking. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const BASE_PATH = '/agentgateway/resource/calldata/';
const SESSION_PATH = '/agentgateway/resource/onlineagent/';
const EVENT_PATH = '/agentgateway/resource/agentevent/';

/**
 * Secure contexts by trust list, shared by the clients of this process: parsing 150+ roots costs
 * tens of milliseconds of CPU, paid again at every settings change otherwise. A context holds only
 * what verification reads (no session state), so sharing one cannot carry anything between origins.
 */
const secureContexts = new Map<string, SecureContext>();
const SECURE_CONTEXTS_KEPT = 8;
function secureContextFor(cas: readonly string[]): SecureContext {
  const key = cas.join('\n');
  let context = secureContexts.get(key);
  if (!context) {
    context = createSecureContext({ ca: [...cas] });
    if (secureContexts.size >= SECURE_CONTEXTS_KEPT) secureContexts.delete(secureContexts.keys().next().value!);
    secureContexts.set(key, context);
  }
  return context;
}

interface OutgoingRequest {
  readonly method: 'GET' | 'PUT' | 'DELETE' | 'POST';
  readonly path: string;
  /** The Guid header; absent for sign-in. */
  readonly guid?: string;
  readonly body?: string;
  /** Overrides the wait for headers and body (the event poll is held by the gateway): timed by the client's clock, not undici. */
  readonly waitMs?: number;
  /** Overrides the answer size limit (lists of agents are larger than statistics). */
  readonly maxBytes?: number;
}

/**
 * One keep-alive pool per gateway origin. Every connection is verified
 * (verifyingConnector.ts): a configured CA and, with `systemCertificates`, the
 * OS store's CAs are added to Node's default roots, never replacing them; a
 * pinned certificate is accepted for this origin only.
 */
export class UndiciGatewayClient implements GatewayClient {
  readonly origin: string;
  /** Set once the trust list is known: at once, or after the OS store was read. */
  private pool: Dispatcher | undefined;
  private readonly poolReady: Promise<Dispatcher>;
  private readonly maxBodyBytes: number;
  private readonly clock: Clock;
  private closed = false;

  constructor(private readonly options: GatewayClientOptions) {
    const url = new URL(options.origin);
    if (url.protocol !== 'https:') throw new GatewayError('invalid-request', t('The gateway URL must use https.'));
    this.origin = url.origin;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.clock = options.clock ?? systemClock;
    const poolOptions = {
      connections: options.connections ?? 8,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 60_000,
      connectTimeout: options.timeoutMs,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    };
    const proxy = options.proxy;
    const pinned = options.trustedFingerprints ?? [];
    const build = (cas: string[] | undefined): Dispatcher => {
      const gatewayTls: GatewayTlsOptions = {
        timeout: options.timeoutMs,
        // Built once: a `ca` list would be parsed again (150+ roots) for every new connection.
        ...(cas ? { secureContext: secureContextFor(cas) } : {}),
      };
      return proxy
        ? createProxyDispatcher(proxy, poolOptions, gatewayTls, pinned, options.timeoutMs)
        : new Pool(this.origin, { ...poolOptions, connect: verifyingConnector(gatewayTls, pinned) });
    };
    if (options.systemCertificates) {
      // Reading the store is file (or native) I/O: done off the constructor, before the first connection.
      this.poolReady = readSystemCertificates().then(({ certificates }) => (this.pool = build(trustedCas(certificates, options.caPem))));
      this.poolReady.catch(() => undefined); // surfaces in the first request; never unhandled
    } else {
      this.pool = build(options.caPem ? [...rootCertificates, options.caPem] : undefined);
      this.poolReady = Promise.resolve(this.pool);
    }
  }

  async statisticsEx(agentId: AgentId, guid: string, signal?: AbortSignal): Promise<AgentStatistics> {
    const answer = await this.send(agentId, 'statisticsEx', { method: 'GET', path: `${BASE_PATH}${agentId}/statisticsEx`, guid }, signal);
    return this.parsed(agentId, 'statisticsEx', answer, () => parseStatisticsEx(answer.raw, agentId));
  }

  async statistics(agentId: AgentId, guid: string, signal?: AbortSignal): Promise<DetailedStatistics> {
    const answer = await this.send(agentId, 'statistics', { method: 'GET', path: `${BASE_PATH}${agentId}/statistics`, guid }, signal);
    return this.parsed(agentId, 'statistics', answer, () => parseStatistics(answer.raw, agentId));
  }

  async signIn(agentId: AgentId, variant: SignInVariant, body: SignInBody, signal?: AbortSignal): Promise<SignInResult> {
    // The password travels in the body only; the body is never logged.
    const path = `${SESSION_PATH}${agentId}${variant === 'login' ? '' : `/${variant}`}`;
    const answer = await this.send(agentId, variant, { method: 'PUT', path, body: JSON.stringify(body) }, signal);
    return this.parsed(agentId, variant, answer, () => parseSignIn(answer.raw, agentId));
  }

  async pollEvent(agentId: AgentId, guid: string, holdMs: number, signal?: AbortSignal): Promise<EventPollResult> {
    // The gateway holds an idle poll: the wait for its headers is the hold plus the usual timeout.
    const answer = await this.send(agentId, 'agentevent', { method: 'GET', path: `${EVENT_PATH}${agentId}`, guid, waitMs: holdMs + this.options.timeoutMs }, signal);
    return this.parsed(agentId, 'agentevent', answer, () => parseEventPoll(answer.raw, agentId));
  }

  async signOut(agentId: AgentId, guid: string, signal?: AbortSignal): Promise<void> {
    const answer = await this.send(agentId, 'logout', { method: 'DELETE', path: `${SESSION_PATH}${agentId}/logout`, guid }, signal);
    this.parsed(agentId, 'logout', answer, () => parseSignOut(answer.raw, agentId));
  }

  // --- Supervisor view: agent state ---------------------------------
  async agentInfo(callerId: AgentId, workno: AgentId, guid: string, signal?: AbortSignal): Promise<AgentInfo> {
    if (!/^[0-9]{1,7}$/.test(callerId)) throw new GatewayError('invalid-request', t('The agent ID must be digits only.'));
    const answer = await this.send(workno, 'agentbyworkno', { method: 'GET', path: agentInfoPath(callerId, workno), guid }, signal);
    return this.parsed(workno, 'agentbyworkno', answer, () => parseAgentInfo(answer.raw, workno));
  }

  async queueAgents(callerId: AgentId, queueId: number, guid: string, signal?: AbortSignal): Promise<QueueAgents> {
    const answer = await this.send(callerId, 'agentbyskill', { method: 'GET', path: queueAgentsPath(callerId, queueId), guid, body: queueAgentsBody(), maxBytes: QUEUE_AGENTS_MAX_BYTES }, signal);
    return this.parsed(callerId, 'agentbyskill', answer, () => parseAgentObjects(answer.raw, callerId, QUEUE_AGENT_LIMIT));
  }

  async agentList(callerId: AgentId, ids: readonly string[], guid: string, signal?: AbortSignal): Promise<QueueAgents> {
    const body = agentListBody(ids);
    const answer = await this.send(callerId, 'agentbylist', { method: 'GET', path: agentListPath(callerId), guid, body, maxBytes: QUEUE_AGENTS_MAX_BYTES }, signal);
    return this.parsed(callerId, 'agentbylist', answer, () => parseAgentObjects(answer.raw, callerId));
  }
  // ------------------------------------------------------------------------------

  // --- Queues ----------------------------------------------------------
  async skillQueues(callerId: AgentId, guid: string, signal?: AbortSignal): Promise<{ queues: SkillQueue[]; skipped: number }> {
    const answer = await this.send(callerId, 'agentvdnskill', { method: 'GET', path: skillQueuesPath(callerId), guid }, signal);
    return this.parsed(callerId, 'agentvdnskill', answer, () => parseSkillQueues(answer.raw, callerId));
  }

  async agentSkills(callerId: AgentId, guid: string, signal?: AbortSignal): Promise<{ queues: SkillQueue[]; skipped: number }> {
    const answer = await this.send(callerId, 'agentskills', { method: 'GET', path: agentSkillsPath(callerId), guid }, signal);
    return this.parsed(callerId, 'agentskills', answer, () => parseAgentSkills(answer.raw, callerId));
  }

  async queueStats(callerId: AgentId, ids: readonly number[], guid: string, signal?: AbortSignal): Promise<{ stats: QueueStats[]; skipped: number }> {
    const body = queueStatsBody(ids);
    const answer = await this.send(callerId, 'queryacdstat', { method: 'POST', path: queueStatsPath(callerId), guid, body }, signal);
    return this.parsed(callerId, 'queryacdstat', answer, () => parseQueueStats(answer.raw, callerId));
  }
  // ------------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // destroy, not close: a hanging request must not keep the pool (and the extension host) alive.
    await this.poolReady.then((pool) => pool.destroy(), () => undefined);
  }

  private parsed<T>(agentId: string, operation: Operation, answer: { raw: RawAnswer; started: number }, parse: () => T): T {
    try {
      const value = parse();
      this.log({ agentId, operation, httpStatus: answer.raw.status, retcode: '0', durationMs: Date.now() - answer.started, outcome: 'ok' });
      return value;
    } catch (e) {
      const err = e as GatewayError;
      this.log({ agentId, operation, httpStatus: answer.raw.status, retcode: err.details?.retcode, durationMs: Date.now() - answer.started, outcome: err.kind ?? 'error' });
      throw e;
    }
  }

  private async send(agentId: AgentId, operation: Operation, request: OutgoingRequest, signal?: AbortSignal): Promise<{ raw: RawAnswer; started: number }> {
    if (this.closed) throw new GatewayError('cancelled', t('The gateway client was closed.'));
    // Defence in depth: the branded type already guarantees digits, but nothing may reach the path unchecked.
    if (!/^[0-9]{1,7}$/.test(agentId)) throw new GatewayError('invalid-request', t('The agent ID must be digits only.'));
    if (request.guid !== undefined && !/^[\x21-\x7e]{1,512}$/.test(request.guid)) throw new GatewayError('auth', t('The stored Guid is not a valid header value. Set a new Guid.'));
    if (signal?.aborted) throw new GatewayError('cancelled', t('The request was cancelled.'));

    const started = Date.now();
    let raw: RawAnswer;
    try {
      raw = await this.dispatch(request, signal);
    } catch (e) {
      if (isGatewayError(e)) {
        this.log({ agentId, operation, httpStatus: e.details.httpStatus, durationMs: Date.now() - started, outcome: e.kind });
        throw e;
      }
      if (signal?.aborted) throw new GatewayError('cancelled', t('The request was cancelled.'));
      const err = (this.options.proxy && errorForProxy(e, this.options.proxy.display, this.origin, this.options.timeoutMs)) || errorForTransport(e, this.origin, request.waitMs ?? this.options.timeoutMs, this.options.caFileSetting);
      this.log({ agentId, operation, durationMs: Date.now() - started, outcome: `${err.kind}${err.details.code ? ` ${err.details.code}` : ''}` });
      throw err;
    }
    // Adopted before this request settles: nothing can be sent with the superseded Guid after this line.
    if (raw.setGuid && request.guid !== undefined && raw.setGuid !== request.guid) {
      try {
        this.options.onGuidRenewed?.({ agentId, sentGuid: request.guid, newGuid: raw.setGuid });
      } catch (e) {
        onUnexpectedError(e, 'adopting a renewed Guid');
      }
    }
    return { raw, started };
  }

  /**
   * One GET through the pool with a plain dispatch handler: no response stream, no
   * async iterator, no per-request timer (the pool's connect/headers/body timeouts
   * bound it). At 1,000 agents per cycle these costs were most of our CPU per request.
   *
   * The event poll (`waitMs`) is the exception. undici times any wait over 1 s with its
   * "fast" timers, which wake the whole process every 499 ms while one is pending, i.e.
   * all through every ~10 s hold: ~20 wake-ups per poll, each costing about what the poll
   * itself does. So undici's timeouts are off for it and one timer of ours bounds it the
   * same way (armed when the request is written, re-armed at the headers and at each body
   * chunk, undici's own timeout errors), waking the process only if the wait runs out.
   */
  private dispatch(request: OutgoingRequest, signal: AbortSignal | undefined): Promise<RawAnswer> {
    const pool = this.pool;
    if (!pool) {
      return this.poolReady.then(() => {
        if (this.closed) throw new GatewayError('cancelled', t('The gateway client was closed.'));
        return this.dispatch(request, signal);
      });
    }
    const maxBodyBytes = request.maxBytes ?? this.maxBodyBytes;
    const { clock } = this;
    const waitMs = request.waitMs;
    return new Promise<RawAnswer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let status = 0;
      let contentType: string | undefined;
      let setGuid: string | undefined;
      let abort: ((err: Error) => void) | undefined;
      let settled = false;
      let waitTimer: TimerHandle | undefined;
      /** (Re)arms the wait; on expiry the request ends with the error undici's own timeout would give. */
      const waitFor = (timeout: () => Error) => {
        if (waitMs === undefined || settled) return;
        if (waitTimer !== undefined) clock.clearTimeout(waitTimer);
        waitTimer = clock.setTimeout(() => {
          waitTimer = undefined;
          abort?.(timeout());
        }, waitMs);
      };
      const cancelled = () => new GatewayError('cancelled', t('The request was cancelled.'));
      const onAbort = () => abort?.(cancelled());
      const finish = (err: Error | undefined, value?: RawAnswer) => {
        if (settled) return;
        settled = true;
        if (waitTimer !== undefined) clock.clearTimeout(waitTimer);
        waitTimer = undefined;
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(value!);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const headers: Record<string, string> = { 'content-type': 'application/json; charset=UTF-8' };
      if (request.guid !== undefined) headers.guid = request.guid;
      pool.dispatch(
        {
          origin: this.origin,
          path: request.path,
          method: request.method,
          headers,
          ...(request.body !== undefined ? { body: request.body } : {}),
          ...(waitMs !== undefined ? { headersTimeout: 0, bodyTimeout: 0 } : {}),
        },
        {
          onConnect: (abortRequest) => {
            abort = abortRequest;
            if (signal?.aborted) abortRequest(cancelled());
            else waitFor(() => new errors.HeadersTimeoutError());
          },
          onHeaders: (statusCode, rawHeaders) => {
            status = statusCode;
            waitFor(() => new errors.BodyTimeoutError());
            for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
              const name = rawHeaders[i];
              if (name.length === 12 && name.toString('latin1').toLowerCase() === 'content-type') contentType = rawHeaders[i + 1].toString('latin1');
              else if (name.length === 8 && name.toString('latin1').toLowerCase() === 'set-guid') setGuid = guidFromHeader(rawHeaders[i + 1].toString('latin1'));
            }
            return true;
          },
          onData: (chunk) => {
            size += chunk.length;
            if (size > maxBodyBytes) {
              abort?.(new GatewayError('protocol', t("The gateway's answer is larger than {0} KiB (HTTP {1}); that is not a statistics answer, so it was dropped.", Math.round(maxBodyBytes / 1024), status), { httpStatus: status }));
              return false;
            }
            chunks.push(chunk);
            waitFor(() => new errors.BodyTimeoutError());
            return true;
          },
          onComplete: () => finish(undefined, { status, body: Buffer.concat(chunks, size).toString('utf8'), contentType, setGuid }),
          onError: (err) => finish(err),
        },
      );
    });
  }

  private log(entry: RequestLogEntry): void {
    try {
      this.options.onRequest?.(entry);
    } catch (e) {
      // A logging failure must never fail a request, but it is still reported.
      onUnexpectedError(e, 'logging a request');
    }
  }
}

/** `JSESSIONID=<guid>` or the bare value (with attributes after `;` dropped); undefined unless it is a usable header value. */
export function guidFromHeader(value: string): string | undefined {
  const v = value.split(';')[0].trim().replace(/^JSESSIONID=/i, '').trim();
  return /^[\x21-\x7e]{1,512}$/.test(v) ? v : undefined;
}

export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  return new UndiciGatewayClient(options);
}
