import { t } from '../l10n/localize';
import { createSecureContext, rootCertificates } from 'node:tls';
import { Pool, type Dispatcher } from 'undici';
import type { AgentId } from '../validation/agentId';
import { errorForProxy, errorForTransport, GatewayError, isGatewayError } from './errors';
import { agentInfoPath, parseAgentInfo, type AgentInfo } from './agentInfo';
import { parseStatistics, parseStatisticsEx, type RawAnswer } from './parse';
import { createProxyDispatcher } from './proxyDispatcher';
import { verifyingConnector, type GatewayTlsOptions } from './verifyingConnector';
import type { AgentStatistics, DetailedStatistics, GatewayClient, GatewayClientOptions, RequestLogEntry } from './types';

/** statisticsEx answers are ~100 bytes; anything near this is not the gateway talking. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const BASE_PATH = '/agentgateway/resource/calldata/';

/**
 * One keep-alive pool per gateway origin. Every connection is verified
 * (verifyingConnector.ts): a configured CA is added to Node's default roots,
 * never replacing them; a pinned certificate is accepted for this origin only.
 */
export class UndiciGatewayClient implements GatewayClient {
  readonly origin: string;
  private readonly pool: Dispatcher;
  private readonly maxBodyBytes: number;
  private closed = false;

  constructor(private readonly options: GatewayClientOptions) {
    const url = new URL(options.origin);
    if (url.protocol !== 'https:') throw new GatewayError('invalid-request', t('The gateway URL must use https.'));
    this.origin = url.origin;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const poolOptions = {
      connections: options.connections ?? 8,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 60_000,
      connectTimeout: options.timeoutMs,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    };
    const gatewayTls: GatewayTlsOptions = {
      timeout: options.timeoutMs,
      // Built once: a `ca` list would be parsed again (150 roots) for every new connection.
      ...(options.caPem ? { secureContext: createSecureContext({ ca: [...rootCertificates, options.caPem] }) } : {}),
    };
    const proxy = options.proxy;
    const pinned = options.trustedFingerprints ?? [];
    this.pool = proxy
      ? createProxyDispatcher(proxy, poolOptions, gatewayTls, pinned, options.timeoutMs)
      : new Pool(this.origin, { ...poolOptions, connect: verifyingConnector(gatewayTls, pinned) });
  }

  async statisticsEx(agentId: AgentId, guid: string, signal?: AbortSignal): Promise<AgentStatistics> {
    const answer = await this.get(agentId, 'statisticsEx', guid, signal);
    return this.parsed(agentId, 'statisticsEx', answer, () => parseStatisticsEx(answer.raw, agentId));
  }

  async statistics(agentId: AgentId, guid: string, signal?: AbortSignal): Promise<DetailedStatistics> {
    const answer = await this.get(agentId, 'statistics', guid, signal);
    return this.parsed(agentId, 'statistics', answer, () => parseStatistics(answer.raw, agentId));
  }

  // --- Supervisor view (issue 13): agent state ---------------------------------
  async agentInfo(callerId: AgentId, workno: AgentId, guid: string, signal?: AbortSignal): Promise<AgentInfo> {
    if (!/^[0-9]{1,7}$/.test(callerId)) throw new GatewayError('invalid-request', t('The agent ID must be digits only.'));
    const answer = await this.get(workno, 'agentbyworkno', guid, signal, agentInfoPath(callerId, workno));
    return this.parsed(workno, 'agentbyworkno', answer, () => parseAgentInfo(answer.raw, workno));
  }
  // ------------------------------------------------------------------------------

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // destroy, not close: a hanging request must not keep the pool (and the extension host) alive.
    await this.pool.destroy();
  }

  private parsed<T>(agentId: string, operation: RequestLogEntry['operation'], answer: { raw: RawAnswer; started: number }, parse: () => T): T {
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

  private async get(agentId: AgentId, operation: RequestLogEntry['operation'], guid: string, signal?: AbortSignal, path = `${BASE_PATH}${agentId}/${operation}`): Promise<{ raw: RawAnswer; started: number }> {
    if (this.closed) throw new GatewayError('cancelled', t('The gateway client was closed.'));
    // Defence in depth: the branded type already guarantees digits, but nothing may reach the path unchecked.
    if (!/^[0-9]{1,7}$/.test(agentId)) throw new GatewayError('invalid-request', t('The agent ID must be digits only.'));
    if (!/^[\x21-\x7e]{1,512}$/.test(guid)) throw new GatewayError('auth', t('The stored Guid is not a valid header value. Set a new Guid.'));
    if (signal?.aborted) throw new GatewayError('cancelled', t('The request was cancelled.'));

    const started = Date.now();
    try {
      return { raw: await this.dispatch(path, guid, signal), started };
    } catch (e) {
      if (isGatewayError(e)) {
        this.log({ agentId, operation, httpStatus: e.details.httpStatus, durationMs: Date.now() - started, outcome: e.kind });
        throw e;
      }
      if (signal?.aborted) throw new GatewayError('cancelled', t('The request was cancelled.'));
      const err = (this.options.proxy && errorForProxy(e, this.options.proxy.display, this.origin, this.options.timeoutMs)) || errorForTransport(e, this.origin, this.options.timeoutMs);
      this.log({ agentId, operation, durationMs: Date.now() - started, outcome: `${err.kind}${err.details.code ? ` ${err.details.code}` : ''}` });
      throw err;
    }
  }

  /**
   * One GET through the pool with a plain dispatch handler: no response stream, no
   * async iterator, no per-request timer (the pool's connect/headers/body timeouts
   * bound it). At 1,000 agents per cycle these costs were most of our CPU per request.
   */
  private dispatch(path: string, guid: string, signal: AbortSignal | undefined): Promise<RawAnswer> {
    const maxBodyBytes = this.maxBodyBytes;
    return new Promise<RawAnswer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      let status = 0;
      let contentType: string | undefined;
      let abort: ((err: Error) => void) | undefined;
      let settled = false;
      const cancelled = () => new GatewayError('cancelled', t('The request was cancelled.'));
      const onAbort = () => abort?.(cancelled());
      const finish = (err: Error | undefined, value?: RawAnswer) => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(value!);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.pool.dispatch(
        { origin: this.origin, path, method: 'GET', headers: { 'content-type': 'application/json; charset=UTF-8', guid } },
        {
          onConnect: (abortRequest) => {
            abort = abortRequest;
            if (signal?.aborted) abortRequest(cancelled());
          },
          onHeaders: (statusCode, rawHeaders) => {
            status = statusCode;
            for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
              const name = rawHeaders[i];
              if (name.length === 12 && name.toString('latin1').toLowerCase() === 'content-type') {
                contentType = rawHeaders[i + 1].toString('latin1');
                break;
              }
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
            return true;
          },
          onComplete: () => finish(undefined, { status, body: Buffer.concat(chunks, size).toString('utf8'), contentType }),
          onError: (err) => finish(err),
        },
      );
    });
  }

  private log(entry: RequestLogEntry): void {
    try {
      this.options.onRequest?.(entry);
    } catch {
      /* a logging failure must never fail a request */
    }
  }
}

export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  return new UndiciGatewayClient(options);
}
