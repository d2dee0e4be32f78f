// The simulated center's laws over a simulated hour on a fake clock (src/simulator/center.ts),
// then the same model read over HTTPS: statisticsEx, agentbyworkno, agentbyskill, agentbylist
// and queryacdstat agree with each other because they read one model.
import * as assert from 'node:assert/strict';
import * as https from 'node:https';
import { SimCenter, seededRandom } from '../../src/simulator/center';
import { SimQueues } from '../../src/simulator/queues';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';

const HOUR_MS = 3_600_000;
const STEP_MS = 1_000;
const ROSTER = Array.from({ length: 12 }, (_, i) => String(101 + i));
/** Signed in with loginex (the demo's own account) and signed in busy: they take no calls. */
const NO_CALLS = new Set(['101', '102']);

function centerOnFakeClock(seed: number): { center: SimCenter; queues: SimQueues; clock: { t: number }; signedIn: Set<string> } {
  const clock = { t: 1_700_000_000_000 };
  const queues = new SimQueues(undefined, () => clock.t);
  // Billing and Sales share some agents; Technical support has its own.
  queues.setQueues([
    { id: 1, name: 'Billing', members: ROSTER.slice(0, 7) },
    { id: 2, name: 'Sales', members: ROSTER.slice(4, 10) },
    { id: 3, name: 'Technical support', members: ROSTER.slice(8) },
  ]);
  const signedIn = new Set(ROSTER);
  const center = new SimCenter(queues, { isSignedIn: (a) => signedIn.has(a), takesCalls: (a) => !NO_CALLS.has(a) }, () => clock.t, seededRandom(seed), { everyMs: 3000, agents: ROSTER });
  return { center, queues, clock, signedIn };
}

describe('simulated center: the laws over a simulated hour', () => {
  for (const seed of [1, 7, 42]) {
    it(`seed ${seed}: callers wait only while nobody in their queue is free; talk time grows at most as fast as the clock, only while talking; no calls for loginex or busy agents; queue figures = the queue's agents`, () => {
      const { center, queues, clock, signedIn } = centerOnFakeClock(seed);
      let lastTalk = new Map(ROSTER.map((a) => [a, 0]));
      let lastState = new Map(ROSTER.map((a) => [a, center.state(a)]));
      let waitedWithNobodyFree = 0;
      let sawWaiting = 0;
      const membershipsSeen = new Set<string>();
      for (let t = 0; t < HOUR_MS; t += STEP_MS) {
        clock.t += STEP_MS;
        // An agent signs out for ten minutes and comes back: it takes no calls meanwhile.
        if (t === 600_000) signedIn.delete('112');
        if (t === 1_200_000) signedIn.add('112');
        center.sync();
        for (const q of queues.all().filter((x) => x.realFlag === 1)) {
          const agents = center.agentsOf(q.id);
          const free = agents.filter((a) => center.isFree(a));
          const fig = center.figures(q);
          assert.equal(fig.loggedOn, agents.length, `queue ${q.id}: loggedOnAgents = its agents`);
          assert.equal(fig.avail, free.length, `queue ${q.id}: availAgents = its free agents`);
          assert.ok(!(free.length > 0 && q.waiting.length > 0), `at ${t} ms queue ${q.id} had ${free.length} free agents (${free.join()}) and ${q.waiting.length} callers waiting`);
          if (q.waiting.length > 0) sawWaiting++;
          if (q.waiting.length > 0 && agents.length > 0) waitedWithNobodyFree++;
          membershipsSeen.add(`${q.id}:${agents.join(',')}`);
          if (t >= 600_000 && t < 1_200_000) assert.ok(!agents.includes('112'), 'a signed-out agent is in no queue');
        }
        for (const a of ROSTER) {
          const talk = center.countersOf(a).talkMs;
          const state = center.state(a);
          const grew = talk - lastTalk.get(a)!;
          assert.ok(grew >= 0 && grew <= STEP_MS, `agent ${a}: talk time grew ${grew} ms in ${STEP_MS} ms`);
          if (grew > 0) assert.ok(state === 'talking' || lastState.get(a) === 'talking' || grew < STEP_MS, `agent ${a}: talk time grew a whole step without talking`);
          if (NO_CALLS.has(a)) assert.ok(state !== 'talking' && state !== 'wrapUp', `agent ${a} takes no calls but is ${state}`);
        }
        lastTalk = new Map(ROSTER.map((a) => [a, center.countersOf(a).talkMs]));
        lastState = new Map(ROSTER.map((a) => [a, center.state(a)]));
      }
      for (const a of NO_CALLS) {
        const c = center.countersOf(a);
        assert.deepEqual([c.answernums, c.calloutnums, c.intercallnums, c.talkMs], [0, 0, 0, 0], `agent ${a} takes no calls`);
      }
      // The hour was a working one: calls answered, callers waited now and then, agents moved.
      const answered = ROSTER.reduce((n, a) => n + center.countersOf(a).answernums, 0);
      const talkHours = ROSTER.reduce((n, a) => n + center.countersOf(a).talkMs, 0) / HOUR_MS;
      assert.ok(answered > 60, `only ${answered} calls answered in an hour`);
      assert.ok(talkHours <= ROSTER.length - NO_CALLS.size, `${talkHours} h of talk by ${ROSTER.length - NO_CALLS.size} agents in one hour`);
      assert.ok(sawWaiting > 0 && waitedWithNobodyFree > 0, 'callers waited at some point');
      assert.ok(membershipsSeen.size > 6, 'agents joined and left queues');
    });
  }

  it('a caller placed by hand is taken at once by a free agent of its queue, not by one of another queue', () => {
    const clock = { t: 0 };
    const queues = new SimQueues(undefined, () => clock.t);
    queues.setQueues([{ id: 1, name: 'A', members: ['201'] }, { id: 2, name: 'B', members: ['202'] }]);
    const center = new SimCenter(queues, { isSignedIn: () => true, takesCalls: () => true }, () => clock.t, seededRandom(3));
    center.enrol('201');
    center.enrol('202');
    center.pin('201', 'rest');
    center.addCallers(1, 2);
    assert.equal(queues.get(1)!.waiting.length, 2, '202 is not in queue A');
    center.pin('201', undefined);
    assert.equal(queues.get(1)!.waiting.length, 1, 'free again: 201 takes the oldest at once');
    assert.equal(center.state('201'), 'talking');
    clock.t += 5_000;
    assert.equal(center.countersOf('201').talkMs, 5_000);
  });
});

