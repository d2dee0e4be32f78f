// Shared reads, model-based (fast-check commands): 1–4 desks × 1–3 windows watching the same
// agents of one simulated gateway. Each window is a GatewayMonitor with the extension's
// per-agent limiter, its own read coordinator over the real local channel and lease of its
// desk's folder, and (a team) a real redis-server. Random focus changes, reloads, closes,
// abrupt closes, Redis restarts and pauses, slow and refused answers, queries, and time; after
// every step: the simulator never saw more than 5 requests of one {agentid} in any 2 s, and
// every agent watched by an active window is current within two intervals or its row says why;
// at the end of a run: at most 1.05 statistics requests per agent per interval, all desks and
// windows together (a desk alone while Redis is away counts on its own).
//
// Replay: CCGW_SHARED_SEED=<seed> CCGW_SHARED_PATH="<path>" npx mocha --no-config --timeout 600000 out/test/unit/sharedReadsModel.test.js
// More runs: CCGW_SHARED_RUNS=<n>.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import { connectionSettings } from '../../src/core/wire/connectionSettings';
import { createGatewayClient } from '../../src/core/wire/client';
import { GatewayMonitor } from '../../src/core/monitor/gatewayMonitor';
import { GATEWAY_AGENT_LIMIT, VENDOR_LIMIT } from '../../src/core/polling/rateLimiter';
import { LocalTransport } from '../../src/core/sharing/localTransport';
import { ReadCoordinator } from '../../src/core/sharing/readCoordinator';
import { RedisTransport } from '../../src/core/sharing/redisTransport';
import { TeamTransport } from '../../src/core/sharing/teamTransport';
import type { AgentId } from '../../src/core/ids/agentId';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { FakeClock } from '../support/fakeClock';
import { RedisServer } from '../support/redisServer';

// The product's shortest interval: any 2 s holds one slot's reads.
const INTERVAL = 5_000;
const AGENTS = ['101', '102', '103'];
const RUNS = Number(process.env.CCGW_SHARED_RUNS ?? 20);

interface Win {
  readonly id: number;
  readonly monitor: GatewayMonitor;
  readonly transport: TeamTransport;
  active: boolean;
  openedAt: number;
}

interface Desk {
  readonly dir: string;
  readonly windows: Win[];
}

interface Real {
  readonly sim: Simulator;
  readonly redis: RedisServer | undefined;
  readonly clock: FakeClock;
  readonly desks: Desk[];
  readonly tmp: string;
  /** Fake ms during which the team's Redis was away (each desk reads alone then). */
  redisAwayMs: number;
  /** Fake ms during which the gateway refused (rows say auth) or answered slowly. */
  nextWindow: number;
  readonly startedAt: number;
  /** Interval-agents a desk could read alone (Redis away): the average allows for them. */
  aloneAllowance: number;
}

type Model = { readonly desks: number; windows: number[] };

const quiet = { info: () => undefined, warn: () => undefined, debug: () => undefined };

function openWindow(r: Real, desk: Desk, active: boolean): Win {
  const local = new LocalTransport(desk.dir, { clock: r.clock, retryMs: 100 });
  const transport = new TeamTransport(local, r.clock);
  if (r.redis) transport.setTeam(new RedisTransport((url, o) => new Redis(url, o), { url: r.redis.url, password: r.redis.password, clock: r.clock, serverClock: false, maxRetryMs: 200, commandTimeoutMs: 200 }));
  const reads = new ReadCoordinator(transport, r.clock);
  const monitor = new GatewayMonitor(
    {
      gatewayUrlText: r.sim.url,
      agents: AGENTS,
      pollIntervalMs: INTERVAL,
      sessions: [],
      connection: connectionSettings({ origin: r.sim.origin, caFile: r.sim.caFile, trustedFingerprints: [], proxy: { strictSSL: true, env: {} }, requestTimeoutMs: 2 * INTERVAL }),
    },
    { credentials: { guid: () => Promise.resolve(r.sim.guid), hasAny: () => Promise.resolve(true) }, loadClientFactory: () => createGatewayClient, readTextFile: (p) => readFile(p, 'utf8'), log: quiet, clock: r.clock, jitterRatio: 0, concurrency: 4, reads },
    { active, rateLimit: GATEWAY_AGENT_LIMIT },
  );
  monitor.setAgentStateEnabled(true);
  const win: Win = { id: r.nextWindow++, monitor, transport, active, openedAt: r.clock.now() };
  desk.windows.push(win);
  // The coordinator goes with the window.
  const dispose = monitor.dispose.bind(monitor);
  monitor.dispose = () => {
    dispose();
    reads.dispose();
    transport.dispose();
  };
  return win;
}

