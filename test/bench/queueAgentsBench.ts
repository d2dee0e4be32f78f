// In `npm run bench`: a queue's agents and typed agents' states, counted at the simulator.
//  - 20 queues × 100 agents (2,000 agents in the center): state requests per queue cycle
//    (goal: one agentbyskill per queue, 20, not 2,000 agentbyworkno), and the cost of
//    deriving every queue's rows (sort, counts by state) after 10 % of the agents changed state.
//  - 300 typed agents: state requests per interval (goal: 3 agentbylist, not 300).
// Loopback only, bounded (about 40 s), stops by itself.
import { readFile } from 'node:fs/promises';
import { connectionSettings } from '../../src/core/wire/connectionSettings';
import { GatewayMonitor } from '../../src/core/monitor/gatewayMonitor';
import { createGatewayClient } from '../../src/core/wire/client';
import { GATEWAY_AGENT_LIMIT } from '../../src/core/polling/rateLimiter';
import { QueueMonitor, queueSourceOf } from '../../src/core/monitor/queueMonitor';
import { queueStateCounts, sortQueueAgents } from '../../src/core/supervisor/queueAgents';
import type { AgentId } from '../../src/core/ids/agentId';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';

const QUEUES = 20;
const PER_QUEUE = 100;
const TYPED = 300;
const CYCLES = 2;

function monitorFor(sim: Simulator, agents: string[], intervalMs: number, password: string): GatewayMonitor {
  return new GatewayMonitor(
    {
      gatewayUrlText: sim.url,
      agents,
      pollIntervalMs: intervalMs,
      connection: connectionSettings({ origin: sim.origin, caFile: sim.caFile, trustedFingerprints: [], proxy: { strictSSL: true, env: {} }, requestTimeoutMs: 10_000 }),
    },
    {
      credentials: { guid: () => Promise.resolve(sim.guid), hasAny: () => Promise.resolve(true), password: () => Promise.resolve(password) },
      loadClientFactory: () => createGatewayClient,
      readTextFile: (p) => readFile(p, 'utf8'),
      log: { info: () => undefined, warn: () => undefined },
    },
    { active: true, rateLimit: GATEWAY_AGENT_LIMIT },
  );
}

async function waitFor(what: string, probe: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`queue agents bench: ${what} did not happen within ${ms / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const requestsTo = (sim: Simulator, re: RegExp) => [...sim.stats.byPath].filter(([p]) => re.test(p)).reduce((n, [, c]) => n + c, 0);

async function queueAgentsLines(): Promise<string[]> {
  const password = 'bench-only';
  const sim = await startSimulator({ auth: { mode: 1, defaultPassword: password, eventHoldMs: 2000 }, overloadControl: true, seed: 1 });
  sim.queues.setQueues(Array.from({ length: QUEUES }, (_, q) => ({ id: 500 + q, name: `Queue ${q}`, members: Array.from({ length: PER_QUEUE }, (_, i) => String(2001 + q * PER_QUEUE + i)) })));
  const all = Array.from({ length: QUEUES * PER_QUEUE }, (_, i) => String(2001 + i));
  for (const a of all) sim.center.enrol(a);
  // The asking agent only: no typed agents here, so every state request counted is a queue's.
  // A long interval: the measured cycles are the ones started here, each run to its end.
  const monitor = monitorFor(sim, [], 120_000, password);
  const queues = new QueueMonitor(queueSourceOf(monitor), { queueIds: [], intervalMs: 120_000 }, { active: true });
  try {
    if (!(await monitor.signIn('1001' as AgentId, { password }))) throw new Error('bench sign-in failed');
    await waitFor('every queue\'s agents', () => queues.all().length === QUEUES && queues.all().every((q) => q.agents?.list.length === PER_QUEUE));
    const cycles0 = queues.counts.cycles;
    const skill0 = requestsTo(sim, /\/agentbyskill\//);
    const single0 = requestsTo(sim, /\/agentbyworkno\//);
    for (let c = 1; c <= CYCLES; c++) {
      // 10 % of the agents change state before each cycle.
      for (let i = 0; i < all.length; i += 10) sim.agentStates.set(all[(i + c) % all.length], c % 2 === 0 ? 'talking' : 'rest');
      const start = Date.now();
      queues.refresh();
      await waitFor(`cycle ${c}`, () => queues.all().every((q) => (q.agents?.fetchedAt ?? 0) >= start));
    }
    const cycles = queues.counts.cycles - cycles0;
    const skill = (requestsTo(sim, /\/agentbyskill\//) - skill0) / cycles;
    const single = requestsTo(sim, /\/agentbyworkno\//) - single0;
    // Deriving every queue's rows from the lists just read (what a tree refresh computes beyond VS Code's own drawing).
    const entries = queues.all();
    const derive = () => {
      let n = 0;
      for (const e of entries) {
        const list = e.agents!.list;
        n += sortQueueAgents(list, 'state', () => undefined).length + queueStateCounts(list).length;
      }
      return n;
    };
    for (let i = 0; i < 20; i++) derive();
    const rounds = 200;
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < rounds; i++) derive();
    const cpu = process.cpuUsage(cpu0);
    const perRefreshMs = (cpu.user + cpu.system) / 1000 / rounds;
    const worst = sim.queues.maxInWindow(2000);
    return [
      '',
      `queue agents: ${all.length} agents, ${skill.toFixed(0)} state requests per interval (${QUEUES} queues × ${PER_QUEUE}; agentbyskill per queue cycle over ${cycles} cycles; agentbyworkno sent: ${single})`,
      `  tree refresh when 10 % change state: ${perRefreshMs.toFixed(2)} ms CPU to sort and count all ${all.length} queue agent rows (${entries.length} queues, mean of ${rounds})`,
      `  most requests of one {agentid} in any 2 s: ${worst.count} (agent ${worst.agent}; vendor limit 5); answered 000-007: ${sim.queues.overloadAnswers}`,
    ];
  } finally {
    queues.dispose();
    await monitor.shutdown();
    await sim.stop();
  }
}

async function typedAgentsLines(): Promise<string[]> {
  const INTERVAL = 10_000;
  const sim = await startSimulator({ overloadControl: true, seed: 2 });
  const agents = Array.from({ length: TYPED }, (_, i) => String(3001 + i));
  const monitor = monitorFor(sim, agents, INTERVAL, 'unused');
  monitor.setAgentStateEnabled(true);
  try {
    await waitFor('every typed agent\'s state', () => agents.every((a) => monitor.states.get(a)));
    const batch0 = requestsTo(sim, /\/agentbylist$/);
    const single0 = requestsTo(sim, /\/agentbyworkno\//);
    await new Promise((r) => setTimeout(r, INTERVAL * CYCLES));
    const batch = (requestsTo(sim, /\/agentbylist$/) - batch0) / CYCLES;
    const single = (requestsTo(sim, /\/agentbyworkno\//) - single0) / CYCLES;
    return [`typed agents: ${TYPED} agents, ${(batch + single).toFixed(0)} state requests per interval (agentbylist ${batch.toFixed(1)}, agentbyworkno ${single.toFixed(1)}; ${CYCLES} intervals of ${INTERVAL / 1000} s)`];
  } finally {
    await monitor.shutdown();
    await sim.stop();
  }
}

export async function queueAgentsBench(): Promise<string[]> {
  return [...(await queueAgentsLines()), ...(await typedAgentsLines())];
}
