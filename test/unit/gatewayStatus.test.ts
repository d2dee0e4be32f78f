// The gateway's one status model (src/core/monitor/gatewayStatus.ts) with its connection,
// against the simulator on a fake clock: what every view renders during an outage, after a
// restart that lost every session, when one agent's reads are refused, and when numbers age.
import assert from 'node:assert/strict';
import type { AgentCondition } from '../../src/core/monitor/agentCondition';
import { DEFAULT_SESSION_TIMING, EVENT_RETRY_CAP_MS } from '../../src/core/sessions/agentSession';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { Desk, INTERVAL_MS, type DeskWindow } from '../support/desk';
import { until } from '../support/wait';

const PW = 'Right@123';
const conditions = (w: DeskWindow): Record<string, AgentCondition> => Object.fromEntries(['101', '102'].map((id) => [id, w.monitor.status.agent(id)]));
const requestsFor = (sim: Simulator, id: string) => sim.stats.byAgent.get(id) ?? 0;

describe('one status model per gateway', function () {
  this.timeout(60_000);
  let sim: Simulator;
  let desk: Desk;
  let w: DeskWindow;

  beforeEach(async () => {
    sim = await startSimulator({ auth: { mode: 2, rotateEveryMs: 3_600_000, graceMs: 0, eventHoldMs: 20, idleSignOutMs: 3_600_000, defaultPassword: PW } });
    desk = new Desk();
    // The extension's own session timing: the event poll's back-off is the real one.
    desk.sessionTiming = { ...DEFAULT_SESSION_TIMING, eventHoldMs: 20 };
    w = desk.window(sim);
    assert.equal(await w.signIn('101', PW), true);
    await until('both agents current', async () => (await desk.run(INTERVAL_MS, 2), Object.values(conditions(w)).every((c) => c.kind === 'current')), { timeoutMs: 10_000 });
  });
  afterEach(async () => {
    await w.close();
    await sim.stop();
  });

  it('a failed event poll makes the gateway unreachable at once: every agent says so, nobody is asked to act, and all are current again once it answers', async () => {
    // Only the session's event poll fails (statistics still answer for a moment): the model hears it.
    await sim.stop();
    await until('unreachable', async () => (await desk.run(20, 1), w.monitor.status.reach.kind === 'unreachable'), { timeoutMs: 10_000 });
    for (const [id, c] of Object.entries(conditions(w))) {
      assert.equal(c.kind, 'not-current', `agent ${id}: ${JSON.stringify(c)}`);
      assert.equal(c.cause, 'unreachable', `agent ${id}`);
      assert.equal(c.act, undefined, `agent ${id}: nobody must act during an outage`);
      // The failure's code for the tooltip's Details line, though this agent's own last read may have worked.
      assert.match(c.code ?? '', /^E[A-Z_]+$|^UND_ERR/, `agent ${id}: ${JSON.stringify(c)}`);
    }
    assert.equal(w.monitor.status.group(['101', '102']).notCurrent, 2);
    await desk.run(INTERVAL_MS * 10);
    for (const c of Object.values(conditions(w))) assert.equal(c.act, undefined);
    await sim.resume();
    const back = desk.clock.now();
    await until('current again', async () => (await desk.run(50, 1), Object.values(conditions(w)).every((c) => c.kind === 'current')), { timeoutMs: 15_000 });
    assert.ok(desk.clock.now() - back <= INTERVAL_MS + 10_000, `current ${desk.clock.now() - back} ms after the gateway returned`);
    assert.equal(w.monitor.status.reach.kind, 'answering');
  });

  it('a list read as a whole (a queue\'s agents) follows the model: read a moment ago it is still not current while the gateway does not answer, and says why when its own read failed or it grew old', async () => {
    const status = w.monitor.status;
    assert.equal(status.list(undefined).kind, 'loading');
    assert.equal(status.list(desk.clock.now()).kind, 'current');
    const justRead = desk.clock.now();
    await sim.stop();
    await until('unreachable', async () => (await desk.run(20, 1), status.reach.kind === 'unreachable'), { timeoutMs: 10_000 });
    const out = status.list(justRead);
    assert.equal(out.kind, 'not-current', JSON.stringify(out));
    assert.equal(out.cause, 'unreachable', JSON.stringify(out));
    assert.equal(out.act, undefined, 'nobody must act during an outage');
    assert.equal(out.asOf, justRead);
    // The model's cause beats the list's own failure: the gateway is what does not answer.
    assert.equal(status.list(justRead, 'agentbyskill failed (ECONNREFUSED)').cause, 'unreachable');
    await sim.resume();
    await until('answering', async () => (await desk.run(50, 1), status.reach.kind === 'answering'), { timeoutMs: 15_000 });
    const failed = status.list(desk.clock.now(), 'internal error (100-007)');
    assert.equal(failed.cause, 'retrying', JSON.stringify(failed));
    assert.equal(failed.message, 'internal error (100-007)');
    const old = status.list(desk.clock.now() - INTERVAL_MS - 60_000);
    assert.equal(old.cause, 'late', JSON.stringify(old));
  });

  it('after an outage and a restart that lost every session, rows say the session signs in again (never "set a new Guid") and are current within one interval plus 10 s', async () => {
    const seen: AgentCondition[] = [];
    const off = w.monitor.status.onDidChange(() => seen.push(...Object.values(conditions(w))));
    await sim.stop();
    await desk.run(30_000, 60);
    await sim.resume({ forgetSessions: true });
    const restarted = desk.clock.now();
    await until('current again', async () => {
      await desk.run(25, 1);
      const now = Object.values(conditions(w));
      seen.push(...now);
      return sim.sessions.stats.signIns.length >= 2 && now.every((c) => c.kind === 'current');
    }, { timeoutMs: 20_000 });
    off.dispose();
    assert.ok(desk.clock.now() - restarted <= INTERVAL_MS + 10_000, `current again ${desk.clock.now() - restarted} ms after the restart`);
    assert.ok(seen.some((c) => c.cause === 'renewing'), `the rows said the session was signing in again: ${[...new Set(seen.map((c) => c.cause))].join(', ')}`);
    const acts = seen.filter((c) => c.act !== undefined || c.cause === 'guid-refused' || c.cause === 'no-guid');
    assert.deepEqual(acts, [], 'no call to act while the extension signs in again by itself');
    assert.deepEqual(w.monitor.refusedCredentials, [], 'no pasted-Guid banner');
  });

  it('a refusal of one agent read with another agent\'s session stops that agent only, and says so', async () => {
    // The gateway refuses 102's reads with 101's session (another VCC, no permission); 101's own still work.
    sim.setFault({ kind: 'retcode', retcode: '000-003', message: 'not allowed' }, '102');
    const before = requestsFor(sim, '101');
    const before102 = requestsFor(sim, '102');
    await desk.run(INTERVAL_MS * 10, 40);
    assert.ok(requestsFor(sim, '101') - before >= 8, `agent 101 asked ${requestsFor(sim, '101') - before} times in 10 intervals`);
    assert.ok(requestsFor(sim, '102') - before102 <= 3, `agent 102 asked ${requestsFor(sim, '102') - before102} times after its refusal`);
    const c = conditions(w);
    assert.equal(c['101'].kind, 'current', JSON.stringify(c['101']));
    assert.equal(c['102'].cause, 'read-refused', JSON.stringify(c['102']));
    assert.equal(c['102'].session, '101');
    assert.equal(c['102'].act, 'signIn');
    assert.deepEqual(w.monitor.refusedCredentials, [], 'no pasted Guid was refused');
    // A Guid of its own (here: its own session) lifts it.
    sim.setFault(undefined, '102');
    assert.equal(await w.signIn('102', PW), true);
    await until('102 current', async () => (await desk.run(INTERVAL_MS, 2), w.monitor.status.agent('102').kind === 'current'), { timeoutMs: 10_000 });
  });

  it('numbers older than one interval plus the timeout say why: paused, or no window shows them', async () => {
    w.monitor.pause();
    await desk.run(INTERVAL_MS + 2_000 + 50, 4);
    assert.equal(w.monitor.status.agent('101').cause, 'paused');
    w.monitor.resume();
    await until('current', async () => (await desk.run(50, 1), w.monitor.status.agent('101').kind === 'current'));
    w.monitor.setActive(false);
    let fired = 0;
    const off = w.monitor.status.onDidChange(() => fired++);
    await desk.run(INTERVAL_MS + 2_000 + 50, 4);
    off.dispose();
    const c = w.monitor.status.agent('101');
    assert.equal(c.cause, 'background', JSON.stringify(c));
    assert.equal(c.act, undefined);
    assert.ok(fired >= 1, 'the model told the views when the numbers grew old');
  });
});