/** Fake time in slices, with real time between them for loopback I/O (gateway, channel, Redis). */
async function run(r: Real, fakeMs: number): Promise<void> {
  const slice = 50;
  for (let t = 0; t < fakeMs; t += slice) {
    await r.clock.advance(Math.min(slice, fakeMs - t));
    await new Promise((res) => setTimeout(res, 3));
  }
}

const statsRequests = (sim: Simulator) => [...sim.stats.byPath].filter(([p]) => p.endsWith('/statisticsEx')).reduce((n, [, c]) => n + c, 0);

function check(r: Real): void {
  // 1. The vendor's budget as the gateway counts it (every desk and window together).
  const worst = r.sim.queues.maxInWindow(VENDOR_LIMIT.windowMs);
  const arrivals = () => (r.sim.queues.log.get(worst.agent) ?? []).map((t) => Math.round(t - r.startedAt)).join(', ');
  assert.ok(worst.count <= VENDOR_LIMIT.max, `the gateway saw ${worst.count} requests for agent ${worst.agent} within ${VENDOR_LIMIT.windowMs} ms (arrivals, ms into the run: ${arrivals()}; teams: ${r.desks.map((d) => d.windows.map((w) => w.transport.status).join('/')).join(' ')})`);
  // 2. Every agent an active window watches is current within two intervals, or its row says why.
  const now = r.clock.now();
  for (const desk of r.desks)
    for (const w of desk.windows) {
      if (!w.active || now - w.openedAt < 2 * INTERVAL) continue;
      for (const id of AGENTS) {
        const e = w.monitor.store.get(id);
        const current = e?.fetchedAt !== undefined && now - e.fetchedAt <= 2 * INTERVAL + 250;
        const says = e !== undefined && e.state !== 'ok' && e.state !== 'loading' && (e.error?.message.length ?? 0) > 0;
        const onItsWay = e?.state === 'loading' && (w.monitor.connection?.schedulerSnapshot.inFlight ?? 0) > 0;
        assert.ok(current || says || onItsWay, `window ${w.id}: agent ${id} is ${e?.state ?? 'missing'}, fetched ${e?.fetchedAt === undefined ? 'never' : `${now - e.fetchedAt} ms ago`}, and its row does not say why (team ${w.transport.status}, in flight ${w.monitor.connection?.schedulerSnapshot.inFlight ?? 0})`);
      }
    }
}

type Cmd = fc.AsyncCommand<Model, Real>;

class Time implements Cmd {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(_m: Model, r: Real) {
    await run(r, this.ms);
    check(r);
  }
  toString = () => `Time(${this.ms})`;
}

class Focus implements Cmd {
  constructor(readonly desk: number, readonly win: number, readonly active: boolean) {}
  check = (m: Model) => this.desk < m.desks && m.windows[this.desk] > 0;
  async run(_m: Model, r: Real) {
    const d = r.desks[this.desk];
    const w = d.windows[this.win % d.windows.length];
    if (w.active !== this.active) {
      w.active = this.active;
      w.openedAt = r.clock.now();
      w.monitor.setActive(this.active);
    }
    await run(r, 100);
    check(r);
  }
  toString = () => `Focus(desk ${this.desk}, window ${this.win}, ${this.active})`;
}

class Open implements Cmd {
  constructor(readonly desk: number) {}
  check = (m: Model) => this.desk < m.desks && m.windows[this.desk] < 3;
  async run(m: Model, r: Real) {
    m.windows[this.desk]++;
    openWindow(r, r.desks[this.desk], true);
    await run(r, 100);
    check(r);
  }
  toString = () => `Open(desk ${this.desk})`;
}

