// The connection lifecycle on a fake clock, against two real simulators (HTTPS on loopback) with different Guids.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { connectionSettings, type ConnectionSettings } from '../../src/core/wire/connectionSettings';
import type { CredentialSource } from '../../src/core/credentials/credentialRegistry';
import type { ConnectionDeps } from '../../src/core/monitor/connectionDeps';
import { GatewayMonitor, type MonitorSettings, type ViewState } from '../../src/core/monitor/gatewayMonitor';
import { createGatewayClient } from '../../src/core/wire/client';
import { pastedRef } from '../../src/core/ids/credentialRef';
import { gatewayIdOf } from '../../src/core/ids/gatewayId';
import { isGatewayError } from '../../src/core/model/errors';
import type { GatewayClient, GatewayClientOptions } from '../../src/core/wire/types';
import { setUnexpectedErrorHandler } from '../../src/core/util/unexpectedError';
import type { AgentId } from '../../src/core/ids/agentId';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { FakeClock, seededRandom, settle } from '../support/fakeClock';
import { until } from '../support/wait';

const AGENTS = ['101', '102', '103'];
const NO_PROXY = { strictSSL: true, env: {} };

/** A secret store whose reads take fake time (a keyring or a remote window's round trip). */
class SlowSecrets implements CredentialSource {
  readonly guids = new Map<string, string>();
  latencyMs: () => number = () => 0;
  failWith: Error | undefined;
  reads = 0;
  constructor(private readonly clock: FakeClock) {}
  async guid(origin: string): Promise<string | undefined> {
    this.reads++;
    const ms = this.latencyMs();
    if (ms > 0) await this.clock.delay(ms);
    if (this.failWith) throw this.failWith;
    return this.guids.get(origin);
  }
  keyOf(origin: string): string {
    return origin;
  }
  async hasAny(origin: string): Promise<boolean> {
    const ms = this.latencyMs();
    if (ms > 0) await this.clock.delay(ms);
    return this.guids.has(origin);
  }
}

/** A promise's result without an unhandled-rejection window. */
function outcome<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  return p.then((value) => ({ value }), (error: unknown) => ({ error }));
}

/** What each client was asked to send, and whether its connection had already closed it. */
interface Sent {
  readonly clientOrigin: string;
  readonly guid: string;
  readonly afterClose: boolean;
}

function recordingFactory(sent: Sent[], clients: GatewayClient[]) {
  return (options: GatewayClientOptions): GatewayClient => {
    const real = createGatewayClient(options);
    let closed = false;
    const client: GatewayClient = {
      origin: real.origin,
      statisticsEx: (id, guid, signal) => (sent.push({ clientOrigin: options.origin, guid, afterClose: closed }), real.statisticsEx(id, guid, signal)),
      statistics: (id, guid, signal) => (sent.push({ clientOrigin: options.origin, guid, afterClose: closed }), real.statistics(id, guid, signal)),
      signIn: (id, variant, body, signal) => real.signIn(id, variant, body, signal),
      pollEvent: (id, guid, hold, signal) => (sent.push({ clientOrigin: options.origin, guid, afterClose: closed }), real.pollEvent(id, guid, hold, signal)),
      signOut: (id, guid, signal) => (sent.push({ clientOrigin: options.origin, guid, afterClose: closed }), real.signOut(id, guid, signal)),
      close: () => ((closed = true), real.close()),
    };
    clients.push(client);
    return client;
  };
}

