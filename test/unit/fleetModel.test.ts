// Model-based: several gateways at once, each with its own connection, against three
// real simulators (HTTPS on loopback) with different Guids. fast-check drives random adds,
// removes, renames-in-place (URL kept), faults (a hang, a refused Guid), new Guids, queries and
// time; after every step: no gateway ever received another gateway's Guid, the units of the
// gateways that stayed are the very same objects, and a removed gateway gets no request.
// Replay a failure with CCGW_FLEET_SEED / CCGW_FLEET_PATH; CCGW_FLEET_RUNS sets the number of runs.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { connectionSettings } from '../../src/core/wire/connectionSettings';
import type { CredentialSource } from '../../src/core/credentials/credentialRegistry';
import { GatewayMonitor } from '../../src/core/monitor/gatewayMonitor';
import { createGatewayClient } from '../../src/core/wire/client';
import { Fleet, type FleetUnit } from '../../src/core/fleet/fleet';
import { parseGateways, type GatewayEntry, type GatewayKey } from '../../src/core/fleet/gatewayList';
import { pastedRef } from '../../src/core/ids/credentialRef';
import { gatewayIdOf } from '../../src/core/ids/gatewayId';
import type { AgentId } from '../../src/core/ids/agentId';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { FakeClock } from '../support/fakeClock';

const AGENTS = ['101', '102'];
const NAMES = ['Site A', 'Site B', 'Site C'];

/** Guids per origin, as the extension's store keeps them (one per gateway, never shared). */
class Secrets implements CredentialSource {
  readonly guids = new Map<string, string>();
  guid(origin: string): Promise<string | undefined> {
    return Promise.resolve(this.guids.get(origin));
  }
  hasAny(origin: string): Promise<boolean> {
    return Promise.resolve(this.guids.has(origin));
  }
}

interface Unit extends FleetUnit {
  readonly monitor: GatewayMonitor;
  readonly sim: Simulator;
}

interface Real {
  readonly fleet: Fleet<Unit>;
  readonly sims: readonly Simulator[];
  readonly secrets: Secrets;
  readonly clock: FakeClock;
  /** Which simulators are in the settings now. */
  readonly configured: Set<number>;
  /** Guids each simulator issued (its own, old and new): the only ones it may ever see. */
  readonly issued: Set<string>[];
  /** Requests a removed gateway's simulator had received one step after its removal. */
  readonly frozen: Map<number, number>;
  readonly pending: Promise<unknown>[];
}

type Model = Record<string, never>;
type Cmd = fc.AsyncCommand<Model, Real>;

const network = (ms = 3) => new Promise((r) => setTimeout(r, ms));

function entries(real: Real): GatewayEntry[] {
  const list = [...real.configured].sort().map((i) => ({ name: NAMES[i], url: real.sims[i].url, agents: AGENTS }));
  // Without any listed gateway the (empty) top-level one would come back: not what this models.
  return parseGateways(list, { urlText: '', agents: [], teams: {}, queues: [] }).entries.filter((e) => e.origin !== undefined);
}

/** Reconcile, and check that the gateways that stayed kept their very unit. */
function reconcile(real: Real): void {
  const before = new Map(real.fleet.list.map((u) => [u.key, u]));
  real.fleet.reconcile(entries(real));
  for (const u of real.fleet.list) if (before.has(u.key)) assert.equal(u, before.get(u.key), `${u.key} kept its unit`);
  for (const [key, u] of before) if (!real.fleet.get(key)) assert.ok(!real.configured.has(real.sims.indexOf(u.sim)), `${key} was removed only when it left the settings`);
}

class Add implements Cmd {
  constructor(readonly i: number) {}
  check = () => true;
  run(_m: Model, real: Real) {
    real.configured.add(this.i);
    real.frozen.delete(this.i);
    reconcile(real);
    return Promise.resolve();
  }
  toString = () => `add(${NAMES[this.i]})`;
}

class Remove implements Cmd {
  constructor(readonly i: number) {}
  check = () => true;
  async run(_m: Model, real: Real) {
    if (!real.configured.delete(this.i)) return;
    reconcile(real);
    // What was already on the wire may still land; one settle later nothing more may.
    await network(20);
    real.frozen.set(this.i, real.sims[this.i].stats.requests);
  }
  toString = () => `remove(${NAMES[this.i]})`;
}

class Fault implements Cmd {
  constructor(
    readonly i: number,
    readonly kind: 'hang' | 'none' | 'refuse' | 'newGuid',
  ) {}
  check = () => true;
  run(_m: Model, real: Real) {
    const sim = real.sims[this.i];
    if (this.kind === 'hang') sim.setFault({ kind: 'hang' });
    else if (this.kind === 'none') sim.setFault(undefined);
    else if (this.kind === 'refuse') real.issued[this.i].add(sim.rotateGuid());
    else {
      // The user pastes the gateway's current Guid: only that gateway's credential changes.
      real.secrets.guids.set(sim.origin, sim.guid);
      real.fleet.get(gatewayKey(real, this.i))?.monitor.credentialsChanged(pastedRef(gatewayIdOf(sim.origin)));
    }
    return Promise.resolve();
  }
  toString = () => `${this.kind}(${NAMES[this.i]})`;
}

