// The real connection (client, scheduler, store) against the simulator's faults over HTTPS on loopback.
import { pastedRef } from '../../src/core/ids/credentialRef';
import { gatewayIdOf } from '../../src/core/ids/gatewayId';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { connectionSettings } from '../../src/core/wire/connectionSettings';
import { GatewayMonitor } from '../../src/core/monitor/gatewayMonitor';
import { createGatewayClient } from '../../src/core/wire/client';
import { startSimulator, type Simulator, type TlsVariant } from '../../src/simulator/simulator';
import { sleep, until } from '../support/wait';

/** The engine the extension runs (the real GatewayMonitor and its connection), minus VS Code. */
function engine(sim: Simulator, agents: string[], opts: { intervalMs?: number; timeoutMs?: number; caFile?: string; maxBackoffMs?: number } = {}) {
  const blocked: string[] = [];
  const origin = sim.origin;
  const monitor = new GatewayMonitor(
    {
      gatewayUrlText: sim.url,
      agents,
      pollIntervalMs: opts.intervalMs ?? 200,
      connection: connectionSettings({ origin, caFile: opts.caFile ?? sim.caFile, trustedFingerprints: [], proxy: { strictSSL: true, env: {} }, requestTimeoutMs: opts.timeoutMs ?? 2000 }),
    },
    {
      credentials: { guid: () => Promise.resolve(sim.guid), hasAny: () => Promise.resolve(true) },
      loadClientFactory: () => createGatewayClient,
      readTextFile: (p) => readFile(p, 'utf8'),
      log: { info: () => undefined, warn: () => undefined },
      jitterRatio: 0.1,
      ...(opts.maxBackoffMs ? { maxBackoffMs: opts.maxBackoffMs } : {}),
    },
  );
  monitor.onDidRefuseGuid((r) => blocked.push(r.gateway === origin ? 'origin' : r.gateway));
  return {
    store: monitor.store,
    monitor,
    blocked,
    snapshot: () => monitor.connection!.schedulerSnapshot,
    /** A new Guid after a refusal, as the extension does. */
    newGuid: () => monitor.credentialsChanged(pastedRef(gatewayIdOf(origin))),
    async close() {
      monitor.dispose();
      await until('connections closed', () => sim.openSockets === 0, { timeoutMs: 5000 }).catch(() => undefined);
    },
  };
}

describe('faults: the real connection (client, scheduler, store) against the simulator', function () {
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
    // Four polls of 102 (150 ms apart) well before 101's request times out (3 s): a busy machine may take longer than 600 ms for them.
    await until('102 polled 4 times while 101 hangs', () => (sim.stats.byAgent.get('102') ?? 0) >= 4, { timeoutMs: 2_500 }).catch(() => undefined);
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
      e.monitor.refresh();
      await until(`stale after ${fault.kind}`, () => e!.store.get('101')?.state === 'stale');
      assert.deepEqual(e.store.get('101')!.stats, good);
      assert.ok(e.store.get('101')!.error!.message.length > 0);
      sim.setFault(undefined);
      e.monitor.refresh();
      await until(`recovered from ${fault.kind}`, () => e!.store.get('101')?.state === 'ok');
    }
  });

  it('notices the gateway coming back within one poll interval', async () => {
    e = engine(sim, ['101', '102'], { intervalMs: 300 });
    await until('ok', () => e!.store.get('101')?.state === 'ok');
    await sim.stop();
    e.monitor.refresh();
    await until('origin down', () => e!.snapshot().originDown);
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
    e.monitor.refresh();
    await until('auth', () => e!.store.all().every((x) => x.state === 'auth'));
    assert.deepEqual(e.blocked, ['origin'], 'reported once for the shared Guid');
    const n = sim.stats.requests;
    await sleep(600);
    assert.equal(sim.stats.requests, n, 'no requests after the refusal');
    assert.ok(e.store.all().every((x) => x.stats), 'numbers kept');
  });

  for (const variant of ['wrongHost', 'expired', 'unknownCa', 'selfSigned'] as TlsVariant[]) {
    it(`refuses a ${variant} certificate and never sends the Guid`, async () => {
      await sim.stop();
      sim = await startSimulator({ tls: variant });
      e = engine(sim, ['101'], { caFile: sim.caFile });
      await until('tls error', () => e!.store.get('101')?.state === 'error');
      assert.equal(e.store.get('101')!.error!.kind, 'tls');
      assert.equal(sim.stats.guidsSeen.size, 0);
    });
  }

  // Every documented retcode (and one nobody documented): what the row shows, and that the numbers stay.
  const RETCODES: { retcode: string; state: string; kind: string; text: RegExp }[] = [
    { retcode: '000-002', state: 'stale', kind: 'invalid-request', text: /000-002.*agent ID 101/ },
    { retcode: '000-003', state: 'auth', kind: 'auth', text: /000-003.*Set a new Guid/ },
    { retcode: '000-004', state: 'stale', kind: 'transient', text: /000-004/ },
    { retcode: '000-007', state: 'stale', kind: 'transient', text: /000-007.*slows down/ },
    { retcode: '100-006', state: 'offline', kind: 'agent-offline', text: /100-006.*signs in/ },
    { retcode: '100-007', state: 'stale', kind: 'transient', text: /100-007/ },
    { retcode: '555-123', state: 'stale', kind: 'protocol', text: /555-123: \[click\]\(command:x\) <b>hi<\/b>/ },
  ];
  for (const c of RETCODES) {
    it(`retcode ${c.retcode} → ${c.state} (${c.kind}), last numbers kept`, async () => {
      e = engine(sim, ['101']);
      await until('first numbers', () => e!.store.get('101')?.state === 'ok');
      const good = e.store.get('101')!.stats;
      sim.setFault({ kind: 'retcode', retcode: c.retcode, message: '[click](command:x) <b>hi</b>\u0007' });
      e.monitor.refresh();
      const entry = await until(`state ${c.state}`, () => (e!.store.get('101')?.state === c.state ? e!.store.get('101') : undefined));
      assert.equal(entry.error!.kind, c.kind);
      assert.match(entry.error!.message, c.text);
      assert.ok(!entry.error!.message.includes('\u0007'), 'control characters from the gateway are dropped');
      assert.ok(!entry.error!.message.includes(sim.guid));
      assert.deepEqual(entry.stats, good);
      if (c.retcode === '000-007') assert.ok(e.snapshot().slowDownFactor > 1, 'polling slowed down');
    });
  }

});

