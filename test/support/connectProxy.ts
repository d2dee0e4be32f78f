// A real HTTP CONNECT proxy on loopback, for tests: counts tunnels, records what it was
// asked (the CONNECT request's own headers: a Guid must never be among them), can demand
// Proxy-Authorization (407) or refuse to tunnel (403), and stops completely.
import * as http from 'node:http';
import * as net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ConnectProxy {
  readonly url: string;
  readonly port: number;
  readonly connects: { target: string; headers: http.IncomingHttpHeaders }[];
  /** When set, CONNECT without exactly this Proxy-Authorization gets 407. */
  requireAuthorization?: string;
  /** When set, every CONNECT is answered with this status and no tunnel. */
  refuseWith?: number;
  stop(): Promise<void>;
}

export async function startConnectProxy(): Promise<ConnectProxy> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer((_req, res) => {
    res.writeHead(405).end();
  });
  server.on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  const proxy: ConnectProxy = {
    url: '',
    port: 0,
    connects: [],
    async stop() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  server.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    const target = req.url ?? '';
    proxy.connects.push({ target, headers: req.headers });
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
  return Object.assign(proxy, { port, url: `http://127.0.0.1:${port}` });
}