// -- the same model over HTTPS ------------------------------------------------

/** One keep-alive connection pool for the test's requests: a TLS handshake each would dominate its time. */
const keepAlive = new https.Agent({ keepAlive: true, maxSockets: 1 });

function call(sim: Simulator, path: string, guid: string, method = 'GET', body?: unknown): Promise<{ retcode: string; result: unknown; headers: Record<string, unknown> }> {
  const text = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    // A GET with a body (agentbyskill, agentbylist) needs its length said.
    const length: Record<string, string> = text === undefined ? {} : { 'Content-Length': String(Buffer.byteLength(text)) };
    const req = https.request({ host: '127.0.0.1', port: sim.port, path, method, ca: sim.caPem, agent: keepAlive, headers: { 'Content-Type': 'application/json; charset=UTF-8', Guid: guid, ...length } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          const parsed = JSON.parse(text) as { retcode: string; result: unknown };
          resolve({ ...parsed, headers: res.headers });
        } catch {
          reject(new Error(`${path}: HTTP ${res.statusCode ?? 0} ${text.slice(0, 200)}`));
        }
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

describe('simulated center over HTTPS: every interface reads the one model', function () {
  this.timeout(90_000);
  let sim: Simulator | undefined;
  afterEach(async () => {
    keepAlive.destroy();
    await sim?.stop();
    sim = undefined;
  });

  it('statisticsEx, agentbyworkno, agentbyskill, agentbylist and queryacdstat agree at every sampled minute of a simulated hour', async () => {
    const clock = { t: 1_700_000_000_000 };
    sim = await startSimulator({ clock: () => clock.t, seed: 11, autoCalls: { everyMs: 3000, agents: ROSTER }, auth: { mode: 1, defaultPassword: 'pw' } });
    // The asking agent signs in with loginex, as the demo's account: it joins its queues but takes no calls.
    const login = await new Promise<string>((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port: sim!.port, path: '/agentgateway/resource/onlineagent/101/loginex', method: 'PUT', ca: sim!.caPem, agent: false, headers: { 'Content-Type': 'application/json; charset=UTF-8' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(String(res.headers['set-guid'] ?? '').replace('JSESSIONID=', '')));
      });
      req.on('error', reject);
      req.end(JSON.stringify({ password: 'pw', phonenum: '70001' }));
    });
    assert.ok(login.length > 10, 'signed in');
    const G = '/agentgateway/resource/agentgroup/101';
    for (let minute = 0; minute < 60; minute++) {
      clock.t += 60_000;
      const acd = (await call(sim, '/agentgateway/resource/queuedevice/101/queryacdstat', login, 'POST', { skills: [1, 2, 3] })).result as { deviceNo: number; queueSize: number; loggedOnAgents: number; availAgents: number }[];
      assert.equal(acd.length, 3);
      for (const q of acd) {
        const bySkill = await call(sim, `${G}/agentbyskill/${q.deviceNo}`, login);
        assert.equal(bySkill.retcode, '0');
        const agents = bySkill.result as { workno: string; status: string; currentstatetime: number }[];
        assert.equal(q.loggedOnAgents, agents.length, `minute ${minute}, queue ${q.deviceNo}: loggedOnAgents = agentbyskill's agents`);
        assert.equal(q.availAgents, agents.filter((a) => a.status === '4').length, `minute ${minute}, queue ${q.deviceNo}: availAgents = its idle agents`);
        assert.ok(!(q.availAgents > 0 && q.queueSize > 0), `minute ${minute}, queue ${q.deviceNo}: ${q.availAgents} free while ${q.queueSize} wait`);
        const listed = (await call(sim, `${G}/agentbylist`, login, 'GET', { agentList: agents.map((a) => a.workno).join(',') })).result as { workno: string; status: string }[];
        assert.deepEqual(listed.map((a) => [a.workno, a.status]), agents.map((a) => [a.workno, a.status]), 'agentbylist says what agentbyskill says');
        for (const a of agents.slice(0, 2)) {
          const one = (await call(sim, `${G}/agentbyworkno/${a.workno}`, login)).result as { status: number };
          assert.equal(String(one.status), a.status, `agent ${a.workno}: agentbyworkno = agentbyskill`);
        }
        const me = agents.find((a) => a.workno === '101');
        if (me) assert.equal(me.status, '3', 'the loginex account shows not ready');
      }
      for (const a of ['101', '105']) {
        const ex = (await call(sim, `/agentgateway/resource/calldata/${a}/statisticsEx`, login)).result as { talktime: number; answernums: number };
        assert.equal(ex.talktime, sim.counters(a).talktime);
        if (a === '101') assert.deepEqual([ex.talktime, ex.answernums], [0, 0], 'the loginex account took no call');
      }
    }
    const busy = ROSTER.filter((a) => sim!.counters(a).answernums > 0);
    assert.ok(busy.length >= 8, `calls were answered by ${busy.length} agents`);
  });
});

