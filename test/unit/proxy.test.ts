// Proxies: which one applies (settings, environment, no-proxy lists), and the real client
// tunnelling through a real CONNECT proxy on loopback to the simulator.
import assert from 'node:assert/strict';
import { createGatewayClient } from '../../src/core/gateway/client';
import { isGatewayError } from '../../src/core/gateway/errors';
import { bypassesProxy, resolveProxy } from '../../src/core/gateway/proxy';
import type { GatewayClient } from '../../src/core/gateway/types';
import type { AgentId } from '../../src/core/validation/agentId';
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
      return true;
    });
    await client?.close();
    proxy.refuseWith = 403;
    await assert.rejects(through({ url: proxy.url, display: `127.0.0.1:${proxy.port}` }).statisticsEx('101' as AgentId, sim.guid), /proxy 127\.0\.0\.1:\d+ did not open a tunnel .*HTTP 403/);
    assert.equal(sim.stats.requests, 0);
  });
});
