// The real client, scheduler and store against the simulator's faults over HTTPS on loopback.
import assert from 'node:assert/strict';
import { createGatewayClient } from '../../src/core/gateway/client';
import type { GatewayClient } from '../../src/core/gateway/types';
import { PollScheduler } from '../../src/core/polling/scheduler';
import { StatsStore } from '../../src/core/state/store';
import type { AgentId } from '../../src/core/validation/agentId';
import { startSimulator, type Simulator, type TlsVariant } from '../../src/simulator/simulator';
import { sleep, until } from '../support/wait';


/** The engine the extension runs, minus VS Code. */
function engine(sim: Simulator, agents: string[], opts: { intervalMs?: number; timeoutMs?: number; caPem?: string } = {}) {
  const client: GatewayClient = createGatewayClient({ origin: sim.url, caPem: opts.caPem ?? sim.caPem, timeoutMs: opts.timeoutMs ?? 2000 });
  const store = new StatsStore();
  store.setAgents(agents);
  const blocked: string[] = [];
  const scheduler = new PollScheduler({
    intervalMs: opts.intervalMs ?? 200,
    jitterRatio: 0.1,
    fetch: (id, signal) => client.statisticsEx(id as AgentId, sim.guid, signal),
    onOutcome: (id, o, at) => (o.ok ? store.applySuccess(id, o.stats, at) : store.applyFailure(id, { kind: o.error.kind, message: o.error.message }, at)),
    onAuthBlocked: (k) => blocked.push(k),
  });
  scheduler.setAgents(agents);
  return {
    store,
    scheduler,
    blocked,
    async close() {
      scheduler.dispose();
      store.dispose();
      await client.close();
    },
  };
}

describe('faults: client + scheduler + store against the simulator', function () {
  this.timeout(20_000);
  let sim: Simulator;
  let e: ReturnType<typeof engine> | undefined;
  beforeEach(async () => {
    sim = await startSimulator();
  });
  afterEach(async () => {
    await e?.close();
    e = undefined;
    await sim.stop();
  });

  it('one hanging agent never delays the others', async () => {
    sim.setFault({ kind: 'hang' }, '101');
    e = engine(sim, ['101', '102', '103'], { intervalMs: 150, timeoutMs: 3000 });
    await sleep(700);
    assert.ok((sim.stats.byAgent.get('102') ?? 0) >= 4, `102 polled ${sim.stats.byAgent.get('102')} times while 101 hangs`);
    assert.equal(sim.stats.byAgent.get('101'), 1, 'the hanging agent has exactly one request in flight');
    assert.equal(sim.stats.maxConcurrentPerAgent.get('101'), 1);
  });

  it('keeps the last good numbers, marked stale with the reason, through HTML 502s and bad bodies', async () => {
    e = engine(sim, ['101']);
    await until('first numbers', () => e!.store.get('101')?.state === 'ok');
    const good = e.store.get('101')!.stats;
    for (const fault of [{ kind: 'http', status: 502, html: true }, { kind: 'truncatedJson' }, { kind: 'negative' }, { kind: 'wrongTypes' }] as const) {
      sim.setFault(fault);
      e.scheduler.refresh();
      await until(`stale after ${fault.kind}`, () => e!.store.get('101')?.state === 'stale');
      assert.deepEqual(e.store.get('101')!.stats, good);
      assert.ok(e.store.get('101')!.error!.message.length > 0);
      sim.setFault(undefined);
      e.scheduler.refresh();
      await until(`recovered from ${fault.kind}`, () => e!.store.get('101')?.state === 'ok');
    }
  });

  it('notices the gateway coming back within one poll interval', async () => {
    e = engine(sim, ['101', '102'], { intervalMs: 300 });
    await until('ok', () => e!.store.get('101')?.state === 'ok');
    await sim.stop();
    e.scheduler.refresh();
    await until('origin down', () => e!.scheduler.snapshot().originDown);
    await sleep(500);
    await sim.restart();
    const back = Date.now();
    await until('both agents fresh again', () => e!.store.get('101')?.state === 'ok' && e!.store.get('102')?.state === 'ok', { timeoutMs: 3000 });
    const took = Date.now() - back;
    // One jittered interval (330 ms) plus room for a loaded CI machine.
    assert.ok(took <= 300 * 1.1 + 400, `noticed after ${took} ms (interval 300 ms)`);
  });

  it('a Guid that expires mid-session stops polling once; requests stop', async () => {
    e = engine(sim, ['101', '102', '103']);
    await until('ok', () => e!.store.all().every((x) => x.state === 'ok'));
    sim.expireGuid();
    e.scheduler.refresh();
    await until('auth', () => e!.store.all().every((x) => x.state === 'auth'));
    assert.deepEqual(e.blocked, ['default']);
    const n = sim.stats.requests;
    await sleep(600);
    assert.equal(sim.stats.requests, n, 'no requests after the refusal');
    assert.ok(e.store.all().every((x) => x.stats), 'numbers kept');
  });

  for (const variant of ['wrongHost', 'expired', 'unknownCa'] as TlsVariant[]) {
    it(`refuses a ${variant} certificate and never sends the Guid`, async () => {
      await sim.stop();
      sim = await startSimulator({ tls: variant });
      e = engine(sim, ['101'], { caPem: sim.caPem });
      await until('tls error', () => e!.store.get('101')?.state === 'error');
      assert.equal(e.store.get('101')!.error!.kind, 'tls');
      assert.equal(sim.stats.guidsSeen.size, 0);
    });
  }
});
