import assert from 'node:assert/strict';
import { createGatewayClient } from '../../src/core/wire/client';
import { GatewayError } from '../../src/core/model/errors';
import type { GatewayClient, RequestLogEntry } from '../../src/core/wire/types';
import { validateAgentId, type AgentId } from '../../src/core/ids/agentId';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';

const id = (s: string): AgentId => {
  const r = validateAgentId(s);
  if (!r.ok) throw new Error(r.message);
  return r.value;
};

async function failure(p: Promise<unknown>): Promise<GatewayError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof GatewayError, `expected GatewayError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a failure');
}

describe('gateway client against the simulator (real HTTPS on loopback)', function () {
  this.timeout(15_000);
  let sim: Simulator;
  let client: GatewayClient;
  let log: RequestLogEntry[];

  before(async () => {
    sim = await startSimulator();
  });
  after(async () => {
    await sim.stop();
  });
  beforeEach(() => {
    log = [];
    client = createGatewayClient({ origin: sim.url, caPem: sim.caPem, timeoutMs: 2000, onRequest: (e) => log.push(e) });
    sim.setFault(undefined);
    sim.resetStats();
  });
  afterEach(async () => {
    await client.close();
  });

  it('GETs statisticsEx with both documented headers and parses the counters', async () => {
    sim.setCounters('101', { talktime: 4328, answernums: 5, calloutnums: 2 });
    const stats = await client.statisticsEx(id('101'), sim.guid);
    assert.deepEqual(stats, { talktime: 4328, answernums: 5, calloutnums: 2 });
    const h = sim.stats.lastHeaders ?? {};
    assert.equal(h['content-type'], 'application/json; charset=UTF-8');
    assert.equal(h['guid'], sim.guid);
    assert.equal(sim.stats.byPath.get('/agentgateway/resource/calldata/101/statisticsEx'), 1);
  });

  it('sees counters grow as simulated calls happen', async () => {
    const before = await client.statisticsEx(id('102'), sim.guid);
    sim.simulateCall('102', { talkSeconds: 90 });
    sim.simulateCall('102', { outbound: true, talkSeconds: 30 });
    const after = await client.statisticsEx(id('102'), sim.guid);
    assert.equal(after.answernums, before.answernums + 1);
    assert.equal(after.calloutnums, before.calloutnums + 1);
    assert.equal(after.talktime, before.talktime + 120);
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    await new Promise((r) => setTimeout(r, 50)); // let sockets of earlier tests' closed clients go
    const base = sim.openSockets;
    for (let i = 0; i < 20; i++) await client.statisticsEx(id('103'), sim.guid);
    assert.equal(sim.stats.requests, 20);
    // undici may open a second connection while the first is still finishing; never one per request.
    assert.ok(sim.openSockets - base <= 2, `20 requests opened ${sim.openSockets - base} connections`);
  });

  it('maps an expired Guid to auth, an offline agent to agent-offline', async () => {
    const e = await failure(client.statisticsEx(id('101'), 'not-the-guid'));
    assert.equal(e.kind, 'auth');
    assert.equal(e.details.retcode, '000-003');
    assert.ok(!e.message.includes('not-the-guid'));
    sim.signOut('104');
    const off = await failure(client.statisticsEx(id('104'), sim.guid));
    assert.equal(off.kind, 'agent-offline');
  });

  it('reads the heavier statistics call with extra counters', async () => {
    const s = await client.statistics(id('101'), sim.guid);
    assert.equal(typeof s.noanswernums, 'number');
    assert.equal(typeof s.intercallnums, 'number');
  });

  it('refuses oversized answers and reports HTML pages with their status', async () => {
    sim.setFault({ kind: 'oversized', bytes: 200_000 });
    const big = await failure(client.statisticsEx(id('101'), sim.guid));
    assert.equal(big.kind, 'protocol');
    assert.match(big.message, /larger than 64 KiB/);
    sim.setFault({ kind: 'http', status: 502, html: true });
    const html = await failure(client.statisticsEx(id('101'), sim.guid));
    assert.equal(html.kind, 'transient');
    assert.match(html.message, /HTTP 502 with an HTML page/);
  });

  it('times out a hanging request and closes without waiting for it', async () => {
    const quick = createGatewayClient({ origin: sim.url, caPem: sim.caPem, timeoutMs: 300 });
    sim.setFault({ kind: 'hang' });
    const t0 = Date.now();
    const e = await failure(quick.statisticsEx(id('101'), sim.guid));
    assert.equal(e.kind, 'network');
    assert.match(e.message, /did not answer within/);
    assert.ok(Date.now() - t0 < 2000);
    await quick.close();
  });

  it('refuses a certificate from an unknown CA (verification stays on)', async () => {
    const bare = createGatewayClient({ origin: sim.url, timeoutMs: 2000 });
    const e = await failure(bare.statisticsEx(id('101'), sim.guid));
    assert.equal(e.kind, 'tls');
    assert.match(e.message, /ccGateway\.tls\.caFile/);
    assert.equal(sim.stats.guidsSeen.size, 0, 'no Guid was sent over an unverified connection');
    await bare.close();
  });

  it('maps a refused connection to network, naming the origin', async () => {
    const dead = createGatewayClient({ origin: 'https://127.0.0.1:1', timeoutMs: 2000 });
    const e = await failure(dead.statisticsEx(id('101'), sim.guid));
    assert.equal(e.kind, 'network');
    assert.match(e.message, /127\.0\.0\.1:1/);
    await dead.close();
  });

  it('logs agent, status, retcode and duration, never the Guid', async () => {
    await client.statisticsEx(id('101'), sim.guid);
    await failure(client.statisticsEx(id('101'), 'wrong-guid-value'));
    assert.equal(log.length, 2);
    assert.equal(log[0].agentId, '101');
    assert.equal(log[0].httpStatus, 200);
    assert.equal(log[0].retcode, '0');
    assert.equal(log[1].retcode, '000-003');
    const text = JSON.stringify(log);
    assert.ok(!text.includes(sim.guid) && !text.includes('wrong-guid-value'));
  });

  it('refuses IDs and Guids that could change the path or headers', async () => {
    const e = await failure(client.statisticsEx('1/../2' as AgentId, sim.guid));
    assert.equal(e.kind, 'invalid-request');
    const g = await failure(client.statisticsEx(id('101'), 'abc\r\nX-Evil: 1'));
    assert.equal(g.kind, 'auth');
    assert.equal(sim.stats.requests, 0);
  });
});
