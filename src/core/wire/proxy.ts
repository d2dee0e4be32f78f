import { t } from '../l10n/localize';
import { BlockList, isIP } from 'node:net';

/**
 * Which proxy (if any) carries the requests to a gateway origin. VS Code's
 * `http.*` settings win; HTTPS_PROXY / NO_PROXY apply only when no proxy is set.
 * The bundled undici does not see VS Code's proxy support, so we do this ourselves.
 */
export interface ProxyInputs {
  /** `http.proxy` (empty: none). */
  readonly proxyUrl?: string;
  /** `http.noProxy`. */
  readonly noProxy?: readonly string[];
  /** `http.proxySupport`: "off" turns proxying off, whatever else is set. */
  readonly proxySupport?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface ResolvedProxy {
  /** http(s)://host:port/ without credentials: what undici connects to. */
  readonly url: string;
  /** Credentials from the URL, as a Proxy-Authorization value (a credential: never logged). */
  readonly authorization?: string;
  /** host:port, for messages. */
  readonly display: string;
  readonly source: 'http.proxy' | 'HTTPS_PROXY' | 'ALL_PROXY';
}

export type ProxyResult = { readonly ok: true; readonly proxy?: ResolvedProxy } | { readonly ok: false; readonly message: string };

/** The lower-case name first, as curl and undici read them; an empty value counts as unset. */
function envValue(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  for (const key of [name.toLowerCase(), name]) {
    const v = env[key]?.trim();
    if (v) return v;
  }
  return undefined;
}

/** Whether the IP address `host` is `address`, or inside `address/prefix`. */
function inAddressRange(host: string, address: string, prefix?: number): boolean {
  const family = isIP(address);
  if (family === 0 || family !== isIP(host)) return false;
  const type = family === 6 ? 'ipv6' : 'ipv4';
  const list = new BlockList();
  try {
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, prefix, type);
  } catch {
    return false; // a prefix out of range matches nothing
  }
  return list.check(host, type);
}

/**
 * NO_PROXY / http.noProxy semantics as curl (7.86+) and undici have them, case-insensitive:
 * `*`; a host name, which also covers its subdomains (`example.com`, `.example.com` and
 * `*.example.com` alike); `host:port` (`[v6]:port`); an IP address, matched as an address
 * (never as a suffix); a CIDR range for IP hosts (`10.0.0.0/8`, `fd00::/8`). Loopback gets
 * no special treatment: `localhost` / `127.0.0.1` go through the proxy unless listed.
 */
export function bypassesProxy(origin: string, patterns: readonly string[]): boolean {
  const url = new URL(origin);
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const hostIsIp = isIP(host) !== 0;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of patterns) {
    const p = raw.trim().toLowerCase();
    if (p === '') continue;
    if (p === '*') return true;
    const cidr = /^\[?([0-9a-f.:]+)\]?\/(\d{1,3})$/.exec(p);
    if (cidr) {
      if (hostIsIp && inAddressRange(host, cidr[1], Number(cidr[2]))) return true;
      continue;
    }
    // [v6]:port, host:port, or a bare host / .suffix / *.suffix / v6 address
    const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(p) ?? /^([^:]+)(?::(\d+))?$/.exec(p) ?? [p, p, undefined];
    if (m[2] && m[2] !== port) continue;
    const name = m[1].replace(/^\*?\./, '');
    if (hostIsIp ? inAddressRange(host, name) : host === name || host.endsWith(`.${name}`)) return true;
  }
  return false;
}

function splitList(value: string | undefined): string[] {
  return value ? value.split(/[,\s]+/).filter(Boolean) : [];
}

export function resolveProxy(origin: string, inputs: ProxyInputs): ProxyResult {
  if (inputs.proxySupport === 'off') return { ok: true };
  const env = inputs.env ?? {};
  const setting = inputs.proxyUrl?.trim();
  const fromEnv = setting ? undefined : envValue(env, 'HTTPS_PROXY') ? 'HTTPS_PROXY' : envValue(env, 'ALL_PROXY') ? 'ALL_PROXY' : undefined;
  const raw = setting || (fromEnv && envValue(env, fromEnv));
  if (!raw) return { ok: true };
  const source = fromEnv ?? 'http.proxy';
  const noProxy = [...(inputs.noProxy ?? []), ...(setting ? [] : splitList(envValue(env, 'NO_PROXY')))];
  if (bypassesProxy(origin, noProxy)) return { ok: true };

  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    return { ok: false, message: t('The proxy in {0} is not a URL. Use http://host:port.', source) };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: t('The proxy in {0} uses {1}; only http:// and https:// proxies are supported.', source, url.protocol.replace(':', '')) };
  }
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const display = `${url.hostname}:${port}`;
  const authorization =
    url.username || url.password ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}` : undefined;
  return { ok: true, proxy: { url: `${url.protocol}//${url.host}/`, authorization, display, source } };
}
