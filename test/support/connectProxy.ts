// A real HTTP CONNECT proxy on loopback, for tests: counts tunnels, records what it was
// asked (the CONNECT request's own headers: a Guid must never be among them), can demand
// Proxy-Authorization (407), refuse to tunnel (403/502), hang up or stay silent, speak
// https:// itself (a certificate of the caller's choosing), and stops completely.
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ConnectProxy {
  readonly url: string;
  readonly port: number;
  readonly connects: { target: string; headers: http.IncomingHttpHeaders }[];
  /** TCP connections accepted (a client that reconnects in a loop shows here). */
  readonly connections: number;
  /** When set, CONNECT without exactly this Proxy-Authorization gets 407. */
  requireAuthorization?: string;
  /** When set, every CONNECT is answered with this status and no tunnel. */
  refuseWith?: number;
  /** 'close': hang up on CONNECT without an answer; 'silent': never answer. */
  misbehave?: 'close' | 'silent';
  stop(): Promise<void>;
}

export interface ConnectProxyOptions {
  /** Serve https:// with this certificate (the CONNECT then runs inside TLS to the proxy). */
  readonly tls?: { readonly certPem: string; readonly keyPem: string };
}

export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const sockets = new Set<net.Socket>();
  const onRequest = (_req: http.IncomingMessage, res: http.ServerResponse) => {
    res.writeHead(405).end();
  };
  const server = options.tls ? https.createServer({ cert: options.tls.certPem, key: options.tls.keyPem }, onRequest) : http.createServer(onRequest);
  let connections = 0;
  server.on('connection', (s: net.Socket) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const proxy: ConnectProxy = {
    url: '',
    port: 0,
    connects: [],
    get connections() {
      return connections;
    },
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    proxy.connects.push({ target, headers: req.headers });
    client.on('error', () => undefined);
    if (proxy.misbehave === 'close') {
      client.destroy();
      return;
    }
    if (proxy.misbehave === 'silent') return;
    if (proxy.requireAuthorization !== undefined && req.headers['proxy-authorization'] !== proxy.requireAuthorization) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    if (proxy.refuseWith) {
      client.end(`HTTP/1.1 ${proxy.refuseWith} Refused\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
    // Loopback only: this proxy never reaches outside the machine.
    if (host !== '127.0.0.1' && host !== 'localhost') {
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const upstream = net.connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(proxy, { port, url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}` });
}
