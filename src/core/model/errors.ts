import type { CertificateRefusal } from './certificate';
import { t } from '../l10n/localize';
import { printable } from '../ids/agentId';

/** The top-level CA file setting: how certificate messages name it unless a gateway has its own. */
export const CA_FILE_SETTING = 'ccGateway.tls.caFile';

/**
 * Every failure falls in one of these; the scheduler and the UI act on the kind,
 * never on message text.
 */
export type FailureKind =
  | 'auth' // Guid missing, invalid or expired: stop until a new one is set
  | 'agent-offline' // the agent has not signed in
  | 'invalid-request' // bad agent ID or gateway URL
  | 'transient' // retry with back-off
  | 'network' // gateway unreachable, timed out, connection dropped
  | 'tls' // certificate did not verify
  | 'protocol' // the answer is not the documented envelope
  | 'cancelled'; // we aborted it ourselves

export interface GatewayErrorDetails {
  readonly retcode?: string;
  readonly httpStatus?: number;
  /** Low-level code (e.g. ECONNREFUSED, CERT_HAS_EXPIRED) for logs and tooltips. */
  readonly code?: string;
  /** 000-007: the gateway asked us to call less often. */
  readonly slowDown?: boolean;
  /** A gateway certificate that did not verify: what to show before the user may trust it. */
  readonly refusal?: CertificateRefusal;
}

/**
 * The client lives in its own bundle (loaded lazily), which carries its own copy
 * of this class: a registry-wide symbol lets `isGatewayError` recognise both.
 */
const BRAND = Symbol.for('ccgateway-agent-stats.GatewayError');

export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  readonly [BRAND] = true;
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly details: GatewayErrorDetails = {},
    /** What really failed (a keyring error, a bug): logged with its stack, never shown. */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

export function isGatewayError(e: unknown): e is GatewayError {
  return e instanceof GatewayError || (e instanceof Error && (e as unknown as Record<symbol, unknown>)[BRAND] === true);
}

/** The gateway's own `message` is shown as plain text: no control characters, bounded. */
export function gatewayMessageText(message: unknown): string {
  if (typeof message !== 'string' || message.trim() === '') return '';
  return printable(message.trim(), 200);
}

/** Plain words for the retcodes the vendor documents; anything else is shown verbatim. */
export function errorForRetcode(retcode: string, gatewayMessage: unknown, agentId: string, httpStatus?: number): GatewayError {
  const details = { retcode, httpStatus };
  switch (retcode) {
    case '000-002':
      return new GatewayError('invalid-request', t('The gateway rejected the request as invalid (000-002): check agent ID {0} and the gateway URL.', agentId), details);
    case '000-003':
      return new GatewayError('auth', t('The gateway refused the Guid (000-003): it is invalid or has expired. Set a new Guid.'), details);
    case '000-004':
      return new GatewayError('transient', t('Agent {0} is being switched over (000-004); retrying later.', agentId), details);
    case '000-007':
      return new GatewayError('transient', t('The gateway says it is being called too often (000-007); polling slows down.'), { ...details, slowDown: true });
    case '100-006':
      return new GatewayError('agent-offline', t('Agent {0} has not signed in (100-006); there is nothing to show until the agent signs in.', agentId), details);
    case '100-007':
      return new GatewayError('transient', t('The gateway had an internal error (100-007); retrying with back-off.'), details);
    default: {
      const text = gatewayMessageText(gatewayMessage);
      const safeCode = printable(retcode, 20);
      return new GatewayError('protocol', text ? t('The gateway answered with error {0}: {1}.', safeCode, text) : t('The gateway answered with error {0}.', safeCode), details);
    }
  }
}

const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_REVOKED',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/** The code of the error the proxy dispatcher raises when a tunnel could not be opened (see proxyDispatcher.ts). */
export const PROXY_TUNNEL_CODE = 'CCG_PROXY_TUNNEL';

function tunnelFailure(err: unknown): { statusCode?: unknown; cause?: unknown } | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    if ((e as { code?: unknown }).code === PROXY_TUNNEL_CODE) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Failures that belong to the proxy, named as such (host:port, never credentials): a proxy
 * that cannot be reached, closes the connection, stays silent, presents a certificate that
 * does not verify, or answers CONNECT with something other than 200. Undefined when the
 * error is not the proxy's (a failure inside the tunnel is the gateway's: errorForTransport).
 */
export function errorForProxy(err: unknown, proxy: string, origin: string, timeoutMs: number): GatewayError | undefined {
  const tunnel = tunnelFailure(err);
  if (!tunnel) return undefined;
  const fix = t('Check http.proxy (or HTTPS_PROXY when http.proxy is empty).');
  const status = typeof tunnel.statusCode === 'number' ? tunnel.statusCode : undefined;
  if (status === 407) {
    return new GatewayError('network', t('The proxy {0} asks for credentials (HTTP 407). Set http.proxyAuthorization, or user:password in the proxy URL.', proxy), { code: 'PROXY_407', httpStatus: 407 });
  }
  if (status) {
    return new GatewayError('network', t('The proxy {0} did not open a tunnel to {1} (HTTP {2}): the proxy refuses or cannot reach the gateway. {3}', proxy, origin, status, fix), { code: `PROXY_${status}`, httpStatus: status });
  }
  const code = errorCode(tunnel.cause);
  if (code && (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code === 'EPROTO')) {
    return new GatewayError(
      'tls',
      t("Cannot connect securely to the proxy {0} ({1}); this is the proxy's certificate, not the gateway's. Check http.proxy; http.proxyStrictSSL set to false accepts the proxy's certificate (the gateway's is still verified).", proxy, code),
      { code: `PROXY_${code}` },
    );
  }
  switch (code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new GatewayError('network', t('The proxy {0} cannot be reached ({1}). {2}', proxy, code, fix), { code: `PROXY_${code}` });
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
      return new GatewayError('network', t('The proxy {0} did not answer within {1} s. {2}', proxy, Math.round(timeoutMs / 1000), fix), { code: `PROXY_${code}` });
    case 'UND_ERR_SOCKET':
    case 'ECONNRESET':
    case 'EPIPE':
      return new GatewayError('network', t('The proxy {0} closed the connection before opening a tunnel to {1} ({2}). {3}', proxy, origin, code, fix), { code: `PROXY_${code}` });
    default:
      return new GatewayError('network', code ? t('No tunnel through the proxy {0} to {1} ({2}). {3}', proxy, origin, code, fix) : t('No tunnel through the proxy {0} to {1}. {2}', proxy, origin, fix), { code: code ? `PROXY_${code}` : 'PROXY' });
  }
}

