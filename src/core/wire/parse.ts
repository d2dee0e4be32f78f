import { t } from '../l10n/localize';
import { errorForRetcode, GatewayError } from '../model/errors';
import type { AgentStatistics, DetailedStatistics } from '../model/statistics';

export interface RawAnswer {
  readonly status: number;
  readonly contentType?: string;
  readonly body: string;
  /** The Guid in a `Set-GUID` header (bare or `JSESSIONID=…`), when the answer carried one. */
  readonly setGuid?: string;
}

export interface EnvelopeOptions {
  /** Where the payload is: `result` (default) or `event` (the event poll); `none` accepts any. */
  readonly field?: 'result' | 'event' | 'none';
  /** Plain words for a failure retcode; the statistics wording by default. */
  readonly mapRetcode?: (retcode: string, message: unknown, agentId: string, httpStatus: number) => GatewayError;
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

/** The documented envelope `{message, retcode, result}`: a failure retcode or a malformed answer becomes a GatewayError. */
export function parseEnvelope(answer: RawAnswer, agentId: string, options: EnvelopeOptions = {}): Record<string, unknown> {
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
    throw (options.mapRetcode ?? errorForRetcode)(envelope.retcode, envelope.message, agentId, status);
  }
  if (status < 200 || status > 299) throw errorForHttpStatus(status, looksLikeHtml(text, answer.contentType));
  if (!isJson) {
    const message =
      text === '' ? t('The gateway answered HTTP {0} with an empty body instead of the JSON envelope; is ccGateway.gatewayUrl pointing at the CC-Gateway?', status)
      : looksLikeHtml(text, answer.contentType) ? t('The gateway answered HTTP {0} with an HTML page instead of the JSON envelope; is ccGateway.gatewayUrl pointing at the CC-Gateway?', status)
      : t('The gateway answered HTTP {0} with something that is not JSON instead of the JSON envelope; is ccGateway.gatewayUrl pointing at the CC-Gateway?', status);
    throw new GatewayError('protocol', message, { httpStatus: status });
  }
  if (!envelope) {
    throw new GatewayError('protocol', t('The gateway answered HTTP {0} with JSON that is not the documented envelope object.', status), { httpStatus: status });
  }
  if (typeof envelope.retcode !== 'string') {
    throw new GatewayError('protocol', t('The gateway\'s answer has no text "retcode" field (HTTP {0}); it is not the documented envelope.', status), { httpStatus: status });
  }
  if (options.field === 'none') return envelope;
  if (options.field === 'event') return envelope.event && typeof envelope.event === 'object' && !Array.isArray(envelope.event) ? { event: envelope.event } : {};
  const result = envelope.result;
  if (!result || typeof result !== 'object' || Array.isArray(result)) {
    throw new GatewayError('protocol', t('The gateway reported success but sent no "result" object (HTTP {0}).', status), { httpStatus: status, retcode: '0' });
  }
  return result as Record<string, unknown>;
}

function requireCounter(result: Record<string, unknown>, field: string, status: number): number {
  const value = result[field];
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    const got = value === undefined ? t('it is missing') : t('got {0}', typeof value === 'string' ? t('text') : typeof value === 'number' ? String(value) : typeof value);
    throw new GatewayError('protocol', t('The gateway\'s "{0}" is not a non-negative whole number ({1}); the answer was ignored.', field, got), { httpStatus: status, retcode: '0' });
  }
  return value;
}

function looksLikeHtml(text: string, contentType?: string): boolean {
  return /html/i.test(contentType ?? '') || /^<(!doctype|html|head|body)/i.test(text);
}

function errorForHttpStatus(status: number, html: boolean): GatewayError {
  if (status === 502 || status === 503 || status === 504 || status === 500) {
    const message = html
      ? t('The gateway or a load balancer in front of it answered HTTP {0} with an HTML page; retrying with back-off.', status)
      : t('The gateway or a load balancer in front of it answered HTTP {0}; retrying with back-off.', status);
    return new GatewayError('transient', message, { httpStatus: status });
  }
  if (status === 429) {
    return new GatewayError('transient', t('The gateway answered HTTP 429 (too many requests); polling slows down.'), { httpStatus: status, slowDown: true });
  }
  if (status === 401 || status === 403) {
    return new GatewayError('auth', t('The gateway answered HTTP {0}: the Guid is not accepted. Set a new Guid.', status), { httpStatus: status });
  }
  if (status === 404 || status === 405) {
    const message = html
      ? t('The gateway answered HTTP {0} with an HTML page: the interface was not found. Check ccGateway.gatewayUrl (https://host:8043).', status)
      : t('The gateway answered HTTP {0}: the interface was not found. Check ccGateway.gatewayUrl (https://host:8043).', status);
    return new GatewayError('invalid-request', message, { httpStatus: status });
  }
  const message = html ? t('The gateway answered HTTP {0} with an HTML page instead of the JSON envelope.', status) : t('The gateway answered HTTP {0} instead of the JSON envelope.', status);
  return new GatewayError(status >= 500 ? 'transient' : 'protocol', message, { httpStatus: status });
}
