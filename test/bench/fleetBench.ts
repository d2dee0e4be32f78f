// cost: three gateways × 300 agents, each gateway its own simulator process, its own
// Guid and its own GatewayConnection inside one core Fleet, as the extension builds them.
// Prints requests per gateway per interval (exactly one statistics request per agent is the
// goal), client CPU per request and the cycle time, and checks that no gateway answered a
// request with another gateway's Guid (it would have answered 000-003).
import { readFile } from 'node:fs/promises';
import { connectionSettings } from '../../src/core/wire/connectionSettings';
import { GatewayConnection } from '../../src/core/monitor/gatewayConnection';
import { createGatewayClient } from '../../src/core/wire/client';
import { Fleet } from '../../src/core/fleet/fleet';
import { parseGateways, type GatewayKey } from '../../src/core/fleet/gatewayList';
import { startSimProcess, type Sim } from './simProcess';

const GATEWAYS = 3;
const AGENTS = 300;
const CYCLES = Number(process.env.BENCH_REPEATS ?? 10);
const WARMUP = 5;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

interface Unit {
  readonly key: GatewayKey;
  readonly name: string;
  readonly connection: GatewayConnection;
  /** Statistics requests per agent in the current cycle. */
  readonly counts: Map<string, number>;
  failures: number;
  dispose(): void;
}

export async function fleetBench(): Promise<string[]> {
  const sims: Sim[] = [];
  const ids = Array.from({ length: AGENTS }, (_, i) => String(2001 + i));
  try {
    for (let i = 0; i < GATEWAYS; i++) sims.push(await startSimProcess());
    let pending = 0;
    let cycleDone: () => void = () => undefined;
    const fleet = new Fleet<Unit>((entry) => {
      const sim = sims.find((s) => new URL(s.url).origin === entry.origin)!;
      const connection = new GatewayConnection(
        connectionSettings({ origin: entry.origin!, caFile: sim.caFile, trustedFingerprints: [], proxy: { strictSSL: true, env: {} }, requestTimeoutMs: 10_000 }),
        // One cycle per refresh(): the timer never fires on its own during the bench.
        { agents: [], intervalMs: 3_600_000, active: true, paused: false },
        {
          credentials: { guid: () => Promise.resolve(sim.guid), hasAny: () => Promise.resolve(true) },
          loadClientFactory: () => createGatewayClient,
          readTextFile: (p) => readFile(p, 'utf8'),
          log: { info: () => undefined, warn: () => undefined },
          jitterRatio: 0,
        },
      );
      const unit: Unit = { key: entry.key, name: entry.name, connection, counts: new Map(), failures: 0, dispose: () => connection.dispose() };
      connection.onOutcome(({ agentId, outcome }) => {
        unit.counts.set(agentId, (unit.counts.get(agentId) ?? 0) + 1);
        if (!outcome.ok) unit.failures++;
        if (--pending === 0) cycleDone();
      });
      return unit;
    });
    const list = sims.map((s, i) => ({ name: `Site ${String.fromCharCode(65 + i)}`, url: s.url, agents: ids }));
    fleet.reconcile(parseGateways(list, { urlText: '', agents: [], teams: {}, queues: [] }).entries);
    const cycleMs: number[] = [];
    const cpuPerRequestUs: number[] = [];
    const perGateway = new Map<string, number[]>();
    let exact = true;
    let failures = 0;
    for (let r = 0; r < WARMUP + CYCLES; r++) {
      for (const u of fleet.list) u.counts.clear();
      pending = GATEWAYS * AGENTS;
      const done = new Promise<void>((resolve) => (cycleDone = resolve));
      const c0 = cpuMs();
      const t0 = performance.now();
      for (const u of fleet.list) {
        if (r === 0) u.connection.setAgents(ids);
        else u.connection.refresh();
      }
      await done;
      const ms = performance.now() - t0;
      const cpu = cpuMs() - c0;
      if (r < WARMUP) continue;
      cycleMs.push(ms);
      cpuPerRequestUs.push((cpu / (GATEWAYS * AGENTS)) * 1000);
      for (const u of fleet.list) {
        const total = [...u.counts.values()].reduce((a, b) => a + b, 0);
        perGateway.set(u.name, [...(perGateway.get(u.name) ?? []), total]);
        if (u.counts.size !== AGENTS || [...u.counts.values()].some((n) => n !== 1)) exact = false;
        failures += u.failures;
        u.failures = 0;
      }
    }
    fleet.dispose();
    const rows = [...perGateway].map(([name, totals]) => `${name} ${median(totals)}`).join(', ');
    return [
      `\nseveral gateways: ${GATEWAYS} gateways × ${AGENTS} agents, each its own simulator process and GatewayConnection in one Fleet, medians of ${CYCLES} cycles after ${WARMUP}`,
      `  statistics requests per gateway per interval: ${rows} (${exact ? 'exactly one per agent' : 'NOT one per agent'}); failed answers (a Guid sent to the wrong gateway would be 000-003): ${failures}`,
      `  cycle (all ${GATEWAYS * AGENTS} agents, all gateways at once) p50 ${median(cycleMs).toFixed(1)} ms; client CPU ${median(cpuPerRequestUs).toFixed(0)} µs per request`,
    ];
  } finally {
    for (const s of sims) s.child.kill('SIGTERM');
  }
}