/** Close (or an abrupt close: no shutdown, nothing awaited), and a reload: close then open. */
class Close implements Cmd {
  constructor(readonly desk: number, readonly win: number, readonly how: 'close' | 'abrupt' | 'reload') {}
  check = (m: Model) => this.desk < m.desks && m.windows[this.desk] > (this.how === 'reload' ? 0 : 1);
  async run(m: Model, r: Real) {
    const d = r.desks[this.desk];
    const w = d.windows.splice(this.win % d.windows.length, 1)[0];
    if (this.how === 'abrupt') w.monitor.dispose();
    else await w.monitor.shutdown();
    if (this.how === 'reload') openWindow(r, d, true);
    else m.windows[this.desk]--;
    await run(r, 100);
    check(r);
  }
  toString = () => `Close(desk ${this.desk}, window ${this.win}, ${this.how})`;
}

class Query implements Cmd {
  constructor(readonly desk: number, readonly agent: string) {}
  check = (m: Model) => this.desk < m.desks && m.windows[this.desk] > 0;
  async run(_m: Model, r: Real) {
    const w = r.desks[this.desk].windows[0];
    const answered = w.monitor.query(this.agent as AgentId).then(() => undefined, () => undefined);
    for (let i = 0; i < 60; i++) {
      let done = false;
      void answered.then(() => (done = true));
      await run(r, 50);
      if (done) break;
    }
    check(r);
  }
  toString = () => `Query(desk ${this.desk}, ${this.agent})`;
}

class Gateway implements Cmd {
  constructor(readonly what: 'slow' | 'refuse' | 'offline') {}
  check = () => true;
  async run(_m: Model, r: Real) {
    const agent = AGENTS[0];
    r.sim.setFault(this.what === 'slow' ? { kind: 'latency', ms: 15 } : { kind: 'retcode', retcode: this.what === 'refuse' ? '100-007' : '100-006' }, agent);
    await run(r, 2 * INTERVAL);
    check(r);
    r.sim.setFault(undefined, agent);
  }
  toString = () => `Gateway(${this.what})`;
}

class RedisAway implements Cmd {
  constructor(readonly how: 'restart' | 'pause') {}
  check = (m: Model) => m.desks > 1;
  async run(_m: Model, r: Real) {
    const redis = r.redis!;
    const away = 2 * INTERVAL;
    if (this.how === 'pause') redis.pause();
    else await redis.down(true);
    await run(r, away);
    if (this.how === 'pause') redis.resume();
    else await redis.up();
    // Until every desk has joined again it may read alone: allowed for, as a desk alone reads.
    const t0 = Date.now();
    const joined = () => r.desks.every((d) => d.windows.every((w) => w.transport.status === 'shared'));
    let fake = away;
    while (!joined() && Date.now() - t0 < 10_000) {
      await run(r, 50);
      fake += 50;
    }
    r.aloneAllowance += AGENTS.length * (r.desks.length - 1) * (Math.ceil(fake / INTERVAL) + 1);
    check(r);
  }
  toString = () => `RedisAway(${this.how})`;
}

/**
 * Counterexamples random runs found, run first every time. The first: four desks reading alone while Redis
 * hangs, then a query and a window opened just after it is back: the desks had claimed the slot
 * on their machines only, so the query (not knowing its desk had read alone) and the new window
 * (claiming in Redis before its machine's hub told it the slot was read) each read again: 6 in 2 s.
 */
const EXAMPLES = [
  [4, [1, 1, 1, 1], [new Time(5368), new RedisAway('pause'), new Query(0, '101'), new Open(3)]],
  // Redis hanging while desks claimed agent states: the claims timed out, and each desk sent its state batch on top of its statistics.
  [3, [2, 2, 2, 1], [new RedisAway('pause')]],
  [3, [2, 2, 1, 1], [new Open(2), new Close(1, 1, 'reload'), new RedisAway('pause'), new RedisAway('pause')]],
] as unknown as [number, number[], Iterable<Cmd>][];

