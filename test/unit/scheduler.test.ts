import assert from 'node:assert/strict';
import { GatewayError } from '../../src/core/gateway/errors';
import type { AgentStatistics } from '../../src/core/gateway/types';
import { PollScheduler, type PollOutcome } from '../../src/core/polling/scheduler';
import { sleep, until } from '../support/wait';

const STATS: AgentStatistics = { talktime: 1, answernums: 1, calloutnums: 0 };

/** A scripted gateway: records calls and answers per agent as the test says. */
class FakeGateway {
  calls: string[] = [];
  inFlight = new Map<string, number>();
  maxInFlightPerAgent = 0;
  maxInFlight = 0;
  delayMs = 0;
  answer: (agentId: string) => AgentStatistics | GatewayError = () => STATS;
  aborted = 0;
  fetch = async (agentId: string, signal: AbortSignal): Promise<AgentStatistics> => {
    this.calls.push(agentId);
    const n = (this.inFlight.get(agentId) ?? 0) + 1;
    this.inFlight.set(agentId, n);
    this.maxInFlightPerAgent = Math.max(this.maxInFlightPerAgent, n);
    this.maxInFlight = Math.max(this.maxInFlight, [...this.inFlight.values()].reduce((a, b) => a + b, 0));
    try {
      if (this.delayMs) {
        await new Promise<void>((resolve, reject) => {
          const t = setTimeout(resolve, this.delayMs);
          signal.addEventListener('abort', () => {
            clearTimeout(t);
            this.aborted++;
            reject(new GatewayError('cancelled', 'cancelled'));
          });
        });
      }
      const a = this.answer(agentId);
      if (a instanceof GatewayError) throw a;
      return a;
    } finally {
      this.inFlight.set(agentId, (this.inFlight.get(agentId) ?? 1) - 1);
    }
  };
  count(agentId: string): number {
    return this.calls.filter((c) => c === agentId).length;
  }
}

function make(gw: FakeGateway, opts: Partial<ConstructorParameters<typeof PollScheduler>[0]> = {}) {
  const outcomes: [string, PollOutcome][] = [];
  const blocked: string[] = [];
  const s = new PollScheduler({
    fetch: gw.fetch,
    onOutcome: (id, o) => outcomes.push([id, o]),
    onAuthBlocked: (k) => blocked.push(k),
    intervalMs: 100,
    jitterRatio: 0,
    ...opts,
  });
  return { s, outcomes, blocked };
}

