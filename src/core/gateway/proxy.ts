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
  readonly source: 'http.proxy' | 'HTTPS_PROXY';
}

export type ProxyResult = { readonly ok: true; readonly proxy?: ResolvedProxy } | { readonly ok: false; readonly message: string };

function envValue(env: Readonly<Record<string, string | undefined>>, name: string): string | undefined {
  const v = env[name] ?? env[name.toLowerCase()];
  return v && v.trim() !== '' ? v.trim() : undefined;
}

/** NO_PROXY / http.noProxy semantics as curl has them: `*`, hosts, `.suffix`, `host:port`, case-insensitive. */
export function bypassesProxy(origin: string, patterns: readonly string[]): boolean {
  const url = new URL(origin);
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const raw of patterns) {
    const p = raw.trim().toLowerCase();
    if (p === '') continue;
    if (p === '*') return true;
    // [v6]:port, host:port, or a bare host / .suffix / *.suffix
    const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(p) ?? /^([^:]+)(?::(\d+))?$/.exec(p) ?? [p, p, undefined];
    const name = m[1].replace(/^\*\./, '.');
    if (m[2] && m[2] !== port) continue;
    if (host === name.replace(/^\./, '') || host.endsWith(name.startsWith('.') ? name : `.${name}`)) return true;
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
  const raw = setting || envValue(env, 'HTTPS_PROXY') || envValue(env, 'ALL_PROXY');
  if (!raw) return { ok: true };
  const source = setting ? 'http.proxy' : 'HTTPS_PROXY';
  const noProxy = [...(inputs.noProxy ?? []), ...(setting ? [] : splitList(envValue(env, 'NO_PROXY')))];
  if (bypassesProxy(origin, noProxy)) return { ok: true };

  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    return { ok: false, message: `The proxy in ${source} is not a URL. Use http://host:port.` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: `The proxy in ${source} uses ${url.protocol.replace(':', '')}; only http:// and https:// proxies are supported.` };
  }
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const display = `${url.hostname}:${port}`;
  const authorization =
    url.username || url.password ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}` : undefined;
  return { ok: true, proxy: { url: `${url.protocol}//${url.host}/`, authorization, display, source } };
}
