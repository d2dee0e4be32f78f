import { rootCertificates } from 'node:tls';
import { Pool } from 'undici';
import type { AgentId } from '../validation/agentId';
import { errorForTransport, GatewayError, isGatewayError } from './errors';
import { parseStatistics, parseStatisticsEx, type RawAnswer } from './parse';
import type { AgentStatistics, DetailedStatistics, GatewayClient, GatewayClientOptions, RequestLogEntry } from './types';

/** statisticsEx answers are ~100 bytes; anything near this is not the gateway talking. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;
const BASE_PATH = '/agentgateway/resource/calldata/';

/**
 * One keep-alive pool per gateway origin. TLS verification stays on; a
 * configured CA is added to Node's default roots, never replacing them.
 */
export class UndiciGatewayClient implements GatewayClient {
  readonly origin: string;
  private readonly pool: Pool;
  private readonly maxBodyBytes: number;
  private closed = false;

  constructor(private readonly options: GatewayClientOptions) {
    const url = new URL(options.origin);
    if (url.protocol !== 'https:') throw new GatewayError('invalid-request', 'The gateway URL must use https.');
    this.origin = url.origin;
    this.maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.pool = new Pool(this.origin, {
      connections: options.connections ?? 8,
      pipelining: 1,
      keepAliveTimeout: 30_000,
      keepAliveMaxTimeout: 60_000,
      connectTimeout: options.timeoutMs,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      connect: {
        rejectUnauthorized: true,
        ...(options.caPem ? { ca: [...rootCertificates, options.caPem] } : {}),
      },
    });
  }

  async statisticsEx(agentId: AgentId, guid: string, signal?: AbortSignal): Promise<AgentStatistics> {
    const answer = await this.get(agentId, 'statisticsEx', guid, signal);
    return this.parsed(agentId, 'statisticsEx', answer, () => parseStatisticsEx(answer.raw, agentId));
  }

  async statistics(agentId: AgentId, guid: string, signal?: AbortSignal): Promise<DetailedStatistics> {
    const answer = await this.get(agentId, 'statistics', guid, signal);
    return this.parsed(agentId, 'statistics', answer, () => parseStatistics(answer.raw, agentId));
  }

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

  private async get(agentId: AgentId, operation: RequestLogEntry['operation'], guid: string, signal?: AbortSignal): Promise<{ raw: RawAnswer; started: number }> {
    if (this.closed) throw new GatewayError('cancelled', 'The gateway client was closed.');
    // Defence in depth: the branded type already guarantees digits, but nothing may reach the path unchecked.
    if (!/^[0-9]{1,7}$/.test(agentId)) throw new GatewayError('invalid-request', 'The agent ID must be digits only.');
    if (!/^[\x21-\x7e]{1,512}$/.test(guid)) throw new GatewayError('auth', 'The stored Guid is not a valid header value. Set a new Guid.');
    if (signal?.aborted) throw new GatewayError('cancelled', 'The request was cancelled.');

    const started = Date.now();
    // The pool's connect/headers/body timeouts bound the request; no per-request timer or
    // AbortController (they cost more CPU than the request itself at 1,000 agents).
    try {
      const res = await this.pool.request({
        path: `${BASE_PATH}${agentId}/${operation}`,
        method: 'GET',
        headers: { 'content-type': 'application/json; charset=UTF-8', guid },
        ...(signal ? { signal } : {}),
      });
      const body = await this.readCapped(res.body, res.statusCode);
      const contentType = res.headers['content-type'];
      return { raw: { status: res.statusCode, body, contentType: Array.isArray(contentType) ? contentType[0] : contentType }, started };
    } catch (e) {
      if (isGatewayError(e)) {
        this.log({ agentId, operation, httpStatus: e.details.httpStatus, durationMs: Date.now() - started, outcome: e.kind });
        throw e;
      }
      if (signal?.aborted) throw new GatewayError('cancelled', 'The request was cancelled.');
      const err = errorForTransport(e, this.origin, this.options.timeoutMs);
      this.log({ agentId, operation, durationMs: Date.now() - started, outcome: `${err.kind}${err.details.code ? ` ${err.details.code}` : ''}` });
      throw err;
    }
  }

  private async readCapped(body: AsyncIterable<Buffer> & { destroy(err?: Error): unknown }, status: number): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += chunk.length;
      if (size > this.maxBodyBytes) {
        body.destroy();
        throw new GatewayError('protocol', `The gateway's answer is larger than ${Math.round(this.maxBodyBytes / 1024)} KiB (HTTP ${status}); that is not a statistics answer, so it was dropped.`, { httpStatus: status });
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, size).toString('utf8');
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
