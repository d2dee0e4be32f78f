// A queue's agents: the agentbyskill/agentbylist answers parsed (both quoting styles, bad
// entries left out, a list that is not one refused), and the queue monitor against the
// simulator's center over HTTPS: one agentbyskill per watched queue per interval, the lists
// follow agents joining and leaving, refusals said once while the numbers go on.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { GatewayError } from '../../src/core/model/errors';
import { agentListBody, chunkAgentIds, parseAgentObjects, queueAgentsBody } from '../../src/core/wire/queueAgents';
import { connectionSettings } from '../../src/core/wire/connectionSettings';
import { GatewayMonitor } from '../../src/core/monitor/gatewayMonitor';
import { createGatewayClient } from '../../src/core/wire/client';
import { GATEWAY_AGENT_LIMIT } from '../../src/core/polling/rateLimiter';
import { QueueMonitor, queueSourceOf } from '../../src/core/monitor/queueMonitor';
import type { AgentId } from '../../src/core/ids/agentId';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { FakeClock } from '../support/fakeClock';
import { sleep, until } from '../support/wait';

const ok = (result: unknown) => ({ status: 200, contentType: 'application/json', body: JSON.stringify({ message: '', retcode: '0', result }) });

describe('queue agents: parsing agentbyskill and agentbylist', () => {
  it('agent objects with codes as ints or strings, time in state, names; entries without workno or state left out and counted', () => {
    const r = parseAgentObjects(ok([
      { workno: '101', name: 'Ann', status: '7', ctiStatus: '5', currentstatetime: 95, logindate: 1_700_000_000_000 },
      { workno: 102, status: 4, ctiStatus: 1, currentstatetime: '12' },
      { workno: '0103', ctiStatus: 6 },
      { name: 'nobody', status: 4 },
      { workno: '104' },
      { workno: '101', status: 4 },
      'junk',
    ]), '101');
    assert.deepEqual(r.agents, [
      { workno: '101', presence: 'talking', status: 7, ctiStatus: 5, name: 'Ann', secondsInState: 95 },
      { workno: '102', presence: 'idle', status: 4, ctiStatus: 1, secondsInState: 12 },
      { workno: '103', presence: 'wrapUp', ctiStatus: 6 },
    ]);
    assert.equal(r.skipped, 4);
    assert.equal(r.cut, false);
    assert.equal(parseAgentObjects(ok([{ workno: '1', status: 4 }, { workno: '2', status: 4 }]), '101', 2).cut, true, 'as many as the limit: maybe more');
    assert.deepEqual(parseAgentObjects(ok(null), '101').agents, [], 'no result: nobody signed in');
  });

  it('a result that is not a list, and the gateway\'s error codes, are errors in words', () => {
    assert.throws(() => parseAgentObjects(ok({ workno: '101' }), '101'), (e: unknown) => e instanceof GatewayError && e.kind === 'protocol' && /not a list/.test(e.message));
    assert.throws(() => parseAgentObjects({ status: 200, contentType: 'application/json', body: JSON.stringify({ message: 'no right', retcode: '000-003' }) }, '101'), (e: unknown) => e instanceof GatewayError && e.kind === 'auth');
    assert.throws(() => parseAgentObjects({ status: 404, contentType: 'text/html', body: '<html></html>' }, '101'), (e: unknown) => e instanceof GatewayError && e.kind === 'invalid-request');
  });

  it('bodies: agentLimit together with agentStatus; agentList of 1 to 100 IDs separated by commas; lists in chunks of 100', () => {
    assert.deepEqual(JSON.parse(queueAgentsBody()), { agentLimit: 500, agentStatus: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
    assert.deepEqual(JSON.parse(agentListBody(['101', '102'])), { agentList: '101,102' });
    assert.throws(() => agentListBody([]), /1 to 100/);
    assert.throws(() => agentListBody(Array.from({ length: 101 }, (_, i) => String(200 + i))), /1 to 100/);
    assert.deepEqual(chunkAgentIds(Array.from({ length: 300 }, (_, i) => String(101 + i))).map((c) => c.length), [100, 100, 100]);
  });
});

const PASSWORD = 'Huawei@123';
const FAST = { eventHoldMs: 150, repollMinMs: 10, repollMaxMs: 30, maxSignInAttempts: 4, backoffMs: 50, maxBackoffMs: 400 };
const SKILL = (agent: string, q: number) => `/agentgateway/resource/agentgroup/${agent}/agentbyskill/${q}`;

describe('queue agents against the simulator', function () {
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

  function make(): GatewayMonitor {
    monitor = new GatewayMonitor(
      {
        gatewayUrlText: sim.url,
        agents: ['101'],
        pollIntervalMs: 30_000,
        connection: connectionSettings({ origin: sim.origin, caFile: sim.caFile, trustedFingerprints: [], proxy: { strictSSL: true, env: {} }, requestTimeoutMs: 3000 }),
      },
      {
        credentials: { guid: () => Promise.resolve(undefined), hasAny: () => Promise.resolve(false), password: () => Promise.resolve(PASSWORD) },
        loadClientFactory: () => createGatewayClient,
        readTextFile: (p) => readFile(p, 'utf8'),
        log: { info: () => undefined, warn: () => undefined },
        sessionTiming: FAST,
        jitterRatio: 0,
      },
      { active: true, rateLimit: GATEWAY_AGENT_LIMIT },
    );
    return monitor;
  }

  /** Three queues; 201–209 work there (the center's roster), each in one or two of them. */
  async function center(): Promise<void> {
    const clock = { t: 1_700_000_000_000 };
    sim = await startSimulator({ auth: { mode: 1, defaultPassword: PASSWORD, eventHoldMs: 100 }, overloadControl: true, clock: () => clock.t, seed: 5 });
    sim.queues.setQueues([
      { id: 1, name: 'Billing', members: ['201', '202', '203', '204'] },
      { id: 2, name: 'Sales', members: ['204', '205', '206'] },
      { id: 3, name: 'Support', members: ['207', '208', '209'] },
    ]);
    for (let a = 201; a <= 209; a++) sim.center.enrol(String(a));
    sim.agentStates.set('202', 'talking');
    sim.agentStates.set('205', 'rest');
  }

  const listOf = (q: number) => queues!.get(q)?.agents?.list.map((a) => `${a.workno}:${a.presence}`).join(',');

  it('one agentbyskill per watched queue per interval, as the signed-in agent; the lists follow agents joining and leaving; no agentbyworkno', async () => {
    await center();
    const m = make();
    const clock = new FakeClock();
    queues = new QueueMonitor(queueSourceOf(m), { queueIds: [1, 2, 3], intervalMs: 30_000 }, { active: true, clock });
    await m.signIn('101' as AgentId, { password: PASSWORD });
    await until('three lists', () => [1, 2, 3].every((q) => queues!.get(q)?.agents), { diagnostics: () => JSON.stringify(queues!.all()) });
    assert.equal(listOf(1), '201:idle,202:talking,203:idle,204:idle');
    assert.equal(listOf(2), '204:idle,205:rest,206:idle');
    assert.equal(listOf(3), '207:idle,208:idle,209:idle');
    // Past the rate limiter's window: anything more this interval would have arrived by now.
    await sleep(2500);
    for (const q of [1, 2, 3]) assert.equal(sim.stats.byPath.get(SKILL('101', q)), 1, `queue ${q}: one agentbyskill`);

    // 206 leaves Sales for Support, 203 signs out, 210 joins Billing.
    sim.center.move('206', 3, 2);
    sim.signOut('203');
    sim.center.move('210', 1);
    await clock.advance(30_000);
    await until('the next interval\'s lists', () => sim.stats.byPath.get(SKILL('101', 3)) === 2 && listOf(3)?.includes('206'));
    assert.equal(listOf(1), '201:idle,202:talking,204:idle,210:idle');
    assert.equal(listOf(2), '204:idle,205:rest');
    await sleep(2500);
    for (const q of [1, 2, 3]) assert.equal(sim.stats.byPath.get(SKILL('101', q)), 2, `queue ${q}: one agentbyskill per interval`);
    const perAgent = [...sim.stats.byPath.keys()].filter((p) => p.includes('/agentbyworkno/'));
    assert.deepEqual(perAgent, [], 'no per-agent state request for queue agents');
    assert.equal(sim.queues.overloadAnswers, 0);
  });

  it('"opened" mode: agents are read only for the queues opened in the view', async () => {
    await center();
    const m = make();
    const clock = new FakeClock();
    queues = new QueueMonitor(queueSourceOf(m), { queueIds: [1, 2, 3], intervalMs: 30_000, agentsOf: 'opened' }, { active: true, clock });
    await m.signIn('101' as AgentId, { password: PASSWORD });
    await until('numbers', () => queues!.all().every((e) => e.state === 'ok'));
    assert.equal([1, 2, 3].map((q) => sim.stats.byPath.get(SKILL('101', q)) ?? 0).join(), '0,0,0');
    queues.setOpened(2, true);
    await until('Sales read on opening', () => queues!.get(2)?.agents);
    await clock.advance(30_000);
    await until('Sales again next interval', () => sim.stats.byPath.get(SKILL('101', 2)) === 2);
    assert.equal([1, 3].map((q) => sim.stats.byPath.get(SKILL('101', q)) ?? 0).join(), '0,0', 'closed queues are not read');
    // Closed for longer than an interval, then opened again: read at once, not shown as it was when closed.
    queues.setOpened(2, false);
    const cycles = queues.counts.cycles;
    await clock.advance(30_000);
    // That cycle has ended (one still running would read Sales anyway once it is open).
    await until('the cycle after closing, ended', () => queues!.counts.cycles > cycles && (queues as unknown as { running?: Promise<void> }).running === undefined);
    const before = sim.stats.byPath.get(SKILL('101', 2)) ?? 0;
    queues.setOpened(2, true);
    await until('Sales read again on reopening', () => (sim.stats.byPath.get(SKILL('101', 2)) ?? 0) === before + 1);
  });

  for (const refusal of ['noInboundRight', 'unsupported'] as const) {
    it(`refused (${refusal}): said once on the queues, no more agentbyskill, the numbers go on`, async () => {
      await center();
      if (refusal === 'noInboundRight') sim.agentStates.noInboundRight.add('101');
      else sim.agentStates.skillEnabled = false;
      const m = make();
      const clock = new FakeClock();
      queues = new QueueMonitor(queueSourceOf(m), { queueIds: [1, 2], intervalMs: 30_000 }, { active: true, clock });
      await m.signIn('101' as AgentId, { password: PASSWORD });
      await until('the refusal', () => queues!.agentsRefusal);
      assert.equal(queues.agentsRefusal!.reason, refusal);
      assert.match(queues.agentsRefusal!.message, refusal === 'noInboundRight' ? /right to answer inbound calls/ : /does not offer/);
      // Plain words and what to do; the interface and the gateway's code only for a Details line.
      assert.match(queues.agentsRefusal!.message, refusal === 'noInboundRight' ? /Sign in as such an agent/ : /Nothing to do\.$/);
      assert.doesNotMatch(queues.agentsRefusal!.message, /agentbyskill|\d{3}-\d{3}|HTTP \d/, queues.agentsRefusal!.message);
      assert.equal(queues.agentsRefusal!.details[0], 'agentbyskill');
      assert.match(queues.agentsRefusal!.details[1] ?? '', /^(\d{3}-\d{3}|HTTP \d{3})$/, JSON.stringify(queues.agentsRefusal!.details));
      queues.refresh();
      await until('numbers again', () => queues!.counts.stats >= 2 && queues!.all().every((e) => e.state === 'ok'));
      const asked = [1, 2].reduce((n, q) => n + (sim.stats.byPath.get(SKILL('101', q)) ?? 0), 0);
      assert.equal(asked, 1, 'asked once, then never again');
      assert.equal(m.sessions.get('101')?.kind, 'signed-in', 'the session goes on');
    });
  }
});
