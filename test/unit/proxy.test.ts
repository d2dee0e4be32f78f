// Proxies: which one applies (settings, environment, no-proxy lists), and the real client
// tunnelling through a real CONNECT proxy on loopback to the simulator.
import assert from 'node:assert/strict';
import * as net from 'node:net';
import { createGatewayClient } from '../../src/core/wire/client';
import { isGatewayError } from '../../src/core/model/errors';
import { bypassesProxy, resolveProxy } from '../../src/core/wire/proxy';
import type { GatewayClient } from '../../src/core/wire/types';
import type { AgentId } from '../../src/core/ids/agentId';
import { generateServerCertificates } from '../../src/simulator/certs';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { startConnectProxy, type ConnectProxy } from '../support/connectProxy';
import { freePortNumber } from '../support/ports';

const GW = 'https://cc.example.com:8043';

describe('proxy resolution', () => {
  it('http.proxy wins over HTTPS_PROXY; the environment applies only without a setting', () => {
    const env = { HTTPS_PROXY: 'http://env-proxy:3128', NO_PROXY: '' };
    const fromSetting = resolveProxy(GW, { proxyUrl: 'http://corp-proxy:8080', env });
    assert.ok(fromSetting.ok && fromSetting.proxy);
    assert.equal(fromSetting.proxy.display, 'corp-proxy:8080');
    assert.equal(fromSetting.proxy.source, 'http.proxy');
    const fromEnv = resolveProxy(GW, { env });
    assert.ok(fromEnv.ok && fromEnv.proxy);
    assert.equal(fromEnv.proxy.display, 'env-proxy:3128');
    assert.equal(fromEnv.proxy.source, 'HTTPS_PROXY');
    const lower = resolveProxy(GW, { env: { https_proxy: 'env-proxy:3128' } });
    assert.ok(lower.ok && lower.proxy?.url === 'http://env-proxy:3128/', 'lower-case variable, scheme defaults to http');
    assert.deepEqual(resolveProxy(GW, { env: {} }), { ok: true });
  });

  it('http.proxySupport "off" turns proxying off', () => {
    assert.deepEqual(resolveProxy(GW, { proxyUrl: 'http://corp-proxy:8080', proxySupport: 'off' }), { ok: true });
  });

  it('credentials in the URL become a Proxy-Authorization value and leave the URL', () => {
    const r = resolveProxy(GW, { proxyUrl: 'http://alice:s%40cret@corp-proxy:8080' });
    assert.ok(r.ok && r.proxy);
    assert.equal(r.proxy.url, 'http://corp-proxy:8080/');
    assert.equal(r.proxy.authorization, `Basic ${Buffer.from('alice:s@cret').toString('base64')}`);
    assert.ok(!r.proxy.display.includes('alice'));
  });

  it('refuses proxies that are not http(s) URLs, saying what to use', () => {
    const r = resolveProxy(GW, { proxyUrl: 'socks5://corp:1080' });
    assert.ok(!r.ok);
    assert.match(r.message, /only http:\/\/ and https:\/\//);
  });

  it('no-proxy lists: exact host, suffixes, ports, *, IPs, case-insensitive', () => {
    assert.ok(bypassesProxy(GW, ['cc.example.com']));
    assert.ok(bypassesProxy(GW, ['.example.com']));
    assert.ok(bypassesProxy(GW, ['example.com']));
    assert.ok(bypassesProxy(GW, ['*.EXAMPLE.com']));
    assert.ok(bypassesProxy(GW, ['cc.example.com:8043']));
    assert.ok(!bypassesProxy(GW, ['cc.example.com:443']));
    assert.ok(!bypassesProxy(GW, ['ample.com', 'other.example.org']));
    assert.ok(bypassesProxy(GW, ['*']));
    assert.ok(bypassesProxy('https://127.0.0.1:8043', ['127.0.0.1']));
    assert.ok(bypassesProxy('https://[::1]:8043', ['::1']));
    assert.ok(bypassesProxy('https://[::1]:8043', ['[::1]:8043']));
    // NO_PROXY from the environment, with http.noProxy added to it.
    const r = resolveProxy(GW, { noProxy: ['other.org'], env: { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'foo.org, .example.com' } });
    assert.deepEqual(r, { ok: true });
  });
});

describe('proxy resolution: edges', () => {
  const p = (r: ReturnType<typeof resolveProxy>) => (r.ok ? r.proxy : undefined);

  it('environment: lower-case first as curl and undici read it, empty counts as unset, ALL_PROXY last', () => {
    assert.equal(p(resolveProxy(GW, { env: { https_proxy: 'http://lower:2', HTTPS_PROXY: 'http://upper:1' } }))?.display, 'lower:2');
    assert.equal(p(resolveProxy(GW, { env: { https_proxy: ' ', HTTPS_PROXY: 'http://upper:1' } }))?.display, 'upper:1');
    const all = p(resolveProxy(GW, { env: { ALL_PROXY: 'http://all:3' } }));
    assert.equal(all?.display, 'all:3');
    assert.equal(all?.source, 'ALL_PROXY');
    assert.equal(p(resolveProxy(GW, { env: { HTTPS_PROXY: 'http://h:1', ALL_PROXY: 'http://all:3' } }))?.display, 'h:1');
    // Only the https variables: the gateway is https, so HTTP_PROXY does not apply.
    assert.equal(p(resolveProxy(GW, { env: { HTTP_PROXY: 'http://plain:80', http_proxy: 'http://plain:80' } })), undefined);
    assert.equal(p(resolveProxy(GW, { proxyUrl: '  ', env: {} })), undefined);
  });

  it('NO_PROXY from the environment applies to the environment\'s proxy only; http.noProxy to both', () => {
    const env = { HTTPS_PROXY: 'http://env:1', no_proxy: 'cc.example.com' };
    assert.equal(p(resolveProxy(GW, { env })), undefined);
    assert.equal(p(resolveProxy(GW, { proxyUrl: 'http://set:2', env }))?.display, 'set:2');
    assert.equal(p(resolveProxy(GW, { proxyUrl: 'http://set:2', noProxy: ['cc.example.com'], env })), undefined);
    // Separated by commas and/or white space.
    assert.equal(p(resolveProxy(GW, { env: { HTTPS_PROXY: 'http://env:1', NO_PROXY: 'a.org b.org\t.example.com' } })), undefined);
  });

  it('loopback is not excluded implicitly: only when listed', () => {
    assert.ok(!bypassesProxy('https://127.0.0.1:8043', []));
    assert.ok(!bypassesProxy('https://localhost:8043', ['127.0.0.1']), 'names and addresses are not resolved into each other');
    assert.equal(p(resolveProxy('https://localhost:8043', { proxyUrl: 'http://set:2' }))?.display, 'set:2');
  });

  it('IP addresses match as addresses (never as suffixes) and CIDR ranges', () => {
    assert.ok(!bypassesProxy('https://127.0.0.1:8043', ['0.0.1', '.0.0.1', '27.0.0.1']));
    assert.ok(bypassesProxy('https://10.1.2.3:8043', ['10.0.0.0/8']));
    assert.ok(!bypassesProxy('https://11.1.2.3:8043', ['10.0.0.0/8']));
    assert.ok(bypassesProxy('https://192.168.7.9:8043', ['192.168.7.9/32']));
    assert.ok(bypassesProxy('https://[fd00::5]:8043', ['fd00::/8']));
    assert.ok(bypassesProxy('https://[fd00::5]:8043', ['[fd00::]/8']));
    assert.ok(!bypassesProxy('https://[fe80::5]:8043', ['fd00::/8']));
    assert.ok(!bypassesProxy('https://10.1.2.3:8043', ['10.0.0.0/99', '10.0.0.0/8x']), 'a malformed range matches nothing');
    assert.ok(!bypassesProxy('https://cc.example.com:8043', ['10.0.0.0/8']), 'ranges are for IP hosts');
    assert.ok(bypassesProxy('https://[::1]:8043', ['0:0:0:0:0:0:0:1']), 'IPv6 compared as addresses, not text');
    assert.ok(bypassesProxy('https://10.1.2.3:8043', ['10.1.2.3:8043']));
    assert.ok(!bypassesProxy('https://10.1.2.3:8043', ['10.1.2.3:443']));
    assert.ok(!bypassesProxy('https://[::1]:8043', ['[::1]:443']));
  });

  it('host names: suffixes only on label boundaries; the default port counts', () => {
    assert.ok(!bypassesProxy(GW, ['example.co', 'xample.com', 'cc.example.com.evil']));
    assert.ok(bypassesProxy('https://cc.example.com', ['cc.example.com:443']));
    assert.ok(bypassesProxy(GW, [' CC.Example.COM ']));
    assert.ok(!bypassesProxy(GW, ['', '  ']));
  });

  it('a proxy URL that does not parse is refused without echoing it (it may hold a password)', () => {
    const r = resolveProxy(GW, { proxyUrl: 'http://alice:s3cret@corp-proxy:99999' });
    assert.ok(!r.ok);
    assert.equal(r.message, 'The proxy in http.proxy is not a URL. Use http://host:port.');
    const e = resolveProxy(GW, { env: { HTTPS_PROXY: 'ftp://bob:pw@corp:21' } });
    assert.ok(!e.ok);
    assert.ok(!e.message.includes('pw') && e.message.includes('HTTPS_PROXY'), e.message);
  });

  it('an https:// proxy keeps its scheme and default port; a bare host:port means http', () => {
    const s = p(resolveProxy(GW, { proxyUrl: 'https://secure-proxy' }));
    assert.equal(s?.url, 'https://secure-proxy/');
    assert.equal(s?.display, 'secure-proxy:443');
    assert.equal(p(resolveProxy(GW, { proxyUrl: 'corp:3128' }))?.url, 'http://corp:3128/');
    assert.equal(p(resolveProxy(GW, { proxyUrl: 'http://[::1]:3128' }))?.display, '[::1]:3128');
  });
});

describe('the client through a real CONNECT proxy', function () {
  this.timeout(15_000);
  let sim: Simulator;
  let proxy: ConnectProxy;
  let client: GatewayClient | undefined;
  const through = (p: { url: string; display: string; authorization?: string }) =>
    (client = createGatewayClient({ origin: sim.url, caPem: sim.caPem, timeoutMs: 3000, proxy: { ...p, strictSSL: true } }));

  beforeEach(async () => {
    sim = await startSimulator();
    proxy = await startConnectProxy();
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    await proxy.stop();
    await sim.stop();
  });

  it('tunnels to the gateway; the proxy sees only the CONNECT target, never the Guid', async () => {
    const c = through({ url: proxy.url, display: `127.0.0.1:${proxy.port}` });
    sim.setCounters('101', { talktime: 60, answernums: 2, calloutnums: 1 });
    assert.deepEqual(await c.statisticsEx('101' as AgentId, sim.guid), { talktime: 60, answernums: 2, calloutnums: 1 });
    for (let i = 0; i < 20; i++) await c.statisticsEx('102' as AgentId, sim.guid);
    // As without a proxy: undici may open a second connection while the first finishes; never one per request.
    assert.ok(proxy.connects.length <= 2, `21 requests opened ${proxy.connects.length} tunnels`);
    assert.equal(proxy.connects[0].target, `127.0.0.1:${new URL(sim.url).port}`);
    assert.ok(!JSON.stringify(proxy.connects).includes(sim.guid), 'no Guid in what the proxy saw');
    assert.equal(sim.stats.requests, 21);
  });

  it('gateway TLS is still verified inside the tunnel: an unknown CA is refused, no Guid sent', async () => {
    client = createGatewayClient({ origin: sim.url, timeoutMs: 3000, proxy: { url: proxy.url, display: 'p', strictSSL: false } });
    await assert.rejects(client.statisticsEx('101' as AgentId, sim.guid), (e: unknown) => isGatewayError(e) && e.kind === 'tls');
    assert.equal(proxy.connects.length, 1);
    assert.equal(sim.stats.guidsSeen.size, 0);
  });

  it('407 names the proxy and says to set credentials; with them it works', async () => {
    proxy.requireAuthorization = `Basic ${Buffer.from('alice:pw').toString('base64')}`;
    const display = `127.0.0.1:${proxy.port}`;
    await assert.rejects(through({ url: proxy.url, display }).statisticsEx('101' as AgentId, sim.guid), (e: unknown) => {
      assert.ok(isGatewayError(e));
      assert.match(e.message, new RegExp(`proxy ${display}.*407.*http\\.proxyAuthorization`));
      assert.ok(!e.message.includes(sim.guid));
      return true;
    });
    await client?.close();
    const resolved = resolveProxy(sim.url, { proxyUrl: `http://alice:pw@127.0.0.1:${proxy.port}` });
    assert.ok(resolved.ok && resolved.proxy);
    const stats = await through(resolved.proxy).statisticsEx('101' as AgentId, sim.guid);
    assert.equal(typeof stats.talktime, 'number');
  });

  it('a proxy that refuses the connection, or refuses to tunnel, is named — not the gateway', async () => {
    const closedPort = await freePortNumber();
    await assert.rejects(through({ url: `http://127.0.0.1:${closedPort}`, display: `127.0.0.1:${closedPort}` }).statisticsEx('101' as AgentId, sim.guid), (e: unknown) => {
      assert.ok(isGatewayError(e));
      assert.equal(e.kind, 'network');
      assert.match(e.message, new RegExp(`proxy 127\\.0\\.0\\.1:${closedPort} cannot be reached \\(ECONNREFUSED\\).*http\\.proxy`));
      assert.ok(!e.message.includes(new URL(sim.url).port), 'the gateway is not blamed');
      assert.ok(!e.message.includes(sim.guid));
      return true;
    });
    await client?.close();
    proxy.refuseWith = 403;
    await assert.rejects(through({ url: proxy.url, display: `127.0.0.1:${proxy.port}` }).statisticsEx('101' as AgentId, sim.guid), /proxy 127\.0\.0\.1:\d+ did not open a tunnel .*HTTP 403/);
    await client?.close();
    proxy.refuseWith = 502;
    await assert.rejects(through({ url: proxy.url, display: `127.0.0.1:${proxy.port}` }).statisticsEx('101' as AgentId, sim.guid), (e: unknown) => {
      assert.ok(isGatewayError(e));
      assert.equal(e.details.code, 'PROXY_502');
      assert.match(e.message, /proxy 127\.0\.0\.1:\d+ did not open a tunnel .*HTTP 502.*http\.proxy/);
      return true;
    });
    assert.equal(sim.stats.requests, 0);
  });

  it('the CONNECT request carries only the tunnel target (Host, Connection): no Guid, no Content-Type', async () => {
    await through({ url: proxy.url, display: 'p' }).statisticsEx('101' as AgentId, sim.guid);
    assert.equal(proxy.connects.length, 1);
    const headers = proxy.connects[0].headers;
    assert.deepEqual(Object.keys(headers).filter((k) => k !== 'host' && k !== 'connection'), [], JSON.stringify(Object.keys(headers)));
    assert.equal(headers.host, `127.0.0.1:${new URL(sim.url).port}`);
    // ...while the gateway, inside the tunnel, got the Guid.
    assert.ok(sim.stats.guidsSeen.has(sim.guid));
  });

  it('a proxy that hangs up on CONNECT is named, and is not reconnected to in a loop', async () => {
    proxy.misbehave = 'close';
    await assert.rejects(through({ url: proxy.url, display: `127.0.0.1:${proxy.port}` }).statisticsEx('101' as AgentId, sim.guid), (e: unknown) => {
      assert.ok(isGatewayError(e));
      assert.equal(e.kind, 'network');
      assert.match(e.message, /^The proxy 127\.0\.0\.1:\d+ closed the connection before opening a tunnel to https:\/\/127\.0\.0\.1:\d+ \(UND_ERR_SOCKET\)\. Check http\.proxy/);
      return true;
    });
    // undici retries a connection that failed with a plain socket error forever: one CONNECT, one connection.
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(proxy.connects.length, 1);
    assert.equal(proxy.connections, 1);
  });

  it('a proxy that never answers CONNECT times out like a silent gateway, and is named', async () => {
    proxy.misbehave = 'silent';
    client = createGatewayClient({ origin: sim.url, caPem: sim.caPem, timeoutMs: 1000, proxy: { url: proxy.url, display: `127.0.0.1:${proxy.port}`, strictSSL: true } });
    const started = Date.now();
    await assert.rejects(client.statisticsEx('101' as AgentId, sim.guid), (e: unknown) => {
      assert.ok(isGatewayError(e));
      assert.equal(e.details.code, 'PROXY_UND_ERR_HEADERS_TIMEOUT');
      assert.match(e.message, /^The proxy 127\.0\.0\.1:\d+ did not answer within 1 s\./);
      return true;
    });
    // undici's own default for a CONNECT answer is 300 s; ours is the request timeout (its timers tick at 0.5 s).
    assert.ok(Date.now() - started < 4000, `took ${Date.now() - started} ms`);
  });

  it('a gateway silent inside the tunnel times out after the request timeout, and the gateway is named', async () => {
    // The proxy does its job; behind it, something accepts TCP and never starts TLS.
    const mute = net.createServer((s) => s.on('error', () => undefined));
    await new Promise<void>((r) => mute.listen(0, '127.0.0.1', r));
    const origin = `https://127.0.0.1:${(mute.address() as net.AddressInfo).port}`;
    try {
      const c = (client = createGatewayClient({ origin, caPem: sim.caPem, timeoutMs: 1000, proxy: { url: proxy.url, display: `127.0.0.1:${proxy.port}`, strictSSL: true } }));
      const started = Date.now();
      await assert.rejects(c.statisticsEx('101' as AgentId, sim.guid), (e: unknown) => {
        assert.ok(isGatewayError(e));
        assert.equal(e.message, `The gateway ${origin} did not answer within 1 s; retrying later.`);
        return true;
      });
      // undici's own default for the TLS handshake is 10 s.
      assert.ok(Date.now() - started < 4000, `took ${Date.now() - started} ms`);
      assert.equal(proxy.connects.length, 1);
    } finally {
      await client?.close();
      mute.close();
    }
  });

  it('the pool\'s connection limit holds through the proxy: one tunnel per connection', async () => {
    client = createGatewayClient({ origin: sim.url, caPem: sim.caPem, timeoutMs: 3000, connections: 2, proxy: { url: proxy.url, display: 'p', strictSSL: true } });
    sim.setFault({ kind: 'latency', ms: 50 }, '101');
    const c = client;
    await Promise.all(Array.from({ length: 10 }, () => c.statisticsEx('101' as AgentId, sim.guid)));
    assert.equal(sim.stats.requests, 10);
    assert.ok(proxy.connects.length <= 2, `10 concurrent requests with connections: 2 opened ${proxy.connects.length} tunnels`);
    assert.ok((sim.stats.maxConcurrentPerAgent.get('101') ?? 0) <= 2);
  });

  it('settings and environment pick the way for the real client: env proxy, setting over env, no-proxy goes direct', async () => {
    const closedPort = await freePortNumber();
    const go = async (r: ReturnType<typeof resolveProxy>) => {
      assert.ok(r.ok);
      const c = (client = createGatewayClient({ origin: sim.url, caPem: sim.caPem, timeoutMs: 3000, proxy: r.proxy && { ...r.proxy, strictSSL: true } }));
      try {
        return await c.statisticsEx('101' as AgentId, sim.guid);
      } finally {
        await c.close();
        client = undefined;
      }
    };
    // HTTPS_PROXY alone: through the proxy.
    await go(resolveProxy(sim.url, { env: { HTTPS_PROXY: proxy.url } }));
    assert.equal(proxy.connects.length, 1);
    // http.proxy wins over a dead HTTPS_PROXY.
    await go(resolveProxy(sim.url, { proxyUrl: proxy.url, env: { HTTPS_PROXY: `http://127.0.0.1:${closedPort}` } }));
    assert.equal(proxy.connects.length, 2);
    // NO_PROXY, http.noProxy (with the port) and "*" each send it direct: the proxy sees nothing more.
    await go(resolveProxy(sim.url, { env: { HTTPS_PROXY: proxy.url, NO_PROXY: 'foo.org,127.0.0.1' } }));
    await go(resolveProxy(sim.url, { proxyUrl: proxy.url, noProxy: [`127.0.0.1:${new URL(sim.url).port}`] }));
    await go(resolveProxy(sim.url, { proxyUrl: proxy.url, noProxy: ['*'] }));
    // http.proxySupport "off": direct, whatever is set.
    await go(resolveProxy(sim.url, { proxyUrl: `http://127.0.0.1:${closedPort}`, proxySupport: 'off', env: { HTTPS_PROXY: `http://127.0.0.1:${closedPort}` } }));
    assert.equal(proxy.connects.length, 2);
    assert.equal(sim.stats.requests, 6);
  });

  describe('an https:// proxy', () => {
    let tlsProxy: ConnectProxy;
    beforeEach(async () => {
      // Signed by a CA the client does not know.
      const certs = await generateServerCertificates('valid');
      tlsProxy = await startConnectProxy({ tls: { certPem: certs.certPem, keyPem: certs.keyPem } });
    });
    afterEach(() => tlsProxy.stop());

    it('http.proxyStrictSSL true: an unverifiable proxy certificate is the proxy\'s problem, named as such; no Guid leaves', async () => {
      await assert.rejects(through({ url: tlsProxy.url, display: `127.0.0.1:${tlsProxy.port}` }).statisticsEx('101' as AgentId, sim.guid), (e: unknown) => {
        assert.ok(isGatewayError(e));
        assert.equal(e.kind, 'tls');
        assert.match(e.message, /^Cannot connect securely to the proxy 127\.0\.0\.1:\d+ \(.+\); this is the proxy's certificate, not the gateway's\..*http\.proxyStrictSSL/);
        assert.ok(e.details.code?.startsWith('PROXY_'));
        return true;
      });
      assert.equal(tlsProxy.connects.length, 0, 'no CONNECT before the proxy is verified');
      assert.equal(sim.stats.requests, 0);
    });

    it('http.proxyStrictSSL false relaxes the proxy\'s certificate only: the gateway is still verified', async () => {
      const relaxed = { url: tlsProxy.url, display: 'p', strictSSL: false };
      client = createGatewayClient({ origin: sim.url, caPem: sim.caPem, timeoutMs: 3000, proxy: relaxed });
      assert.equal(typeof (await client.statisticsEx('101' as AgentId, sim.guid)).talktime, 'number');
      assert.equal(tlsProxy.connects.length, 1);
      await client.close();
      // The same relaxed proxy, but the gateway's CA not given: refused inside the tunnel.
      const requestsBefore = sim.stats.requests;
      client = createGatewayClient({ origin: sim.url, timeoutMs: 3000, proxy: relaxed });
      await assert.rejects(client.statisticsEx('101' as AgentId, sim.guid), (e: unknown) => {
        assert.ok(isGatewayError(e));
        assert.equal(e.kind, 'tls');
        assert.ok(e.message.startsWith(`Cannot connect securely to ${new URL(sim.url).origin}:`), e.message);
        return true;
      });
      assert.equal(tlsProxy.connects.length, 2);
      assert.equal(sim.stats.requests, requestsBefore, 'the Guid never reached the gateway');
    });
  });
});
