import { t } from '../l10n/localize';
import { CA_FILE_SETTING, GatewayError } from '../model/errors';
import { resolveProxy, type ProxyInputs, type ResolvedProxy } from './proxy';
import type { GatewayClientOptions } from './types';

/** The proxy settings as read (VS Code's http.* and the environment), before resolving them for an origin. */
export type ProxySettings = ProxyInputs & { readonly strictSSL: boolean; readonly authorization?: string };

/**
 * Everything that decides where bytes go and whom they trust. A connection is
 * built for one value of this and never changes it: a different value is a new
 * connection. Polling settings (agents, interval) are not here on purpose.
 */
export interface ConnectionSettings {
  /** `https://host:port`. */
  readonly origin: string;
  readonly caFile?: string;
  /** The setting caFile comes from, as messages name it (`ccGateway.tls.caFile`, or a listed gateway's own). */
  readonly caFileSetting: string;
  /** Certificates the user trusted for this origin (SHA-256). */
  readonly trustedFingerprints: readonly string[];
  /** The proxy for this origin, resolved once (or why the proxy settings are unusable). */
  readonly proxy: { readonly ok: true; readonly proxy?: ResolvedProxy & { readonly strictSSL: boolean } } | { readonly ok: false; readonly message: string };
  readonly requestTimeoutMs: number;
  /** Trust the operating system's CA store too (VS Code's http.systemCertificates). */
  readonly systemCertificates?: boolean;
}

export function connectionSettings(input: {
  readonly origin: string;
  readonly caFile?: string;
  /** Default: the top-level `ccGateway.tls.caFile`. */
  readonly caFileSetting?: string;
  readonly trustedFingerprints: readonly string[];
  readonly proxy: ProxySettings;
  readonly requestTimeoutMs: number;
  readonly systemCertificates?: boolean;
}): ConnectionSettings {
  const resolved = resolveProxy(input.origin, input.proxy);
  const proxy: ConnectionSettings['proxy'] = !resolved.ok
    ? resolved
    : {
        ok: true,
        proxy: resolved.proxy && {
          ...resolved.proxy,
          strictSSL: input.proxy.strictSSL,
          authorization: input.proxy.authorization ?? resolved.proxy.authorization,
        },
      };
  return {
    origin: input.origin,
    caFile: input.caFile,
    caFileSetting: input.caFileSetting ?? CA_FILE_SETTING,
    trustedFingerprints: [...input.trustedFingerprints].sort(),
    proxy,
    requestTimeoutMs: input.requestTimeoutMs,
    systemCertificates: input.systemCertificates ?? false,
  };
}

/** Same connection: nothing that decides where bytes go or whom they trust differs. */
export function sameConnection(a: ConnectionSettings | undefined, b: ConnectionSettings | undefined): boolean {
  // Compared in memory only: the proxy authorization in here is a credential.
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The client options for one connection: reads the CA file and applies the proxy.
 * A failure is a GatewayError that says what to fix.
 */
export async function clientOptionsFor(
  s: ConnectionSettings,
  readTextFile: (path: string) => Promise<string>,
): Promise<Omit<GatewayClientOptions, 'onRequest'>> {
  let caPem: string | undefined;
  if (s.caFile) {
    try {
      caPem = await readTextFile(s.caFile);
    } catch (e) {
      const code = (e as { code?: string }).code ?? 'unreadable';
      throw new GatewayError('tls', t('Cannot read the CA file set in {0} ({1}). Fix the path or clear the setting.', s.caFileSetting, code), { code: 'CA_FILE' });
    }
    if (!caPem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new GatewayError('tls', t('The file in {0} is not a PEM certificate (no "BEGIN CERTIFICATE" line).', s.caFileSetting), { code: 'CA_FILE' });
    }
  }
  if (!s.proxy.ok) throw new GatewayError('network', s.proxy.message, { code: 'PROXY_SETTING' });
  const p = s.proxy.proxy;
  return {
    origin: s.origin,
    caPem,
    caFileSetting: s.caFileSetting,
    trustedFingerprints: s.trustedFingerprints,
    proxy: p && { url: p.url, display: p.display, strictSSL: p.strictSSL, authorization: p.authorization },
    timeoutMs: s.requestTimeoutMs,
    systemCertificates: s.systemCertificates ?? false,
  };
}
