// Agent state per row (agentbyworkno): the code mapping, parsing, and the request budget
// of the real connection against the simulator, on a fake clock.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { connectionSettings } from '../../src/core/wire/connectionSettings';
import type { CredentialSource } from '../../src/core/credentials/credentialRegistry';
import type { ConnectionDeps } from '../../src/core/monitor/connectionDeps';
import { GatewayMonitor, type MonitorSettings } from '../../src/core/monitor/gatewayMonitor';
import { parseAgentInfo } from '../../src/core/wire/agentInfo';
import { createGatewayClient } from '../../src/core/wire/client';
import type { GatewayClient } from '../../src/core/wire/types';
import { presenceOf, type Presence } from '../../src/core/supervisor/agentState';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { FakeClock } from '../support/fakeClock';
import { until } from '../support/wait';

describe('agent state (agentbyworkno)', () => {
  describe('mapping of the documented codes', () => {
    it('maps every gateway state code 0–9', () => {
      const expected: Record<number, Presence> = { 0: 'unknown', 1: 'idle', 2: 'signedOut', 3: 'busy', 4: 'idle', 5: 'wrapUp', 6: 'idle', 7: 'talking', 8: 'rest', 9: 'rest' };
      for (const [code, presence] of Object.entries(expected)) assert.equal(presenceOf(Number(code)), presence, `status ${code}`);
    });

    it('maps every platform code 0–10 when the gateway state says nothing', () => {
      const expected: Record<number, Presence> = { 0: 'signedOut', 1: 'idle', 2: 'busy', 3: 'busy', 4: 'talking', 5: 'talking', 6: 'wrapUp', 7: 'busy', 8: 'rest', 9: 'rest', 10: 'busy' };
      for (const [code, presence] of Object.entries(expected)) {
        assert.equal(presenceOf(undefined, Number(code)), presence, `ctiStatus ${code}`);
        assert.equal(presenceOf(0, Number(code)), presence, `status 0, ctiStatus ${code}`);
      }
    });

    it('the gateway state wins over the platform code; unknown codes and types are "unknown"', () => {
      assert.equal(presenceOf(7, 1), 'talking');
      assert.equal(presenceOf('5'), 'wrapUp');
      for (const v of [11, -1, 3.5, '7a', null, {}, true]) assert.equal(presenceOf(v, v), 'unknown', JSON.stringify(v));
    });
  });

  describe('parsing the answer', () => {
    const answer = (body: unknown) => ({ status: 200, contentType: 'application/json', body: JSON.stringify(body) });
    it('reads workno, name, status and ctiStatus; control characters in the name are made visible', () => {
      const info = parseAgentInfo(answer({ retcode: '0', message: '', result: { workno: '101', name: 'Li Lei\u0007', status: 7, ctiStatus: 5, skilllist: [] } }), '101');
      assert.deepEqual(info, { workno: '101', presence: 'talking', status: 7, ctiStatus: 5, name: 'Li Lei?' });
    });
    it('refuses an answer with neither code, and passes failure retcodes through as gateway errors', () => {
      assert.throws(() => parseAgentInfo(answer({ retcode: '0', result: { workno: '101' } }), '101'), /neither "status" nor "ctiStatus"/);
      assert.throws(() => parseAgentInfo(answer({ retcode: '100-006', message: 'x' }), '101'), (e: Error & { kind?: string }) => e.kind === 'agent-offline');
    });
  });

  describe('request budget, against the simulator on a fake clock', function () {
    this.timeout(30_000);
    let sim: Simulator;
    let clock: FakeClock;
    let monitor: GatewayMonitor | undefined;
    const clients: GatewayClient[] = [];
    const warnings: string[] = [];
    const AGENTS = ['101', '102', '103'];
    const INTERVAL = 1000;

    before(async () => {
      sim = await startSimulator();
    });
    after(() => sim.stop());
    beforeEach(() => {
      clock = new FakeClock();
      sim.resetStats();
      sim.agentStates.interfaceEnabled = true;
      // These tests are about one agent at a time (agentbyworkno): the gateway refuses batches.
      sim.agentStates.listEnabled = false;
      for (const a of AGENTS) sim.agentStates.set(a, undefined);
      warnings.length = 0;
    });
    afterEach(async () => {
      monitor?.dispose();
      monitor = undefined;
      await Promise.all(clients.splice(0).map((c) => c.close()));
      sim.signIn('103');
    });

    const credentials: CredentialSource = { guid: () => Promise.resolve(sim.guid), hasAny: () => Promise.resolve(true) };
    const deps = (): ConnectionDeps => ({
      credentials,
      loadClientFactory: () => (o) => {
        const c = createGatewayClient(o);
        clients.push(c);
        return c;
      },
      readTextFile: (p) => readFile(p, 'utf8'),
      log: { info: () => undefined, warn: (m) => warnings.push(m) },
      clock,
      jitterRatio: 0,
    });
    const settings = (): MonitorSettings => ({
      gatewayUrlText: sim.url,
      agents: AGENTS,
      pollIntervalMs: INTERVAL,
      connection: connectionSettings({ origin: sim.origin, caFile: sim.caFile, trustedFingerprints: [], proxy: { strictSSL: true, env: {} }, requestTimeoutMs: 2000 }),
    });
    // sim.stats.byPath counts a 404 route too; a refused state path is still a request.
    const count = (kind: 'statisticsEx' | 'agentbyworkno', agent?: string) => {
      let n = 0;
      for (const [p, c] of sim.stats.byPath) {
        const isState = p.includes('/agentbyworkno/');
        if ((kind === 'agentbyworkno') !== isState || (!isState && !p.endsWith('/statisticsEx'))) continue;
        if (agent === undefined || p.endsWith(`/${agent}`) || p.includes(`/${agent}/statisticsEx`)) n += c;
      }
      return n;
    };
    /** One interval of fake time, then real time for the loopback answers. */
    const cycle = async (expectedStats: number) => {
      await clock.advance(INTERVAL);
      await until(`${expectedStats} statisticsEx answers`, () => count('statisticsEx') >= expectedStats && monitor!.connection!.schedulerSnapshot.inFlight === 0, { timeoutMs: 5000 });
    };

    it('rows follow the simulator: one state request per agent per interval, none for a signed-out agent', async () => {
      sim.signOut('103');
      sim.agentStates.set('101', 'talking');
      sim.agentStates.set('102', 'rest');
      monitor = new GatewayMonitor(settings(), deps());
      monitor.setAgentStateEnabled(true);
      await cycle(3);
      await until('states', () => monitor!.states.get('101')?.presence === 'talking' && monitor!.states.get('102')?.presence === 'rest');
      assert.equal(monitor.states.get('103'), undefined, 'no state for the agent statisticsEx reported as not signed in');
      sim.agentStates.set('101', 'wrapUp');
      for (let i = 2; i <= 5; i++) await cycle(3 * i);
      assert.equal(monitor.states.get('101')?.presence, 'wrapUp');
      assert.equal(count('statisticsEx'), 15);
      assert.equal(count('agentbyworkno', '101'), 5, 'agent 101: one state request per interval');
      assert.equal(count('agentbyworkno', '102'), 5);
      assert.equal(count('agentbyworkno', '103'), 0, 'none for the signed-out agent');
      for (const [agent, n] of sim.stats.maxConcurrentPerAgent) assert.equal(n, 1, `never two requests in flight for ${agent}`);
    });

    it('none while inactive (hidden or unfocused), none when the setting is off', async () => {
      monitor = new GatewayMonitor(settings(), deps(), { active: false });
      monitor.setAgentStateEnabled(true);
      await clock.advance(INTERVAL * 5);
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(sim.stats.requests, 0);
      monitor.setAgentStateEnabled(false);
      monitor.setActive(true);
      for (let i = 1; i <= 3; i++) await cycle(3 * i);
      assert.equal(count('agentbyworkno'), 0, 'no state request with the setting off');
      assert.equal(monitor.states.get('101'), undefined);
      monitor.setAgentStateEnabled(true);
      await cycle(12);
      assert.equal(count('agentbyworkno'), 3, 'on again: one per agent in the next interval');
    });

    it('a gateway without the interface: one refusal, then counters only and no further state requests', async () => {
      sim.agentStates.interfaceEnabled = false;
      monitor = new GatewayMonitor(settings(), deps());
      monitor.setAgentStateEnabled(true);
      let refusals = 0;
      monitor.onDidChangeStateAvailability(() => refusals++);
      for (let i = 1; i <= 4; i++) await cycle(3 * i);
      assert.equal(refusals, 1);
      assert.ok(monitor.stateRefusal, 'the refusal is kept for the explanation');
      // The agents polled in parallel in the first interval may each be refused once; none after that.
      const first = count('agentbyworkno');
      assert.ok(first >= 1 && first <= AGENTS.length, `${first} refused state requests in the first interval`);
      for (let i = 5; i <= 8; i++) await cycle(3 * i);
      assert.equal(count('agentbyworkno'), first, 'no state request once the gateway refused the interface');
      assert.ok(monitor.store.all().every((e) => e.state === 'ok'), 'the counters are untouched');
      assert.equal(warnings.filter((w) => w.includes('agent state interface')).length, 1);
    });

    const batches = () => [...sim.stats.byPath].filter(([p]) => p.endsWith('/agentbylist')).reduce((n, [, c]) => n + c, 0);

    it('batches: every watched agent\'s state from one agentbylist per interval (per 100 agents), no agentbyworkno', async () => {
      sim.agentStates.listEnabled = true;
      sim.signOut('103');
      sim.agentStates.set('101', 'talking');
      sim.agentStates.set('102', 'rest');
      monitor = new GatewayMonitor(settings(), deps());
      monitor.setAgentStateEnabled(true);
      await cycle(3);
      await until('states', () => monitor!.states.get('101')?.presence === 'talking' && monitor!.states.get('102')?.presence === 'rest');
      assert.equal(monitor.states.get('103'), undefined, 'no state for a signed-out agent');
      sim.agentStates.set('101', 'wrapUp');
      for (let i = 2; i <= 5; i++) await cycle(3 * i);
      assert.equal(monitor.states.get('101')?.presence, 'wrapUp');
      assert.equal(batches(), 5, 'one agentbylist per interval for 3 agents');
      assert.equal(count('agentbyworkno'), 0, 'no per-agent state request');
      assert.equal(monitor.stateBatchRefusal, undefined);
    });

    it('a gateway that refuses batches: said once, then one agentbyworkno per agent per interval', async () => {
      monitor = new GatewayMonitor(settings(), deps());
      monitor.setAgentStateEnabled(true);
      for (let i = 1; i <= 3; i++) await cycle(3 * i);
      assert.equal(batches(), 1, 'asked once');
      assert.ok(monitor.stateBatchRefusal, 'kept for the tooltip');
      assert.equal(monitor.stateRefusal, undefined, 'states are still shown');
      assert.equal(count('agentbyworkno', '101'), 3);
      assert.equal(warnings.filter((w) => w.includes('agentbylist')).length, 1, 'said once in the log');
      await until('states', () => AGENTS.every((a) => monitor!.states.get(a)));
    });
  });
});