describe('shared reads, model-based (fast-check commands)', function () {
  this.timeout(900_000);
  let sim: Simulator;
  let redis: RedisServer | undefined;
  let clock: FakeClock | undefined;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-shared-model-'));

  before(async () => {
    sim = await startSimulator({ overloadControl: true, overloadClock: () => clock?.now() ?? 0 });
    redis = await RedisServer.required();
  });
  after(async () => {
    await sim?.stop();
    await redis?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it(`${RUNS} random runs of 1–4 desks × 1–3 windows: never more than 5 requests per agent in 2 s, every watched agent current within two intervals or saying why, at most 1.05 statistics requests per agent per interval`, async () => {
    const seed = process.env.CCGW_SHARED_SEED ? Number(process.env.CCGW_SHARED_SEED) : undefined;
    const replay = process.env.CCGW_SHARED_PATH;
    const seen = { runs: 0, steps: 0, perInterval: 0, perIntervalShared: 0, outages: 0, busiest: 0, windows: 0 };
    const started = Date.now();
    const desk = fc.nat(3);
    const commands = [
      fc.integer({ min: 200, max: 3 * INTERVAL }).map((ms) => new Time(ms)),
      fc.tuple(desk, fc.nat(2), fc.boolean()).map(([d, w, a]) => new Focus(d, w, a)),
      desk.map((d) => new Open(d)),
      fc.tuple(desk, fc.nat(2), fc.constantFrom('close' as const, 'abrupt' as const, 'reload' as const)).map(([d, w, how]) => new Close(d, w, how)),
      fc.tuple(desk, fc.constantFrom(...AGENTS)).map(([d, a]) => new Query(d, a)),
      fc.constantFrom('slow' as const, 'refuse' as const, 'offline' as const).map((w) => new Gateway(w)),
      fc.constantFrom('restart' as const, 'pause' as const).map((h) => new RedisAway(h)),
    ];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 4, maxLength: 4 }), fc.commands(commands, { maxCommands: 8 }), async (desks, windows, cmds) => {
        seen.runs++;
        sim.resetStats();
        sim.queues.log.clear();
        clock = new FakeClock(1_700_000_000_000 + seen.runs * 1_000_000);
        const real: Real = { sim, redis: desks > 1 ? redis : undefined, clock, desks: [], tmp, redisAwayMs: 0, nextWindow: 1, startedAt: clock.now(), aloneAllowance: 0 };
        const model: Model = { desks, windows: windows.slice(0, desks) };
        try {
          for (let d = 0; d < desks; d++) {
            const dk: Desk = { dir: fs.mkdtempSync(path.join(tmp, `d${d}-`)), windows: [] };
            real.desks.push(dk);
            for (let w = 0; w < model.windows[d]; w++) openWindow(real, dk, true);
          }
          seen.windows += model.windows.reduce((a, b) => a + b, 0);
          await run(real, 2 * INTERVAL);
          await fc.asyncModelRun(() => ({ model, real }), cmds);
          await run(real, 2 * INTERVAL);
          check(real);
          // 3. The average over the run: one statistics request per agent per interval, whoever watches.
          const intervals = (clock.now() - real.startedAt) / INTERVAL;
          const requests = statsRequests(sim);
          const allowed = 1.05 * AGENTS.length * (Math.ceil(intervals) + 1) + real.aloneAllowance;
          seen.perInterval = Math.max(seen.perInterval, requests / AGENTS.length / intervals);
          if (real.aloneAllowance === 0) seen.perIntervalShared = Math.max(seen.perIntervalShared, requests / AGENTS.length / intervals);
          else seen.outages++;
          seen.busiest = Math.max(seen.busiest, sim.queues.maxInWindow(VENDOR_LIMIT.windowMs).count);
          seen.steps += [...cmds].length;
          assert.ok(requests <= allowed, `${requests} statistics requests for ${AGENTS.length} agents over ${intervals.toFixed(1)} intervals (allowed ${allowed.toFixed(1)}: 1.05 per agent per interval${real.aloneAllowance ? `, plus ${real.aloneAllowance} read alone while Redis was away` : ''})`);
        } finally {
          for (const d of real.desks) for (const w of d.windows.splice(0)) w.monitor.dispose();
          if (redis && !redis.running) await redis.up();
          redis?.resume();
        }
      }),
      { numRuns: RUNS, examples: EXAMPLES, ...(seed !== undefined ? { seed } : {}), ...(replay ? { path: replay } : {}) },
    );
    console.log(`      ${seen.runs} runs, ${seen.steps} steps, ${seen.windows} windows; most statistics requests per agent per interval in a run: ${seen.perIntervalShared.toFixed(2)} (${seen.perInterval.toFixed(2)} counting the ${seen.outages} runs with a Redis outage, when desks read alone); busiest 2 s of one agent: ${seen.busiest}; ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });
});
