// The queues against the simulator over HTTPS on loopback — a signed-in session's
// agent asks, one queryacdstat per interval (per 100 queues), none while inactive, paused or
// without a session, and the simulator's own log proves the per-agent budget under bursts.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { connectionSettings } from '../../src/core/wire/connectionSettings';
import { GatewayMonitor } from '../../src/core/monitor/gatewayMonitor';
import { createGatewayClient } from '../../src/core/wire/client';
import { GATEWAY_AGENT_LIMIT, type RateLimit } from '../../src/core/polling/rateLimiter';
import { QueueMonitor, queueSourceOf } from '../../src/core/monitor/queueMonitor';
import type { AgentId } from '../../src/core/ids/agentId';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { FakeClock } from '../support/fakeClock';
import { sleep, until } from '../support/wait';

const PASSWORD = 'Huawei@123';
const FAST = { eventHoldMs: 150, repollMinMs: 10, repollMaxMs: 30, maxSignInAttempts: 4, backoffMs: 50, maxBackoffMs: 400 };
const ACD = (agent: string) => `/agentgateway/resource/queuedevice/${agent}/queryacdstat`;
const VDN = (agent: string) => `/agentgateway/resource/queuedevice/${agent}/agentvdnskill`;

describe('queues against the simulator', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let monitor: GatewayMonitor | undefined;
  let queues: QueueMonitor | undefined;
  afterEach(async () => {
    queues?.dispose();
    await monitor?.shutdown();
    queues = undefined;
    monitor = undefined;
    await sim?.stop();
  });

  function make(options: { agents?: string[]; pastedGuid?: string; rateLimit?: RateLimit; pollIntervalMs?: number } = {}): GatewayMonitor {
    monitor = new GatewayMonitor(
      {
        gatewayUrlText: sim.url,
        agents: options.agents ?? ['101'],
        pollIntervalMs: options.pollIntervalMs ?? 5000,
        connection: connectionSettings({ origin: sim.origin, caFile: sim.caFile, trustedFingerprints: [], proxy: { strictSSL: true, env: {} }, requestTimeoutMs: 3000 }),
      },
      {
        credentials: {
          guid: () => Promise.resolve(options.pastedGuid),
          hasAny: () => Promise.resolve(!!options.pastedGuid),
          password: () => Promise.resolve(PASSWORD),
        },
        loadClientFactory: () => createGatewayClient,
        readTextFile: (p) => readFile(p, 'utf8'),
        log: { info: () => undefined, warn: () => undefined },
        sessionTiming: FAST,
        jitterRatio: 0,
      },
      { active: true, ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}) },
    );
    return monitor;
  }

  const acdCount = (agent = '101') => sim.stats.byPath.get(ACD(agent)) ?? 0;

  it('a signed-in session: the VCC\'s real queues with their numbers, asked as that agent, once per interval; none while inactive or paused', async () => {
    sim = await startSimulator({ auth: { mode: 2, defaultPassword: PASSWORD, eventHoldMs: 100 }, overloadControl: true });
    sim.queues.setWaiting(1, 12, 754);
    const m = make({ rateLimit: GATEWAY_AGENT_LIMIT });
    const clock = new FakeClock();
    // The queues' agents (one agentbyskill each) are queueAgents.test.ts's subject: not read here.
    queues = new QueueMonitor(queueSourceOf(m), { queueIds: [], intervalMs: 30_000, agentsOf: 'opened' }, { active: true, clock });
    assert.equal(queues.viewState, 'noSession');
    assert.equal(await m.signIn('101' as AgentId, { password: PASSWORD }), true);
    await until('queue numbers', () => queues!.all().length > 0 && queues!.all().every((e) => e.state === 'ok'), { diagnostics: () => JSON.stringify(queues!.all()) });
    assert.equal(queues.viewState, 'ready');
    assert.deepEqual(queues.all().map((e) => [e.id, e.name]), [[1, 'Billing'], [2, 'Sales'], [3, 'Technical support']], 'real queues only (9 is virtual)');
    const billing = queues.get(1)!.stats!;
    assert.equal(billing.waiting, 12);
    assert.ok(billing.longestWaitSeconds >= 754 && billing.longestWaitSeconds < 760);
    assert.equal(sim.stats.byPath.get(VDN('101')), 1, 'the VCC\'s list once at sign-in');
    assert.equal(acdCount(), 1, 'one queryacdstat, with the session\'s agent in the path');

    await clock.advance(29_999);
    assert.equal(acdCount(), 1);
    await clock.advance(1);
    await until('the second interval\'s query', () => acdCount() === 2);

    queues.setActive(false);
    await clock.advance(120_000);
    await sleep(300); // a request the timers would have started reaches the simulator within this
    assert.equal(acdCount(), 2, 'none while nothing shows the numbers');
    queues.setActive(true);
    await until('numbers on coming back', () => acdCount() === 3);
    queues.pause();
    await clock.advance(120_000);
    await sleep(300);
    assert.equal(acdCount(), 3, 'none while paused');
    queues.resume();
    await until('numbers on resume', () => acdCount() === 4);
    // Refresh bursts coalesce: a cycle in flight plus at most one more.
    for (let i = 0; i < 10; i++) queues.refresh();
    await until('the coalesced refresh', () => acdCount() >= 5);
    await clock.advance(0);
    await new Promise((r) => setTimeout(r, 300));
    assert.ok(acdCount() <= 6, `10 refreshes made ${acdCount() - 4} queries`);
    assert.equal(sim.stats.byPath.get(VDN('101')), 1, 'the catalogue is not read again within 10 minutes');
    assert.equal(sim.queues.overloadAnswers, 0);
  });

  it('a pasted Guid only (no sign-in): "sign in to see queues", and no queue request at all', async () => {
    sim = await startSimulator({ overloadControl: true });
    const m = make({ pastedGuid: sim.guid, rateLimit: GATEWAY_AGENT_LIMIT });
    const clock = new FakeClock();
    queues = new QueueMonitor(queueSourceOf(m), { queueIds: [1, 2], intervalMs: 5000 }, { active: true, clock });
    await until('the agent\'s numbers with the pasted Guid', () => m.store.get('101')?.state === 'ok');
    queues.refresh();
    await clock.advance(60_000);
    assert.equal(queues.viewState, 'noSession');
    const queueRequests = [...sim.stats.byPath.keys()].filter((p) => p.includes('/queuedevice/'));
    assert.deepEqual(queueRequests, []);
  });

  it('more than 100 queues: one queryacdstat per 100 each interval; a queue the gateway does not know is marked, not invented', async () => {
    sim = await startSimulator({ auth: { mode: 1, defaultPassword: PASSWORD, eventHoldMs: 100 }, overloadControl: true });
    sim.queues.setQueues(Array.from({ length: 230 }, (_, i) => ({ id: 1000 + i, name: `Q${i}` })));
    const m = make({ rateLimit: GATEWAY_AGENT_LIMIT });
    const clock = new FakeClock();
    const ids = [...Array.from({ length: 230 }, (_, i) => 1000 + i), 77];
    queues = new QueueMonitor(queueSourceOf(m), { queueIds: ids, intervalMs: 30_000 }, { active: true, clock });
    await m.signIn('101' as AgentId, { password: PASSWORD });
    await until('231 rows answered', () => queues!.all().filter((e) => e.state !== 'loading').length === 231, { timeoutMs: 8000 });
    assert.equal(acdCount(), 3, '231 IDs: calls of 100, 100 and 31');
    assert.equal(sim.stats.byPath.get(VDN('101')) ?? 0, 0, 'IDs set: the VCC\'s list is not needed');
    assert.equal(queues.get(77)!.state, 'missing');
    assert.match(queues.get(77)!.error!, /no numbers for queue 77/);
    assert.equal(queues.get(1229)!.state, 'ok');
  });

  it('a failing gateway keeps the last numbers, marked stale with the reason', async () => {
    sim = await startSimulator({ auth: { mode: 1, defaultPassword: PASSWORD, eventHoldMs: 100 }, overloadControl: true });
    const m = make({ rateLimit: GATEWAY_AGENT_LIMIT });
    const clock = new FakeClock();
    queues = new QueueMonitor(queueSourceOf(m), { queueIds: [1], intervalMs: 30_000, agentsOf: 'opened' }, { active: true, clock });
    await m.signIn('101' as AgentId, { password: PASSWORD });
    await until('numbers', () => queues!.get(1)?.state === 'ok');
    const before = queues.get(1)!.stats;
    sim.setFault({ kind: 'retcode', retcode: '100-007' }, '101');
    await clock.advance(30_000);
    await until('stale', () => queues!.get(1)?.state === 'stale');
    assert.deepEqual(queues.get(1)!.stats, before, 'nothing already shown is lost');
    assert.ok(queues.get(1)!.error);
  });

  it('bursts of Refresh, Query Now and queue refreshes: the simulator\'s log never holds more than 5 requests of one agent in 2 s, and every query is answered', async function () {
    this.timeout(40_000);
    sim = await startSimulator({ auth: { mode: 1, defaultPassword: PASSWORD, eventHoldMs: 100 }, overloadControl: true });
    const m = make({ agents: ['101', '102', '103'], rateLimit: GATEWAY_AGENT_LIMIT });
    await m.signIn('101' as AgentId, { password: PASSWORD });
    queues = new QueueMonitor(queueSourceOf(m), { queueIds: [], intervalMs: 5000 }, { active: true });
    await until('queue numbers', () => queues!.all().length === 3 && queues!.all().every((e) => e.state === 'ok'));
    const started = Date.now();
    const queries: Promise<unknown>[] = [];
    for (let round = 0; round < 3; round++) {
      m.refresh();
      queues.refresh();
      for (const a of ['101', '101', '102', '101', '103']) queries.push(m.query(a as AgentId));
      queries.push(m.queryDetailed('101' as AgentId));
    }
    const answers = await Promise.allSettled(queries);
    assert.deepEqual(answers.filter((a) => a.status === 'rejected').map((a) => String((a).reason)), [], 'no query dropped or refused');
    const worst = sim.queues.maxInWindow(2000);
    assert.ok(worst.count <= 5, `agent ${worst.agent}: ${worst.count} requests within 2 s`);
    assert.equal(sim.queues.overloadAnswers, 0, 'the gateway never had to say 000-007');
    const sent101 = sim.queues.log.get('101')?.length ?? 0;
    assert.ok(sent101 > 5, `the burst was more than one window's budget of agent 101 (${sent101})`);
    assert.ok(m.limiter!.delayed > 0 && Date.now() - started >= 2000, 'and so had to wait for it');
  });
});
