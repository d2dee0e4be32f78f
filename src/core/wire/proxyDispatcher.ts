// The dispatcher for requests that go through an HTTP(S) proxy: undici's ProxyAgent,
// with our timeouts on every leg and every tunnel failure marked as the proxy's.
// Part of the lazily loaded client bundle (imported by client.ts only): it imports undici.
import { Pool, ProxyAgent, type Dispatcher } from 'undici';
import type buildConnector from 'undici/types/connector';
import { PROXY_TUNNEL_CODE } from '../model/errors';
import type { GatewayClientOptions } from './types';
import { unverifiedRequestTls, verifying, type GatewayTlsOptions } from './verifyingConnector';

/**
 * Opening a tunnel (TCP or TLS to the proxy, then CONNECT) failed. The original error
 * is the cause. Its own code matters twice: errorForProxy recognises it, and undici's
 * client fails the waiting requests on it. Left as undici's `UND_ERR_SOCKET` (a proxy
 * that closes the connection), the client would reconnect in a tight loop instead.
 */
export class ProxyTunnelError extends Error {
  readonly code = PROXY_TUNNEL_CODE;
  constructor(
    /** The proxy's answer to CONNECT when it was not 200; undefined when there was none. */
    readonly statusCode: number | undefined,
    cause?: unknown,
  ) {
    super(statusCode ? `The proxy answered CONNECT with ${statusCode}.` : 'No tunnel through the proxy.', cause === undefined ? undefined : { cause });
  }
}

/** Carries the CONNECT requests to the proxy (one per gateway connection). */
class TunnelPool extends Pool {
  override connect(options: Dispatcher.ConnectOptions): Promise<Dispatcher.ConnectData>;
  override connect(options: Dispatcher.ConnectOptions, callback: (err: Error | null, data: Dispatcher.ConnectData) => void): void;
  override connect(options: Dispatcher.ConnectOptions, callback?: (err: Error | null, data: Dispatcher.ConnectData) => void): Promise<Dispatcher.ConnectData> | void {
    const tunnel = super.connect(options).then(
      (data) => {
        if (data.statusCode === 200) return data;
        data.socket.destroy();
        throw new ProxyTunnelError(data.statusCode);
      },
      (err: unknown) => {
        throw new ProxyTunnelError(undefined, err);
      },
    );
    if (!callback) return tunnel;
    // ProxyAgent uses the promise form; the callback form is kept whole for the type's sake.
    tunnel.then(
      (data) => callback(null, data),
      (err: Error) => callback(err, undefined as unknown as Dispatcher.ConnectData),
    );
  }
}

export function createProxyDispatcher(
  proxy: NonNullable<GatewayClientOptions['proxy']>,
  poolOptions: Pool.Options,
  gatewayTls: GatewayTlsOptions,
  pinned: readonly string[],
  timeoutMs: number,
): Dispatcher {
  return new ProxyAgent({
    ...poolOptions,
    uri: proxy.url,
    ...(proxy.authorization ? { token: proxy.authorization } : {}),
    // TLS inside the tunnel, to the gateway: the same verification as without a proxy,
    // done by `verifying` on the sockets this leg yields (see the factory below).
    // ProxyAgent connects with its own connectors, so the pool's connectTimeout does not reach them.
    requestTls: unverifiedRequestTls({ ...gatewayTls, timeout: timeoutMs }),
    // http.proxyStrictSSL is about the proxy's certificate only.
    proxyTls: { rejectUnauthorized: proxy.strictSSL, timeout: timeoutMs },
    // undici's default tunnel pool waits 300 s for a CONNECT answer; a silent proxy must time out like a silent gateway.
    // The gateway pools: their connect is ProxyAgent's (tunnel, then requestTls); ours checks what it yields.
    factory: (origin, opts) => new Pool(origin, { ...(opts as Pool.Options), connect: verifying((opts as { connect: buildConnector.connector }).connect, pinned) }),
    clientFactory: (origin, opts) => new TunnelPool(origin, { ...(opts as Pool.Options), headersTimeout: timeoutMs, bodyTimeout: timeoutMs }),
  });
}