describe('GatewayConnection and GatewayMonitor', function () {
  this.timeout(60_000);
  let a: Simulator;
  let b: Simulator;
  let clock: FakeClock;
  let secrets: SlowSecrets;
  let sent: Sent[];
  let clients: GatewayClient[];
  let monitor: GatewayMonitor | undefined;
  const logged: string[] = [];

  before(async () => {
    a = await startSimulator();
    b = await startSimulator();
    b.setCounters('101', { answernums: 77, calloutnums: 7, talktime: 700 });
    a.setCounters('101', { answernums: 11, calloutnums: 1, talktime: 100 });
  });
  after(async () => {
    await a.stop();
    await b.stop();
  });
  beforeEach(() => {
    clock = new FakeClock();
    secrets = new SlowSecrets(clock);
    secrets.guids.set(a.origin, a.guid);
    secrets.guids.set(b.origin, b.guid);
    sent = [];
    clients = [];
    a.resetStats();
    b.resetStats();
    logged.length = 0;
  });
  afterEach(async () => {
    monitor?.dispose();
    monitor = undefined;
    await Promise.all(clients.map((c) => c.close()));
  });

  const deps = (extra: Partial<ConnectionDeps> = {}): ConnectionDeps => ({
    credentials: secrets,
    loadClientFactory: () => recordingFactory(sent, clients),
    readTextFile: (p) => readFile(p, 'utf8'),
    log: { info: (m) => logged.push(m), warn: (m) => logged.push(m) },
    clock,
    jitterRatio: 0,
    ...extra,
  });
  const conn = (sim: Simulator, extra: Partial<Parameters<typeof connectionSettings>[0]> = {}): ConnectionSettings =>
    connectionSettings({ origin: sim.origin, caFile: sim.caFile, trustedFingerprints: [], proxy: NO_PROXY, requestTimeoutMs: 2000, ...extra });
  const settingsFor = (sim: Simulator | undefined, extra: Partial<MonitorSettings> = {}): MonitorSettings => ({
    gatewayUrlText: sim ? sim.url : '',
    agents: AGENTS,
    pollIntervalMs: 1000,
    connection: sim ? conn(sim) : undefined,
    ...extra,
  });
  /** Real time for real sockets: the simulators answer within a few ms on loopback. */
  const network = (ms = 5) => new Promise((r) => setTimeout(r, ms));
  const assertNoCrossSends = () => {
    for (const s of sent) assert.equal(s.guid, s.clientOrigin === a.origin ? a.guid : b.guid, `a Guid for the wrong gateway was handed to the client of ${s.clientOrigin}`);
    assert.deepEqual(sent.filter((s) => s.afterClose), [], 'nothing was handed to a closed client');
    for (const g of a.stats.guidsSeen) assert.equal(g, a.guid, 'gateway A received a Guid that is not its own');
    for (const g of b.stats.guidsSeen) assert.equal(g, b.guid, 'gateway B received a Guid that is not its own');
  };

  it('zero cross-sends over thousands of randomized swaps, polls, queries and slow secret reads', async () => {
    const runs = 120;
    const stepsPerRun = 30;
    let swaps = 0;
    let queries = 0;
    let answered = 0;
    for (let seed = 1; seed <= runs; seed++) {
      const random = seededRandom(seed);
      secrets.latencyMs = () => (random() < 0.5 ? 0 : Math.floor(random() * 40));
      let on = random() < 0.5 ? a : b;
      const m = new GatewayMonitor(settingsFor(on, { pollIntervalMs: 20 }), deps({ random }));
      const pending: Promise<unknown>[] = [];
      for (let step = 0; step < stepsPerRun; step++) {
        const r = random();
        if (r < 0.3) await clock.advance(Math.floor(random() * 30));
        else if (r < 0.5) {
          on = on === a ? b : a;
          m.configure(settingsFor(on, { pollIntervalMs: 20 }));
          swaps++;
        } else if (r < 0.65) {
          queries++;
          pending.push(m.query('101' as AgentId).then(() => answered++, () => undefined));
        } else if (r < 0.75) m.refresh();
        else if (r < 0.8) m.credentialsChanged(pastedRef(gatewayIdOf(on.origin)));
        else if (r < 0.85) m.setActive(random() < 0.7);
        else await network(random() < 0.5 ? 1 : 3);
      }
      await clock.advance(100);
      await network();
      m.dispose();
      await clock.advance(100);
      await Promise.allSettled(pending);
      assertNoCrossSends();
    }
    const before = { a: a.stats.requests, b: b.stats.requests };
    await network(50);
    await clock.advance(10_000);
    assert.deepEqual({ a: a.stats.requests, b: b.stats.requests }, before, 'nothing reaches either gateway once every monitor is disposed');
    console.log(`      ${runs * stepsPerRun} random steps: ${swaps} swaps, ${sent.length} requests (A ${a.stats.requests}, B ${b.stats.requests}), ${answered}/${queries} queries answered; 0 cross-sends`);
    // Real loopback traffic: about 1,200 requests on an idle machine, fewer under load.
    assert.ok(sent.length > 600 && a.stats.requests > 150 && b.stats.requests > 150, 'enough traffic to mean something');
    assert.ok(swaps > 500);
  });

  it('a request waiting for its secret when the connection is disposed is dropped, never sent', async () => {
    secrets.latencyMs = () => 50;
    monitor = new GatewayMonitor(settingsFor(a, { agents: [] }), deps());
    const c = monitor.connection!;
    const query = outcome(c.query('101' as AgentId));
    await clock.advance(10);
    c.dispose();
    await clock.advance(100);
    const e = (await query).error;
    assert.ok(isGatewayError(e) && e.kind === 'cancelled', String(e));
    await network(20);
    assert.equal(a.stats.requests, 0);
    assert.deepEqual(sent, []);
  });

  it('a query interrupted by a swap is answered by the new gateway, not cancelled', async () => {
    secrets.latencyMs = () => 50;
    monitor = new GatewayMonitor(settingsFor(a), deps());
    const query = monitor.query('101' as AgentId);
    await clock.advance(10);
    monitor.configure(settingsFor(b));
    await clock.advance(60);
    await network(20);
    await clock.advance(60);
    const stats = await query;
    assert.deepEqual(stats, { answernums: 77, calloutnums: 7, talktime: 700 }, 'the numbers of gateway B');
    assert.equal(a.stats.byPath.get('/agentgateway/resource/calldata/101/statisticsEx') ?? 0, 0, 'A never got the interrupted query');
    assertNoCrossSends();
  });

  it('a query interrupted by a swap to a gateway that cannot answer gets that gateway’s reason', async () => {
    secrets.latencyMs = () => 50;
    secrets.guids.delete(b.origin);
    monitor = new GatewayMonitor(settingsFor(a), deps());
    const noGuid = outcome(monitor.query('101' as AgentId));
    await clock.advance(10);
    monitor.configure(settingsFor(b));
    await clock.advance(120);
    const e1 = (await noGuid).error;
    assert.ok(isGatewayError(e1) && e1.kind === 'auth' && e1.details.code === 'NO_GUID' && e1.message.includes(b.origin), String(e1));

    monitor.configure(settingsFor(a));
    const noUrl = outcome(monitor.query('101' as AgentId));
    await clock.advance(10);
    monitor.configure({ ...settingsFor(undefined), gatewayUrlText: 'http://x', gatewayUrlProblem: 'Use https.' });
    await clock.advance(120);
    const e2 = (await noUrl).error;
    assert.ok(isGatewayError(e2) && e2.kind === 'invalid-request' && e2.message === 'Use https.', String(e2));
    assert.deepEqual(a.stats.guidsSeen, new Set(), 'nothing was sent anywhere');
  });

  it('settings that do not change the connection do not rebuild it', () => {
    monitor = new GatewayMonitor(settingsFor(a), deps());
    const first = monitor.connection;
    let swaps = 0;
    monitor.onDidSwap(() => swaps++);
    monitor.configure(settingsFor(a, { agents: ['101'], pollIntervalMs: 5000 }));
    monitor.configure(settingsFor(a, { agents: ['101', '104'] }));
    assert.equal(monitor.connection, first);
    assert.equal(swaps, 0);
    monitor.configure(settingsFor(a, { connection: conn(a, { requestTimeoutMs: 3000 }) }));
    assert.notEqual(monitor.connection, first, 'a connection setting does');
    assert.equal(first?.isClosed, true);
    monitor.configure(settingsFor(a, { connection: conn(a, { trustedFingerprints: ['AB'] }) }));
    assert.equal(swaps, 2, 'so does a trusted certificate');
  });

  it('the view state follows the current connection only: a late credential lookup of an old one changes nothing', async () => {
    secrets.latencyMs = () => 100;
    monitor = new GatewayMonitor(settingsFor(a), deps());
    const states: ViewState[] = [];
    monitor.onDidChangeViewState((s) => states.push(s));
    assert.equal(monitor.viewState, 'checking');
    await clock.advance(10);
    monitor.configure(settingsFor(undefined));
    assert.equal(monitor.viewState, 'noUrl');
    await clock.advance(200);
    assert.equal(monitor.viewState, 'noUrl', 'the old connection’s lookup answered late and changed nothing');
    assert.deepEqual(states, ['noUrl']);

    secrets.guids.delete(b.origin);
    monitor.configure(settingsFor(b));
    await clock.advance(150);
    assert.equal(monitor.viewState, 'noGuid');
    secrets.guids.set(b.origin, b.guid);
    monitor.credentialsChanged(pastedRef(gatewayIdOf(b.origin)));
    secrets.guids.delete(b.origin);
    monitor.credentialsChanged(pastedRef(gatewayIdOf(b.origin)));
    await clock.advance(500);
    assert.equal(monitor.viewState, 'noGuid', 'lookups of one connection apply in the order they were asked');
  });

  it('the refused-Guid banner belongs to its connection: cleared, with its event, when the connection goes', async () => {
    secrets.guids.set(a.origin, 'stale-guid.AgentGateway1');
    monitor = new GatewayMonitor(settingsFor(a), deps());
    let authEvents = 0;
    const refusals: unknown[] = [];
    monitor.onDidChangeAuth(() => authEvents++);
    monitor.onDidRefuseGuid((e) => refusals.push(e));
    await until('refused', async () => (await clock.advance(0), await network(), monitor!.refusedCredentials.length === 1));
    assert.deepEqual(refusals, [{ kind: 'pasted', gateway: a.origin }]);
    assert.equal(authEvents, 1);
    // Gateway A is slow now; a refusal already on its way must not bring the banner back after the swap.
    a.setFault({ kind: 'latency', ms: 100 });
    monitor.refresh();
    monitor.configure(settingsFor(b));
    assert.deepEqual(monitor.refusedCredentials, []);
    assert.equal(authEvents, 2, 'the banner’s change event fired when its connection went away');
    await network(200);
    await clock.advance(0);
    assert.deepEqual(monitor.refusedCredentials, []);
    assert.equal(authEvents, 2);
    a.setFault(undefined);
    await until('B numbers', async () => (await clock.advance(0), await network(), monitor!.store.get('101')?.stats?.answernums === 77));
    assert.deepEqual(a.stats.guidsSeen, new Set(['stale-guid.AgentGateway1']));
    assert.deepEqual(b.stats.guidsSeen, new Set([b.guid]));
  });

  it('a keyring failure is logged with its cause; the row says to see the log', async () => {
    const reported: [unknown, string][] = [];
    setUnexpectedErrorHandler((e, where) => reported.push([e, where]));
    try {
      const keyring = new Error('org.freedesktop.secrets: no such interface');
      secrets.failWith = keyring;
      monitor = new GatewayMonitor(settingsFor(a, { agents: ['101'] }), deps());
      await clock.advance(0);
      const entry = monitor.store.get('101');
      assert.equal(entry?.state, 'auth');
      assert.match(entry?.error?.message ?? '', /secret store; see the "CC-Gateway" log/);
      assert.ok(reported.some(([e, where]) => e === keyring && where.includes(a.origin)), 'the log has the keyring error itself');
      assert.equal(a.stats.requests, 0);
    } finally {
      setUnexpectedErrorHandler(undefined);
    }
  });

  it('a connection replaced by one to the same gateway stops its timer and polls no more', async () => {
    monitor = new GatewayMonitor(settingsFor(a), deps());
    // Every agent answered: no request of the cycle is still in flight when the connection is replaced.
    await until('numbers', async () => (await clock.advance(0), await network(), monitor!.store.all().every((e) => e.state === 'ok')));
    const old = monitor.connection!;
    assert.equal(old.schedulerSnapshot.timerArmed, true);
    monitor.configure(settingsFor(a, { connection: conn(a, { requestTimeoutMs: 2500 }) }));
    assert.notEqual(monitor.connection, old);
    assert.deepEqual({ closed: old.isClosed, timerArmed: old.schedulerSnapshot.timerArmed, inFlight: old.schedulerSnapshot.inFlight }, { closed: true, timerArmed: false, inFlight: 0 });
    // (Whether the old client sent anything cannot tell: the dispatch refuses a disposed connection's
    // requests anyway. What shows that the old scheduler stopped is that its timer never comes back.)
    await clock.advance(5_000);
    await network(20);
    assert.equal(old.schedulerSnapshot.timerArmed, false, 'the old scheduler armed no timer again');
    assert.equal(old.schedulerSnapshot.inFlight, 0);
  });

  it('after dispose nothing is polled and no timer is left', async () => {
    monitor = new GatewayMonitor(settingsFor(a), deps());
    // Every agent answered: nothing of this cycle is still on its way to the gateway when it is disposed.
    await until('numbers', async () => (await clock.advance(0), await network(), monitor!.store.all().every((e) => e.state === 'ok')));
    assert.ok(clock.pending > 0);
    monitor.dispose();
    assert.equal(clock.pending, 0);
    const n = a.stats.requests;
    await clock.advance(60_000);
    await network(20);
    assert.equal(a.stats.requests, n);
    await settle();
  });
});