describe('PollScheduler', () => {
  let dispose: (() => void)[] = [];
  afterEach(() => {
    for (const d of dispose) d();
    dispose = [];
  });
  const track = <T extends { dispose(): void }>(x: T) => (dispose.push(() => x.dispose()), x);

  it('polls each agent once per interval with a chained timer', async () => {
    const gw = new FakeGateway();
    const { s } = make(gw);
    track(s);
    s.setAgents(['101', '102', '103']);
    await sleep(350);
    for (const id of ['101', '102', '103']) {
      const n = gw.count(id);
      assert.ok(n >= 3 && n <= 5, `agent ${id} polled ${n} times in 350 ms at 100 ms`);
    }
  });

  it('never has two requests in flight for one agent, and bounds concurrency', async () => {
    const gw = new FakeGateway();
    gw.delayMs = 150; // slower than the interval
    const { s } = make(gw, { concurrency: 3, intervalMs: 20 });
    track(s);
    s.setAgents(['101', '102', '103', '104', '105', '106', '107', '108']);
    s.refresh();
    void s.fetchNow('101').catch(() => undefined);
    await sleep(500);
    assert.equal(gw.maxInFlightPerAgent, 1);
    assert.ok(gw.maxInFlight <= 3, `max in flight ${gw.maxInFlight}`);
    assert.ok(gw.calls.length >= 8, 'every agent got its turn');
  });

  it('a query for an agent already in flight joins that request', async () => {
    const gw = new FakeGateway();
    gw.delayMs = 80;
    const { s } = make(gw, { intervalMs: 10_000 });
    track(s);
    s.setAgents(['101']);
    await sleep(10);
    const [a, b] = await Promise.all([s.fetchNow('101'), s.fetchNow('101')]);
    assert.equal(gw.count('101'), 1);
    assert.deepEqual(a, STATS);
    assert.equal(a, b);
  });

  it('backs off exponentially on transient failures and the first success resets it', async () => {
    const gw = new FakeGateway();
    let fail = true;
    gw.answer = () => (fail ? new GatewayError('transient', '100-007', { retcode: '100-007' }) : STATS);
    const { s } = make(gw, { intervalMs: 40, maxBackoffMs: 10_000 });
    track(s);
    s.setAgents(['101']);
    await sleep(10);
    // Bounds leave room for a loaded machine: the wait is read some ms after it was set.
    const first = s.snapshot().nextDueInMs['101'];
    assert.ok(first > 40 && first <= 80, `after 1 failure wait ${first} ≈ 2×interval`);
    await until('the second request', () => gw.count('101') === 2, { timeoutMs: 2000, everyMs: 2 });
    const second = s.snapshot().nextDueInMs['101'];
    assert.ok(second > 110 && second <= 160, `after 2 failures wait ${second} ≈ 4×interval`);
    fail = false;
    s.refresh('101');
    await until('the third request', () => gw.count('101') === 3, { timeoutMs: 2000, everyMs: 2 });
    const after = s.snapshot().nextDueInMs['101'];
    assert.ok(after > 0 && after <= 40, `after success wait ${after} = interval`);
  });

  it('caps the back-off', async () => {
    const gw = new FakeGateway();
    gw.answer = () => new GatewayError('transient', 'x');
    const { s } = make(gw, { intervalMs: 10, maxBackoffMs: 50 });
    track(s);
    s.setAgents(['101']);
    await sleep(400);
    assert.ok(s.snapshot().nextDueInMs['101'] <= 50);
    assert.ok(gw.count('101') >= 5, `kept retrying at the cap (${gw.count('101')})`);
  });

  it('000-007 slows polling down for everyone', async () => {
    const gw = new FakeGateway();
    let throttle = true;
    gw.answer = (id) => (throttle && id === '101' ? new GatewayError('transient', '000-007', { retcode: '000-007', slowDown: true }) : STATS);
    const { s } = make(gw, { intervalMs: 50 });
    track(s);
    s.setAgents(['101', '102']);
    await sleep(20);
    throttle = false;
    assert.equal(s.snapshot().slowDownFactor, 2);
    await sleep(300);
    // 102 would be polled ~6 times at 50 ms; slowed to 100 ms it is ~3-4.
    assert.ok(gw.count('102') <= 5, `102 polled ${gw.count('102')} times`);
  });

  it('stops a credential on auth failure, reports it once, and resumes on unblock', async () => {
    const gw = new FakeGateway();
    let refused = true;
    gw.answer = () => (refused ? new GatewayError('auth', '000-003', { retcode: '000-003' }) : STATS);
    const { s, blocked, outcomes } = make(gw, { intervalMs: 20 });
    track(s);
    s.setAgents(['101', '102', '103']);
    await sleep(200);
    assert.deepEqual(blocked, ['default']);
    const calls = gw.calls.length;
    assert.ok(calls <= 3, `at most one request per agent before the stop (${calls})`);
    await sleep(100);
    assert.equal(gw.calls.length, calls, 'no requests while blocked');
    refused = false;
    s.unblock('default');
    await sleep(30);
    assert.ok(gw.calls.length >= calls + 3);
    assert.ok(outcomes.some(([, o]) => o.ok));
  });

  it('while the gateway is unreachable it sends one probe per interval and catches up when it returns', async () => {
    const gw = new FakeGateway();
    let down = true;
    gw.answer = () => (down ? new GatewayError('network', 'ECONNREFUSED', { code: 'ECONNREFUSED' }) : STATS);
    const { s } = make(gw, { intervalMs: 50, concurrency: 10 });
    track(s);
    const ids = Array.from({ length: 10 }, (_, i) => String(101 + i));
    s.setAgents(ids);
    await sleep(20);
    const afterFirstWave = gw.calls.length;
    assert.equal(afterFirstWave, 10, 'the first wave went out before the outage was known');
    await sleep(260);
    const probes = gw.calls.length - afterFirstWave;
    assert.ok(probes >= 4 && probes <= 6, `${probes} probes in 260 ms at 50 ms`);
    down = false;
    const before = gw.calls.length;
    await sleep(80); // within one interval (+ margin) of the return
    assert.ok(gw.calls.length - before >= 10, `all agents polled again after the return (${gw.calls.length - before})`);
    assert.equal(s.snapshot().originDown, false);
  });

  it('sends nothing while inactive or paused and catches up at once when active', async () => {
    const gw = new FakeGateway();
    const { s } = make(gw, { intervalMs: 50 });
    track(s);
    s.setActive(false);
    s.setAgents(['101', '102']);
    await sleep(200);
    assert.equal(gw.calls.length, 0);
    assert.equal(s.snapshot().timerArmed, false);
    s.setActive(true);
    await sleep(5);
    assert.equal(gw.calls.length, 2, 'caught up immediately on focus');
    s.pause();
    const n = gw.calls.length;
    await sleep(150);
    assert.equal(gw.calls.length, n);
    s.resume();
    await sleep(5);
    assert.ok(gw.calls.length > n);
  });

  it('refresh polls at once; removed agents are cancelled; dispose leaves no timer', async () => {
    const gw = new FakeGateway();
    gw.delayMs = 200;
    const { s } = make(gw, { intervalMs: 60_000 });
    s.setAgents(['101', '102']);
    await sleep(5);
    s.setAgents(['101']);
    await sleep(5);
    assert.equal(gw.aborted, 1, 'removed agent request aborted');
    const timersBefore = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    s.dispose();
    await sleep(5);
    assert.equal(gw.aborted, 2, 'dispose aborts what is in flight');
    const timersAfter = process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    assert.ok(timersAfter < timersBefore, `timers ${timersBefore} -> ${timersAfter}`);
    assert.equal(s.snapshot().timerArmed, false);
  });

  it('adds jitter within the configured share', async () => {
    const gw = new FakeGateway();
    const values = [0, 1];
    let i = 0;
    const { s } = make(gw, { intervalMs: 1000, jitterRatio: 0.2, random: () => values[i++ % 2] });
    track(s);
    s.setAgents(['101', '102']);
    await sleep(10);
    const due = Object.values(s.snapshot().nextDueInMs).sort((a, b) => a - b);
    assert.ok(due[0] >= 780 && due[0] <= 800, `low jitter ${due[0]}`);
    assert.ok(due[1] >= 1180 && due[1] <= 1200, `high jitter ${due[1]}`);
  });
});
