// The four failures at the edges of sessions, each against the simulator with the
// extension's own stores over an in-memory profile, on a fake clock.
import assert from 'node:assert/strict';
import type { AgentId } from '../../src/core/ids/agentId';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { Desk, INTERVAL_MS, type DeskWindow } from '../support/desk';
import { until } from '../support/wait';

const PW = 'Right@123';

describe('sessions fail safe at the edges', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let desk: Desk;
  const windows: DeskWindow[] = [];
  const open = (s = sim) => {
    const w = desk.window(s);
    windows.push(w);
    return w;
  };

  beforeEach(async () => {
    sim = await startSimulator({ auth: { mode: 2, rotateEveryMs: 3_600_000, graceMs: 0, eventHoldMs: 20, idleSignOutMs: 3_600_000, defaultPassword: PW } });
    desk = new Desk();
  });
  afterEach(async () => {
    for (const w of windows.splice(0)) await w.close();
    await sim.stop();
  });

  it('a stored password the gateway refuses is sent once, never again at later window starts', async () => {
    const first = open();
    assert.equal(await first.signIn('101', PW), true);
    await first.close();
    sim.sessions.endAll();
    sim.sessions.setPassword('101', 'Changed@456');
    for (let start = 0; start < 4; start++) {
      const w = open();
      await desk.run(INTERVAL_MS * 3);
      // Closed once its sign-in was answered (a window closed while one is on the wire cannot learn the answer).
      await until('the sign-in answered', async () => (await desk.run(10, 1), w.monitor.sessions.get('101')?.kind !== 'signing-in'));
      await w.close();
    }
    const automatic = sim.sessions.stats.signIns.slice(1);
    assert.equal(automatic.length, 1, `one automatic sign-in with the old password, then none: ${JSON.stringify(automatic.map((s) => s.retcode))}`);
    assert.equal(automatic[0].retcode, '100-004');
    assert.equal(await windows[1].sessions.password(sim.origin, '101'), undefined, 'the refused password is gone');
    assert.deepEqual(windows[4].sessions.remembered(sim.origin), [], 'the session is no longer remembered');
  });

  it('a window that follows does not store a typed password nobody verified', async () => {
    const w = open();
    assert.equal(await w.signIn('101', PW), true);
    // Typed while already signed in: nothing is sent, nothing verifies it, nothing is stored.
    assert.equal(await w.signIn('101', 'Wrong@000'), false);
    assert.equal(await w.sessions.password(sim.origin, '101'), PW);
  });

  it('a late 000-003 for a replaced session Guid does not stop polling', async () => {
    const w = open();
    assert.equal(await w.signIn('101', PW), true);
    await desk.run(INTERVAL_MS * 2);
    // The next statistics poll leaves with the session's Guid and is held on the way; meanwhile the
    // gateway restarts and the session signs in again; then the old poll reaches the gateway: 000-003.
    const release = desk.hold();
    w.monitor.refresh();
    await desk.run(10, 1, 20);
    sim.sessions.endAll();
    await until('signed in again', async () => (await desk.run(50, 2), sim.sessions.stats.signIns.length === 2 && w.monitor.sessions.get('101')?.kind === 'signed-in'), { timeoutMs: 10_000 });
    const refusedBefore = sim.stats.requests;
    release();
    await until('the held polls answered', () => sim.stats.requests > refusedBefore);
    await desk.run(10, 1, 20);
    const before = sim.stats.byAgent.get('101') ?? 0;
    await desk.run(INTERVAL_MS * 3, 12, 5);
    assert.ok((sim.stats.byAgent.get('101') ?? 0) > before, 'agent 101 is polled again');
    assert.equal(w.monitor.store.get('101')?.state, 'ok');
    assert.deepEqual(w.monitor.refusedCredentials, [], 'no pasted-Guid banner for a session Guid');
    assert.deepEqual(w.monitor.connection?.schedulerSnapshot.blocked, [], 'nothing stays stopped');
  });

  it('a session signing in again counts as present: never "No Guid", no banner for agents borrowing its Guid', async () => {
    sim = await restartWith({ signInDelayMs: 80 });
    const w = open();
    const refusals: unknown[] = [];
    w.monitor.onDidRefuseGuid((r) => refusals.push(r));
    assert.equal(await w.signIn('101', PW), true);
    await desk.run(INTERVAL_MS * 2);
    assert.equal(w.monitor.store.get('102')?.state, 'ok', '102 is served by the session of 101');
    for (let i = 0; i < 3; i++) {
      sim.sessions.endAll();
      await until('signed in again', async () => (await desk.run(50, 2), w.monitor.sessions.get('101')?.kind === 'signed-in' && (sim.sessions.isSignedIn('101'))), { timeoutMs: 10_000 });
      await desk.run(INTERVAL_MS * 2);
    }
    assert.deepEqual(w.viewStates.filter((v) => v.state === 'noGuid'), [], 'the view never said No Guid');
    assert.deepEqual(refusals, [], 'no "Guid refused" banner');
    assert.equal(w.monitor.store.get('102')?.state, 'ok');
  });

  async function restartWith(extra: object): Promise<Simulator> {
    await sim.stop();
    return startSimulator({ auth: { mode: 2, rotateEveryMs: 3_600_000, graceMs: 0, eventHoldMs: 20, idleSignOutMs: 3_600_000, defaultPassword: PW, ...extra } });
  }
});

export type { AgentId };