describe('faults: soak', function () {
  // Set here, not inside the test: mocha's timer for the test must exist both before and after.
  this.timeout(60_000);
  let sim: Simulator;
  let e: ReturnType<typeof engine> | undefined;
  before(async () => {
    sim = await startSimulator();
  });
  after(async () => {
    await e?.close();
    await sim.stop();
  });

  it('thousands of cycles with faults switching end with the timers, sockets and listeners they started with', async function () {
    const gc = (globalThis as { gc?: () => void }).gc;
    assert.ok(gc, 'run mocha with --expose-gc (.mocharc.json)');
    const resources = () => {
      const counts: Record<string, number> = {};
      // Handles and timers; one-off requests in flight (CloseReq, FSReqCallback…) are not leaks.
      for (const r of process.getActiveResourcesInfo()) if (!r.endsWith('Req') && r !== 'FSReqCallback') counts[r] = (counts[r] ?? 0) + 1;
      return counts;
    };
    const listeners = () => ['unhandledRejection', 'uncaughtException', 'warning', 'exit'].map((ev) => process.listenerCount(ev));
    await sleep(1); // mocha arms its timer for this test after the body starts
    const before = { resources: resources(), listeners: listeners() };

    const agents = ['101', '102', '103', '104', '105', '106'];
    e = engine(sim, agents, { intervalMs: 1, timeoutMs: 300, maxBackoffMs: 4 });
    const faults = [
      undefined,
      { kind: 'latency', ms: 5 },
      { kind: 'reset' },
      { kind: 'http', status: 502, html: true },
      { kind: 'http', status: 500 },
      { kind: 'malformedJson' },
      { kind: 'truncatedJson' },
      { kind: 'oversized', bytes: 100_000 },
      { kind: 'wrongTypes' },
      { kind: 'negative' },
      { kind: 'retcode', retcode: '000-007' },
      { kind: 'retcode', retcode: '100-007' },
      { kind: 'retcode', retcode: '100-006' },
      { kind: 'retcode', retcode: '000-003' },
      'gateway down',
    ] as const;
    const cycles = () => sim.stats.requests / agents.length;
    const target = 2000;
    let heapAtWarmup = 0;
    let step = 0;
    const started = Date.now();
    while (cycles() < target && Date.now() - started < 45_000) {
      const f = faults[step++ % faults.length];
      if (f === 'gateway down') {
        await sim.stop();
        await sleep(30);
        await sim.restart();
        sim.setFault(undefined);
      } else {
        sim.setFault(f);
      }
      // A new Guid after a refusal, as the extension does.
      if (e.monitor.refusedCredentials.length > 0) e.newGuid();
      await sleep(25);
      if (!heapAtWarmup && cycles() > 300) {
        gc();
        heapAtWarmup = process.memoryUsage().heapUsed;
      }
    }
    sim.setFault(undefined);
    if (e.monitor.refusedCredentials.length > 0) e.newGuid();
    await until('every agent fresh after the soak', () => e!.store.all().every((x) => x.state === 'ok'), { timeoutMs: 5000 });
    gc();
    const heapGrowth = process.memoryUsage().heapUsed - heapAtWarmup;
    const done = cycles();
    await e.close();
    e = undefined;
    await until('server sees no open sockets', () => sim.openSockets === 0, { timeoutMs: 5000 });
    // undici's shared 1 s clock timer stops itself once no request is left.
    await until('timers and handles back to where they were', () => JSON.stringify(resources()) === JSON.stringify(before.resources), { timeoutMs: 3000 }).catch(() => undefined);
    console.log(`      soak: ${Math.round(done)} cycles (${sim.stats.requests} requests) in ${Date.now() - started} ms; heap growth after warm-up ${(heapGrowth / 1024 / 1024).toFixed(2)} MiB`);
    assert.ok(done >= target, `only ${Math.round(done)} cycles in 45 s`);
    assert.deepEqual({ resources: resources(), listeners: listeners() }, before);
    // A leak of even 1 KiB per request would be ~18 MiB here.
    assert.ok(heapGrowth < 8 * 1024 * 1024, `heap grew by ${heapGrowth} bytes`);
  });
});

