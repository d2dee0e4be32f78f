// PollScheduler on a fake clock: every count below is exact, because time moves only when the test says so.
import assert from 'node:assert/strict';
import { GatewayError } from '../../src/core/model/errors';
import type { AgentStatistics } from '../../src/core/model/statistics';
import { PollScheduler, type PollOutcome } from '../../src/core/polling/scheduler';
import { setUnexpectedErrorHandler } from '../../src/core/util/unexpectedError';
import { FakeClock, settle } from '../support/fakeClock';

const STATS: AgentStatistics = { talktime: 1, answernums: 1, calloutnums: 0 };

/** A scripted gateway on the fake clock: records calls and answers per agent as the test says. */
class FakeGateway {
  calls: string[] = [];
  inFlight = new Map<string, number>();
  maxInFlightPerAgent = 0;
  maxInFlight = 0;
  delayMs = 0;
  answer: (agentId: string) => AgentStatistics | GatewayError | Error = () => STATS;
  aborted = 0;
  constructor(private readonly clock: FakeClock) {}
  fetch = async (agentId: string, signal: AbortSignal): Promise<AgentStatistics> => {
    this.calls.push(agentId);
    const n = (this.inFlight.get(agentId) ?? 0) + 1;
    this.inFlight.set(agentId, n);
    this.maxInFlightPerAgent = Math.max(this.maxInFlightPerAgent, n);
    this.maxInFlight = Math.max(this.maxInFlight, [...this.inFlight.values()].reduce((a, b) => a + b, 0));
    try {
      if (this.delayMs) {
        await this.clock.delay(this.delayMs, signal).catch(() => {
          this.aborted++;
          throw new GatewayError('cancelled', 'cancelled');
        });
      }
      const a = this.answer(agentId);
      if (a instanceof Error) throw a;
      return a;
    } finally {
      this.inFlight.set(agentId, (this.inFlight.get(agentId) ?? 1) - 1);
    }
  };
  count(agentId: string): number {
    return this.calls.filter((c) => c === agentId).length;
  }
}