describe('simulator control: move (the demo\'s m key)', function () {
  this.timeout(20_000);
  it('moves the next agent of the center to the next real queue, or the one named; bad input is answered, not thrown', async () => {
    const { SimulatorControl } = await import('../../src/simulator/control');
    const { assignQueues } = await import('../../src/simulator/cli');
    const sim = await startSimulator({ autoCalls: { everyMs: 3000, agents: ['101', '102', '103', '104', '105'], moves: false }, seed: 4 });
    try {
      assignQueues(sim, ['101', '102', '103', '104', '105']);
      const control = new SimulatorControl(sim, ['101']);
      assert.deepEqual([1, 2, 3].map((q) => sim.center.agentsOf(q).join()), ['101,102,104', '102,105', '103']);
      const a = await control.run('move');
      assert.equal(a.ok, true, a.say);
      assert.match(a.say, /^Agent 101 moved from Billing to Sales: Billing 2, Sales 3, Technical support 1 agents\.$/);
      assert.deepEqual([1, 2].map((q) => sim.center.agentsOf(q).includes('101')), [false, true]);
      const b = await control.run('move 103 1');
      assert.match(b.say, /^Agent 103 moved from Technical support to Billing/);
      assert.equal(sim.center.agentsOf(3).length, 0);
      assert.equal((await control.run('move 103 77')).ok, false);
      assert.equal((await control.run('move x')).ok, false);
    } finally {
      await sim.stop();
    }
  });
});