/** Why a certificate did not verify, in words ("its certificate is self-signed"), from Node's code. */
export function tlsWhy(code: string): string {
  return code === 'CERT_HAS_EXPIRED' ? t('its certificate has expired')
    : code === 'CERT_NOT_YET_VALID' ? t('its certificate is not valid yet')
    : code === 'ERR_TLS_CERT_ALTNAME_INVALID' ? t('its certificate is for a different host name')
    : code === 'DEPTH_ZERO_SELF_SIGNED_CERT' ? t('its certificate is self-signed')
    : code.includes('SELF_SIGNED') || code.includes('ISSUER') || code === 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' ? t('its certificate is not signed by a trusted CA')
    : t('the TLS handshake failed');
}

/** `AB:CD:EF:01…67:89` – enough to tell two certificates apart in a sentence; dialogs show all 32 pairs. */
export function shortFingerprint(fingerprint: string): string {
  return fingerprint.length > 24 ? `${fingerprint.slice(0, 11)}…${fingerprint.slice(-11)}` : fingerprint;
}

function certificateRefusal(err: unknown): { code: string; refusal: CertificateRefusal } | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const { code, refusal } = e as { code?: unknown; refusal?: CertificateRefusal };
    if (typeof code === 'string' && refusal && typeof refusal === 'object' && refusal.certificate) return { code, refusal };
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A gateway certificate refused by verifyingConnector: says why, and how to review and trust it (naming the CA file setting that applies to it). */
function errorForCertificate(code: string, refusal: CertificateRefusal, origin: string, caFileSetting: string): GatewayError {
  const presented = shortFingerprint(refusal.certificate.fingerprint256);
  if (refusal.pinned) {
    return new GatewayError(
      'tls',
      t(
        '{0} presented a different certificate (SHA-256 {1}) from the one you trusted for it ({2}), so it was refused. Either the gateway\'s certificate was replaced or someone is intercepting the connection: if your administrators replaced it, review and trust the new one with "CC-Gateway: Trust Gateway Certificate…".',
        origin,
        presented,
        shortFingerprint(refusal.pinned),
      ),
      { code, refusal },
    );
  }
  return new GatewayError(
    'tls',
    t(
      'Cannot connect securely to {0}: {1} ({2}; SHA-256 {3}). Set {4} to the gateway\'s CA, or review this certificate and trust it for this gateway with "CC-Gateway: Trust Gateway Certificate…".',
      origin,
      tlsWhy(refusal.reason),
      refusal.reason,
      presented,
      caFileSetting,
    ),
    { code, refusal },
  );
}

/**
 * Maps socket, TLS and timeout errors of the HTTP stack (undici's own timeouts included) to plain
 * words naming the origin and, for a certificate, the CA file setting that applies to this gateway.
 */
export function errorForTransport(err: unknown, origin: string, timeoutMs: number, caFileSetting = CA_FILE_SETTING): GatewayError {
  const refused = certificateRefusal(err);
  if (refused) return errorForCertificate(refused.code, refused.refusal, origin, caFileSetting);
  const code = errorCode(err);
  if (code && (TLS_CODES.has(code) || code.startsWith('ERR_SSL_') || code === 'EPROTO')) {
    return new GatewayError('tls', t('Cannot connect securely to {0}: {1} ({2}). If the gateway uses a private CA, set {3} to its PEM file.', origin, tlsWhy(code), code, caFileSetting), { code });
  }
  switch (code) {
    case 'ECONNREFUSED':
      return new GatewayError('network', t('The gateway {0} refused the connection (ECONNREFUSED): is it running, and is the port right?', origin), { code });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new GatewayError('network', t('The host name of {0} cannot be resolved ({1}): check ccGateway.gatewayUrl.', origin, code), { code });
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return new GatewayError('network', t('The gateway {0} did not answer within {1} s; retrying later.', origin, Math.round(timeoutMs / 1000)), { code });
    default:
      return new GatewayError('network', code ? t('The connection to {0} failed ({1}); retrying later.', origin, code) : t('The connection to {0} failed; retrying later.', origin), code ? { code } : {});
  }
}

function errorCode(err: unknown): string | undefined {
  // undici wraps socket errors: the useful code may sit on the cause.
  for (let e: unknown = err, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_SOCKET' && code !== 'UND_ERR_ABORTED') return code;
    e = (e as { cause?: unknown }).cause;
  }
  const top = err && typeof err === 'object' ? (err as { code?: unknown }).code : undefined;
  return typeof top === 'string' ? top : undefined;
}