describe('PollScheduler (fake clock)', () => {
  let clock: FakeClock;
  let gw: FakeGateway;
  let disposables: { dispose(): void }[] = [];
  beforeEach(() => {
    clock = new FakeClock();
    gw = new FakeGateway(clock);
  });
  afterEach(() => {
    for (const d of disposables) d.dispose();
    disposables = [];
  });

  function make(opts: Partial<ConstructorParameters<typeof PollScheduler>[0]> = {}) {
    const outcomes: [string, PollOutcome][] = [];
    const blocked: string[] = [];
    const s = new PollScheduler({
      fetch: gw.fetch,
      onOutcome: (id, o) => outcomes.push([id, o]),
      onAuthBlocked: (k) => blocked.push(k),
      intervalMs: 100,
      jitterRatio: 0,
      clock,
      ...opts,
    });
    disposables.push(s);
    return { s, outcomes, blocked };
  }

  it('polls each agent once per interval with one chained timer', async () => {
    const { s } = make();
    s.setAgents(['101', '102', '103']);
    await clock.advance(0);
    assert.deepEqual(gw.calls, ['101', '102', '103'], 'new agents are due at once');
    await clock.advance(350);
    for (const id of ['101', '102', '103']) assert.equal(gw.count(id), 4, `agent ${id}: t=0,100,200,300`);
    assert.equal(clock.pending, 1, 'one timer, never one per agent');
  });

  it('never has two requests in flight for one agent, and bounds concurrency', async () => {
    gw.delayMs = 150; // slower than the interval
    const { s } = make({ concurrency: 3, intervalMs: 20 });
    s.setAgents(['101', '102', '103', '104', '105', '106', '107', '108']);
    s.refresh();
    void s.fetchNow('101').catch(() => undefined);
    await clock.advance(1000);
    assert.equal(gw.maxInFlightPerAgent, 1);
    assert.equal(gw.maxInFlight, 3, 'the bound is reached and never passed');
    for (let i = 101; i <= 108; i++) assert.ok(gw.count(String(i)) >= 1, `agent ${i} got its turn`);
  });

  it('a query for an agent already in flight joins that request', async () => {
    gw.delayMs = 80;
    const { s } = make({ intervalMs: 10_000 });
    s.setAgents(['101']);
    await settle();
    const both = Promise.all([s.fetchNow('101'), s.fetchNow('101')]);
    await clock.advance(80);
    const [a, b] = await both;
    assert.equal(gw.count('101'), 1);
    assert.deepEqual(a, STATS);
    assert.equal(a, b);
  });

  it('backs off exponentially on transient failures and the first success resets it', async () => {
    let fail = true;
    gw.answer = () => (fail ? new GatewayError('transient', '100-007', { retcode: '100-007' }) : STATS);
    const { s } = make({ intervalMs: 40, maxBackoffMs: 10_000 });
    s.setAgents(['101']);
    await clock.advance(0);
    assert.equal(s.snapshot().nextDueInMs['101'], 80, 'after 1 failure: 2 × interval');
    await clock.advance(80);
    assert.equal(gw.count('101'), 2);
    assert.equal(s.snapshot().nextDueInMs['101'], 160, 'after 2 failures: 4 × interval');
    fail = false;
    s.refresh('101');
    await clock.advance(0);
    assert.equal(gw.count('101'), 3, 'refresh skips the back-off wait');
    assert.equal(s.snapshot().nextDueInMs['101'], 40, 'after a success: the interval');
  });

  it('caps the back-off and keeps retrying at the cap', async () => {
    gw.answer = () => new GatewayError('transient', 'x');
    const { s } = make({ intervalMs: 10, maxBackoffMs: 50 });
    s.setAgents(['101']);
    await clock.advance(0);
    await clock.advance(20 + 40); // failures 1 and 2 wait 20 and 40
    assert.equal(gw.count('101'), 3);
    assert.equal(s.snapshot().nextDueInMs['101'], 50, 'the third wait would be 80: capped');
    await clock.advance(250);
    assert.equal(gw.count('101'), 8, 'one retry per 50 ms at the cap');
  });

  it('000-007 slows polling down for everyone, and it recovers', async () => {
    let throttle = true;
    gw.answer = (id) => (throttle && id === '101' ? new GatewayError('transient', '000-007', { retcode: '000-007', slowDown: true }) : STATS);
    const { s } = make({ intervalMs: 50 });
    s.setAgents(['101', '102']);
    await clock.advance(0);
    throttle = false;
    assert.equal(s.snapshot().slowDownFactor, 2);
    await clock.advance(300);
    // 102 answered at t=0, then every 100 ms (2 × 50) instead of every 50.
    assert.equal(gw.count('102'), 4, 'at t=0,100,200,300');
    await clock.advance(2000);
    assert.equal(s.snapshot().slowDownFactor, 1, 'the slow-down wears off after calm intervals');
  });

  it('stops a credential on auth failure, reports it once, and resumes on unblock', async () => {
    let refused = true;
    gw.answer = () => (refused ? new GatewayError('auth', '000-003', { retcode: '000-003' }) : STATS);
    const { s, blocked, outcomes } = make({ intervalMs: 20 });
    s.setAgents(['101', '102', '103']);
    await clock.advance(200);
    assert.deepEqual(blocked, ['default'], 'reported once for the shared credential');
    assert.equal(gw.calls.length, 3, 'one request per agent, then the stop');
    await clock.advance(1000);
    assert.equal(gw.calls.length, 3, 'no requests while blocked');
    assert.equal(clock.pending, 0, 'no timer armed for blocked agents');
    refused = false;
    s.unblock('default');
    await clock.advance(0);
    assert.equal(gw.calls.length, 6, 'every agent of the credential is due at once');
    assert.equal(outcomes.filter(([, o]) => o.ok).length, 3);
  });

  it('while the gateway is unreachable it sends one probe per interval and catches up when it returns', async () => {
    let down = true;
    gw.answer = () => (down ? new GatewayError('network', 'ECONNREFUSED', { code: 'ECONNREFUSED' }) : STATS);
    const { s } = make({ intervalMs: 50, concurrency: 10 });
    const ids = Array.from({ length: 10 }, (_, i) => String(101 + i));
    s.setAgents(ids);
    await clock.advance(0);
    assert.equal(gw.calls.length, 10, 'the first wave went out before the outage was known');
    await clock.advance(250);
    assert.equal(gw.calls.length - 10, 5, 'one probe per 50 ms');
    down = false;
    const before = gw.calls.length;
    await clock.advance(50);
    assert.equal(gw.calls.length - before, 10, 'the probe succeeds and every agent is polled again at once');
    assert.equal(s.snapshot().originDown, false);
  });

  it('while the gateway is down, refreshes move the probe forward but every agent gets its turn', async () => {
    gw.answer = () => new GatewayError('tls', 'certificate changed', { code: 'CERT' });
    const { s } = make({ intervalMs: 5_000, concurrency: 10 });
    s.setAgents(['101', '102', '103']);
    await clock.advance(0);
    gw.calls.length = 0;
    for (let i = 0; i < 6; i++) {
      s.refresh();
      await clock.advance(100);
    }
    const probed = new Set(gw.calls);
    assert.equal(gw.calls.length, 6, 'one probe per refresh while down');
    assert.deepEqual([...probed].sort(), ['101', '102', '103'], 'each agent probed in turn, not the first one every time');
  });

  it('sends nothing while inactive or paused and catches up at once when active', async () => {
    const { s } = make({ intervalMs: 50 });
    s.setActive(false);
    s.setAgents(['101', '102']);
    await clock.advance(200);
    assert.equal(gw.calls.length, 0);
    assert.equal(s.snapshot().timerArmed, false);
    s.setActive(true);
    await clock.advance(0);
    assert.equal(gw.calls.length, 2, 'caught up at once on focus');
    s.pause();
    await clock.advance(500);
    assert.equal(gw.calls.length, 2);
    assert.equal(clock.pending, 0);
    s.resume();
    await clock.advance(0);
    assert.equal(gw.calls.length, 4, 'overdue agents polled on resume');
  });

  it('refresh polls every agent (or one) at once, without waiting for the interval', async () => {
    const { s } = make({ intervalMs: 60_000 });
    s.setAgents(['101', '102']);
    await clock.advance(1000);
    assert.deepEqual(gw.calls, ['101', '102']);
    s.refresh('102');
    await clock.advance(0);
    assert.deepEqual(gw.calls, ['101', '102', '102'], 'only the agent asked for');
    s.refresh();
    await clock.advance(0);
    assert.equal(gw.calls.length, 5, 'all agents, at the same instant');
    assert.equal(s.snapshot().nextDueInMs['101'], 60_000, 'and the next poll is a full interval later');
  });

  it('removed agents are cancelled; dispose aborts what is in flight and leaves no timer', async () => {
    gw.delayMs = 200;
    const { s } = make({ intervalMs: 60_000 });
    s.setAgents(['101', '102']);
    await settle();
    s.setAgents(['101']);
    await settle();
    assert.equal(gw.aborted, 1, 'the removed agent’s request was aborted');
    await clock.advance(200);
    assert.equal(clock.pending, 1, 'the next poll of 101 is armed');
    s.refresh();
    await settle();
    s.dispose();
    await settle();
    assert.equal(gw.aborted, 2, 'dispose aborts what is in flight');
    assert.equal(clock.pending, 0, 'no timer left');
    await clock.advance(120_000);
    assert.equal(gw.calls.length, 3, 'nothing after dispose');
  });

  it('adds jitter within the configured share', async () => {
    const values = [0, 1];
    let i = 0;
    const { s } = make({ intervalMs: 1000, jitterRatio: 0.2, random: () => values[i++ % 2] });
    s.setAgents(['101', '102']);
    await clock.advance(0);
    const due = Object.values(s.snapshot().nextDueInMs).sort((a, b) => a - b);
    assert.deepEqual(due, [800, 1200]);
  });

  it('a failure that is not the gateway’s keeps its cause and is reported with it', async () => {
    const reported: [unknown, string][] = [];
    setUnexpectedErrorHandler((e, where) => reported.push([e, where]));
    try {
      const bug = new TypeError('keyring exploded');
      gw.answer = () => bug;
      const { s, outcomes } = make();
      s.setAgents(['101']);
      await clock.advance(0);
      const [, outcome] = outcomes[0];
      assert.equal(outcome.ok, false);
      assert.equal(!outcome.ok && outcome.error.cause, bug, 'the original error is the cause');
      assert.match(!outcome.ok ? outcome.error.message : '', /see the "CC-Gateway" log/);
      assert.deepEqual(reported, [[bug, 'polling agent 101']], 'and the log gets it, with its stack');
    } finally {
      setUnexpectedErrorHandler(undefined);
    }
  });

  it('a listener that throws is reported, not swallowed, and polling goes on', async () => {
    const reported: unknown[] = [];
    setUnexpectedErrorHandler((e) => reported.push(e));
    try {
      const boom = new Error('UI bug');
      const s = new PollScheduler({ fetch: gw.fetch, onOutcome: () => { throw boom; }, intervalMs: 100, jitterRatio: 0, clock });
      disposables.push(s);
      s.setAgents(['101']);
      await clock.advance(200);
      assert.equal(gw.count('101'), 3);
      assert.deepEqual(reported, [boom, boom, boom]);
    } finally {
      setUnexpectedErrorHandler(undefined);
    }
  });
});