class Query implements Cmd {
  constructor(readonly i: number) {}
  check = () => true;
  run(_m: Model, real: Real) {
    const unit = real.fleet.get(gatewayKey(real, this.i));
    if (unit) real.pending.push(unit.monitor.query('101' as AgentId).catch(() => undefined));
    return Promise.resolve();
  }
  toString = () => `query(${NAMES[this.i]})`;
}

class Time implements Cmd {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(_m: Model, real: Real) {
    await real.clock.advance(this.ms);
    await network();
  }
  toString = () => `time(${this.ms})`;
}

function gatewayKey(real: Real, i: number): GatewayKey {
  return parseGateways([{ name: NAMES[i], url: real.sims[i].url }], { urlText: '', agents: [], teams: {}, queues: [] }).entries[0].key;
}

function checkInvariants(real: Real): void {
  real.sims.forEach((sim, i) => {
    for (const g of sim.stats.guidsSeen) assert.ok(real.issued[i].has(g), `${NAMES[i]} received a Guid it never issued (another gateway's)`);
    const frozen = real.frozen.get(i);
    if (frozen !== undefined) assert.equal(sim.stats.requests, frozen, `${NAMES[i]} was removed, yet got requests`);
  });
}

/** Runs a command, then checks the invariants: after every step, not only at the end. */
class Checked implements Cmd {
  constructor(readonly cmd: Cmd) {}
  check = () => true;
  async run(m: Model, real: Real) {
    await this.cmd.run(m, real);
    checkInvariants(real);
  }
  toString = () => this.cmd.toString();
}

const index = fc.integer({ min: 0, max: 2 });
const commands = ([
  index.map((i) => new Add(i)),
  index.map((i) => new Add(i)),
  index.map((i) => new Remove(i)),
  fc.tuple(index, fc.constantFrom('hang' as const, 'none' as const, 'refuse' as const, 'newGuid' as const)).map(([i, k]) => new Fault(i, k)),
  index.map((i) => new Query(i)),
  fc.integer({ min: 1, max: 200 }).map((ms) => new Time(ms)),
  fc.integer({ min: 1, max: 200 }).map((ms) => new Time(ms)),
  fc.integer({ min: 1, max: 200 }).map((ms) => new Time(ms)),
] as fc.Arbitrary<Cmd>[]).map((a) => a.map((c) => new Checked(c) as Cmd));

describe('several gateways at once (model-based, three simulators)', function () {
  this.timeout(180_000);
  const sims: Simulator[] = [];

  before(async () => {
    for (let i = 0; i < 3; i++) sims.push(await startSimulator());
  });
  after(async () => {
    await Promise.all(sims.map((s) => s.stop()));
  });

  it('no request of one gateway carries another gateway’s Guid; adds and removes leave the other gateways’ units alone', async () => {
    const runs = Number(process.env.CCGW_FLEET_RUNS ?? 60);
    const seed = process.env.CCGW_FLEET_SEED === undefined ? undefined : Number(process.env.CCGW_FLEET_SEED);
    let steps = 0;
    let requests = 0;
    await fc.assert(
      fc.asyncProperty(fc.commands(commands, { maxCommands: 40, size: 'large' }), async (cmds) => {
        const clock = new FakeClock();
        const secrets = new Secrets();
        for (const s of sims) {
          s.setFault(undefined);
          s.resetStats();
          secrets.guids.set(s.origin, s.guid);
        }
        const fleet = new Fleet<Unit>((entry) => {
          const sim = sims.find((s) => s.origin === entry.origin)!;
          const monitor = new GatewayMonitor(
            {
              gatewayUrlText: entry.urlText,
              agents: AGENTS,
              pollIntervalMs: 50,
              connection: connectionSettings({ origin: sim.origin, caFile: sim.caFile, trustedFingerprints: [], proxy: { strictSSL: true, env: {} }, requestTimeoutMs: 200 }),
            },
            { credentials: secrets, log: { info: () => undefined, warn: () => undefined }, loadClientFactory: () => createGatewayClient, readTextFile: (p) => readFile(p, 'utf8'), clock, jitterRatio: 0 },
            { active: true },
          );
          return { key: entry.key, monitor, sim, dispose: () => monitor.dispose() };
        });
        const real: Real = { fleet, sims, secrets, clock, configured: new Set([0]), issued: sims.map((s) => new Set([s.guid])), frozen: new Map(), pending: [] };
        fleet.reconcile(entries(real));
        try {
          await fc.asyncModelRun(() => ({ model: {}, real }), cmds);
          steps += [...cmds].length;
          await clock.advance(300);
          await network(10);
          checkInvariants(real);
        } finally {
          fleet.dispose();
          for (const s of sims) s.setFault(undefined);
          await Promise.allSettled(real.pending);
          requests += sims.reduce((n, s) => n + s.stats.requests, 0);
        }
        // After dispose nothing new reaches any gateway (what was already on the wire may land first).
        await network(20);
        const after = sims.map((s) => s.stats.requests);
        await clock.advance(1000);
        await network(10);
        assert.deepEqual(sims.map((s) => s.stats.requests), after, 'nothing reaches a gateway once the fleet is disposed');
      }),
      { numRuns: runs, seed, path: process.env.CCGW_FLEET_PATH, endOnFailure: true },
    );
    console.log(`      ${runs} runs, ${steps} steps, ${requests} requests over three simulators; 0 cross-sends, units kept`);
    assert.ok(requests > runs * 10 && steps > runs * 10, 'enough steps and traffic to mean something');
  });
});
