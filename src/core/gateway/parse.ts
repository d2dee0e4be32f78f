import { errorForRetcode, GatewayError } from './errors';
import type { AgentStatistics, DetailedStatistics } from './types';

export interface RawAnswer {
  readonly status: number;
  readonly contentType?: string;
  readonly body: string;
}

const REQUIRED = ['talktime', 'answernums', 'calloutnums'] as const;

/** statisticsEx: exactly the three documented counters; extra fields are ignored. */
export function parseStatisticsEx(answer: RawAnswer, agentId: string): AgentStatistics {
  const result = parseEnvelope(answer, agentId);
  const stats = {} as Record<(typeof REQUIRED)[number], number>;
  for (const field of REQUIRED) stats[field] = requireCounter(result, field, answer.status);
  return stats;
}

/** statistics (drill-down): the three required counters plus any other numeric field, by name. */
export function parseStatistics(answer: RawAnswer, agentId: string): DetailedStatistics {
  const result = parseEnvelope(answer, agentId);
  const stats: Record<string, number> = {};
  for (const field of REQUIRED) stats[field] = requireCounter(result, field, answer.status);
  for (const [key, value] of Object.entries(result)) {
    if (key in stats || !/^[a-z][a-z0-9_]{0,40}$/i.test(key)) continue;
    if (typeof value === 'number' && Number.isFinite(value)) stats[key] = value;
  }
  return stats as unknown as DetailedStatistics;
}

function parseEnvelope(answer: RawAnswer, agentId: string): Record<string, unknown> {
  const { status } = answer;
  const text = answer.body.trim();
  let parsed: unknown;
  let isJson = false;
  if (text.startsWith('{')) {
    try {
      parsed = JSON.parse(text);
      isJson = true;
    } catch {
      /* reported below with the status */
    }
  }
  const envelope = isJson && parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;

  // An envelope with a failure retcode wins over the HTTP status: the gateway reports errors inside it.
  if (envelope && typeof envelope.retcode === 'string' && envelope.retcode !== '0') {
    throw errorForRetcode(envelope.retcode, envelope.message, agentId, status);
  }
  if (status < 200 || status > 299) throw errorForHttpStatus(status, looksLikeHtml(text, answer.contentType));
  if (!isJson) {
    const what = text === '' ? 'an empty body' : looksLikeHtml(text, answer.contentType) ? 'an HTML page' : 'something that is not JSON';
    throw new GatewayError('protocol', `The gateway answered HTTP ${status} with ${what} instead of the JSON envelope; is ccGateway.gatewayUrl pointing at the CC-Gateway?`, { httpStatus: status });
  }
  if (!envelope) {
    throw new GatewayError('protocol', `The gateway answered HTTP ${status} with JSON that is not the documented envelope object.`, { httpStatus: status });
  }
  if (typeof envelope.retcode !== 'string') {
    throw new GatewayError('protocol', `The gateway's answer has no text "retcode" field (HTTP ${status}); it is not the documented envelope.`, { httpStatus: status });
  }
  const result = envelope.result;
  if (!result || typeof result !== 'object' || Array.isArray(result)) {
    throw new GatewayError('protocol', `The gateway reported success but sent no "result" object (HTTP ${status}).`, { httpStatus: status, retcode: '0' });
  }
  return result as Record<string, unknown>;
}

function requireCounter(result: Record<string, unknown>, field: string, status: number): number {
  const value = result[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    const got = value === undefined ? 'it is missing' : `got ${typeof value === 'string' ? 'text' : typeof value === 'number' ? String(value) : typeof value}`;
    throw new GatewayError('protocol', `The gateway's "${field}" is not a non-negative whole number (${got}); the answer was ignored.`, { httpStatus: status, retcode: '0' });
  }
  return value;
}

function looksLikeHtml(text: string, contentType?: string): boolean {
  return /html/i.test(contentType ?? '') || /^<(!doctype|html|head|body)/i.test(text);
}

function errorForHttpStatus(status: number, html: boolean): GatewayError {
  const page = html ? ' with an HTML page' : '';
  if (status === 502 || status === 503 || status === 504 || status === 500) {
    return new GatewayError('transient', `The gateway or a load balancer in front of it answered HTTP ${status}${page}; retrying with back-off.`, { httpStatus: status });
  }
  if (status === 429) {
    return new GatewayError('transient', 'The gateway answered HTTP 429 (too many requests); polling slows down.', { httpStatus: status, slowDown: true });
  }
  if (status === 401 || status === 403) {
    return new GatewayError('auth', `The gateway answered HTTP ${status}: the Guid is not accepted. Set a new Guid.`, { httpStatus: status });
  }
  if (status === 404 || status === 405) {
    return new GatewayError('invalid-request', `The gateway answered HTTP ${status}${page}: the interface was not found. Check ccGateway.gatewayUrl (https://host:8043).`, { httpStatus: status });
  }
  return new GatewayError(status >= 500 ? 'transient' : 'protocol', `The gateway answered HTTP ${status}${page} instead of the JSON envelope.`, { httpStatus: status });
}