describe('the event poll after an outage', function () {
  this.timeout(60_000);
  it('notices a returned gateway within 10 s however long the outage was', async () => {
    const sim = await startSimulator({ auth: { mode: 2, rotateEveryMs: 3_600_000, graceMs: 0, eventHoldMs: 20, idleSignOutMs: 3_600_000, defaultPassword: PW } });
    const desk = new Desk();
    // The extension's own timing, not the desk's short one.
    desk.sessionTiming = { ...DEFAULT_SESSION_TIMING, eventHoldMs: 20 };
    const w = desk.window(sim);
    try {
      assert.equal(await w.signIn('101', PW), true);
      await desk.run(1_000, 4);
      await sim.stop();
      // Over a minute and a half of outage: without its cap the back-off would have grown to a minute.
      await desk.run(95_000, 190);
      const polls = desk.sent.filter((s) => s.kind === 'event').length;
      await sim.resume();
      const back = desk.clock.now();
      await until('an event poll answered', async () => (await desk.run(250, 1), desk.sent.filter((s) => s.kind === 'event').length > polls + 1 && w.monitor.status.reach.kind === 'answering'), { timeoutMs: 20_000 });
      assert.ok(desk.clock.now() - back <= 10_000, `noticed ${desk.clock.now() - back} ms after the gateway returned (cap ${EVENT_RETRY_CAP_MS} ms)`);
    } finally {
      await w.close();
      await sim.stop();
    }
  });
});
