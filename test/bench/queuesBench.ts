// in `npm run bench`: requests per poll interval for 200 agents and 20 queues
// (with agent states and a signed-in session), the per-agent peak in any 2 s from the
// simulator's own log, and the limiter's CPU cost per request. Loopback only, bounded, stops.
import { readFile } from 'node:fs/promises';
import { connectionSettings } from '../../src/core/wire/connectionSettings';
import { GatewayMonitor } from '../../src/core/monitor/gatewayMonitor';
import { createGatewayClient } from '../../src/core/wire/client';
import { GATEWAY_AGENT_LIMIT, RateLimiter } from '../../src/core/polling/rateLimiter';
import { QueueMonitor, queueSourceOf } from '../../src/core/monitor/queueMonitor';
import type { AgentId } from '../../src/core/ids/agentId';
import { startSimulator } from '../../src/simulator/simulator';

const AGENTS = 200;
const QUEUES = 20;
const INTERVAL_MS = 5000;
const MEASURED_INTERVALS = 3;

export async function queuesBench(): Promise<string[]> {
  const password = 'bench-only';
  const sim = await startSimulator({ auth: { mode: 1, defaultPassword: password, eventHoldMs: 2000 }, overloadControl: true });
  sim.queues.setQueues(Array.from({ length: QUEUES }, (_, i) => ({ id: 500 + i, name: `Queue ${i}` })));
  const agents = Array.from({ length: AGENTS }, (_, i) => String(1001 + i));
  const monitor = new GatewayMonitor(
    {
      gatewayUrlText: sim.url,
      agents,
      pollIntervalMs: INTERVAL_MS,
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
  monitor.setAgentStateEnabled(true);
  const queues = new QueueMonitor(queueSourceOf(monitor), { queueIds: [], intervalMs: INTERVAL_MS }, { active: true });
  const lines: string[] = [];
  try {
    if (!(await monitor.signIn('1001' as AgentId, { password }))) throw new Error('bench sign-in failed');
    const deadline = Date.now() + 20_000;
    while (!(queues.all().length === QUEUES && queues.all().every((q) => q.state === 'ok') && monitor.store.all().every((e) => e.state === 'ok'))) {
      if (Date.now() > deadline) throw new Error('queues bench: numbers did not arrive within 20 s');
      await new Promise((r) => setTimeout(r, 50));
    }
    // Counted from here: whole intervals of the steady state.
    const byPath = () => new Map(sim.stats.byPath);
    const before = byPath();
    const events0 = sim.sessions.stats.eventPolls;
    await new Promise((r) => setTimeout(r, INTERVAL_MS * MEASURED_INTERVALS));
    const after = byPath();
    const count = (re: RegExp) => [...after].filter(([p]) => re.test(p)).reduce((n, [p, c]) => n + c - (before.get(p) ?? 0), 0);
    const per = (n: number) => (n / MEASURED_INTERVALS).toFixed(1);
    const ex = count(/\/statisticsEx$/), state = count(/\/agentbyworkno\//), batch = count(/\/agentbylist$/), skill = count(/\/agentbyskill\//), acd = count(/\/queryacdstat$/), vdn = count(/\/agentvdnskill$/);
    const worst = sim.queues.maxInWindow(2000);
    lines.push('');
    lines.push(`Queues: ${AGENTS} agents with state, ${QUEUES} queues, one signed-in session, ${INTERVAL_MS / 1000} s interval, ${MEASURED_INTERVALS} intervals measured`);
    lines.push(`  requests per interval: statisticsEx ${per(ex)}, agentbyworkno ${per(state)}, agentbylist ${per(batch)}, agentbyskill ${per(skill)}, queryacdstat ${per(acd)}, agentvdnskill ${per(vdn)}, event polls ${per(sim.sessions.stats.eventPolls - events0)} (the session's, not counted by the vendor)`);
    lines.push(`  most requests of one {agentid} in any 2 s (simulator's log, whole run): ${worst.count} (agent ${worst.agent}; vendor limit 5); answered 000-007: ${sim.queues.overloadAnswers}`);
  } finally {
    queues.dispose();
    await monitor.shutdown();
    await sim.stop();
  }
  lines.push(...(await limiterCost()));
  return lines;
}

/** The limiter on the request path: acquisitions under the budget (the steady state), in one run with a loop without it. */
async function limiterCost(): Promise<string[]> {
  const N = 2_000_000;
  const keys = Array.from({ length: 1000 }, (_, i) => `https://127.0.0.1:8043|${1001 + i}`);
  let t = 0;
  // A clock that moves 3 ms per call: each key is asked every ~3 s, never over its budget.
  const clock = { now: () => (t += 3), setTimeout: () => 0, clearTimeout: () => undefined };
  const limiter = new RateLimiter(GATEWAY_AGENT_LIMIT, clock);
  const noop = () => undefined;
  const run = async (withLimiter: boolean) => {
    const t0 = process.cpuUsage();
    const pending: Promise<unknown>[] = [];
    for (let i = 0; i < N; i++) {
      const key = keys[i % keys.length];
      // Acquire, then release when "answered" (the next turn), as the connection does.
      pending.push(withLimiter ? limiter.acquire(key).then((release) => release()) : Promise.resolve(noop).then((release) => release()));
      if (pending.length === 1000) await Promise.all(pending.splice(0));
    }
    await Promise.all(pending);
    const u = process.cpuUsage(t0);
    return ((u.user + u.system) * 1000) / N; // ns per request
  };
  await run(true);
  await run(false); // warm both paths
  const baseline = await run(false);
  const limited = await run(true);
  limiter.dispose();
  return [`  limiter CPU: ${(limited - baseline).toFixed(0)} ns per request over a bare promise round trip (${limited.toFixed(0)} vs ${baseline.toFixed(0)} ns, ${N.toLocaleString('en')} requests on 1,000 agents under budget)`];
}
