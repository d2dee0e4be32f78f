// A team on one gateway: 1, 5 and 20 desks watching the same 300 agents, each desk a full
// GatewayConnection with its own per-agent limiter and its own read coordinator, sharing
// through a real redis-server on loopback (started and stopped here). Prints, per team size:
// statistics requests per agent per interval at the simulator (goal 1.00 whatever the size),
// the most requests of one {agentid} in any 2 s, and the added time from a slot's read
// moment to the result shown on a desk that did not read it (p50, p95).
import { readFile } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { connectionSettings } from '../../src/core/wire/connectionSettings';
import { createGatewayClient } from '../../src/core/wire/client';
import { GatewayConnection } from '../../src/core/monitor/gatewayConnection';
import { GATEWAY_AGENT_LIMIT, RateLimiter, VENDOR_LIMIT } from '../../src/core/polling/rateLimiter';
import { ReadCoordinator } from '../../src/core/sharing/readCoordinator';
import { phaseOf } from '../../src/core/sharing/readPhases';
import { RedisTransport } from '../../src/core/sharing/redisTransport';
import { startSimulator } from '../../src/simulator/simulator';
import { RedisServer, redisServerAvailable, REDIS_SERVER } from '../support/redisServer';

const AGENTS = 300;
const INTERVAL = 5_000;
const MEASURED = Number(process.env.BENCH_TEAM_INTERVALS ?? 3);
const ids = Array.from({ length: AGENTS }, (_, i) => String(2001 + i));
const pct = (xs: number[], p: number) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] : NaN);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function team(desks: number, redis: RedisServer): Promise<string> {
  const sim = await startSimulator({ overloadControl: true });
  const parts: { connection: GatewayConnection; reads: ReadCoordinator; transport: RedisTransport; limiter: RateLimiter }[] = [];
  const added: number[] = [];
  let measuring = false;
  try {
    for (let d = 0; d < desks; d++) {
      const transport = new RedisTransport((url, o) => new Redis(url, o), { url: redis.url, password: redis.password });
      const reads = new ReadCoordinator(transport);
      const limiter = new RateLimiter(GATEWAY_AGENT_LIMIT);
      const connection = new GatewayConnection(
        connectionSettings({ origin: sim.origin, caFile: sim.caFile, trustedFingerprints: [], proxy: { strictSSL: true, env: {} }, requestTimeoutMs: 10_000 }),
        { agents: [], intervalMs: INTERVAL, active: true, paused: false },
        {
          credentials: { guid: () => Promise.resolve(sim.guid), hasAny: () => Promise.resolve(true) },
          loadClientFactory: () => createGatewayClient,
          readTextFile: (p) => readFile(p, 'utf8'),
          log: { info: () => undefined, warn: () => undefined },
          rateLimit: (origin, agentId, signal) => limiter.acquire(`${origin}|${agentId}`, signal),
          reads,
        },
      );
      // A result this desk did not read: how long after its slot's read moment it is shown here.
      reads.onResult((p) => {
        if (!measuring || p.kind !== 'stats') return;
        const agent = p.subject.slice(p.subject.lastIndexOf('|') + 1);
        const moment = p.slot * INTERVAL + phaseOf(`${sim.origin}|${agent}`) * INTERVAL * 0.5;
        added.push(transport.now() - moment);
      });
      parts.push({ connection, reads, transport, limiter });
    }
    const t0 = Date.now();
    while (parts.some((p) => p.transport.status !== 'shared') && Date.now() - t0 < 10_000) await sleep(20);
    for (const p of parts) p.connection.setAgents(ids);
    // One interval to settle (every desk's first read is at once), then measured whole intervals.
    await sleep(INTERVAL + (INTERVAL - (Date.now() % INTERVAL)));
    const before = statsRequests(sim);
    sim.queues.log.clear();
    measuring = true;
    await sleep(MEASURED * INTERVAL);
    measuring = false;
    const requests = statsRequests(sim) - before;
    const worst = sim.queues.maxInWindow(VENDOR_LIMIT.windowMs);
    const perAgent = requests / AGENTS / MEASURED;
    return `team of ${desks} desk${desks === 1 ? '' : 's'}: ${perAgent.toFixed(2)} requests per agent per interval (${requests} statistics requests for ${AGENTS} agents over ${MEASURED} intervals of ${INTERVAL / 1000} s); most requests of one agentid in any 2 s: ${worst.count}; added time on desks that did not read: p50 ${desks > 1 ? pct(added, 0.5).toFixed(0) : '–'} ms, p95 ${desks > 1 ? pct(added, 0.95).toFixed(0) : '–'} ms`;
  } finally {
    for (const p of parts) {
      p.connection.dispose();
      p.reads.dispose();
      p.transport.dispose();
      p.limiter.dispose();
    }
    await sim.stop();
  }
}

function statsRequests(sim: Awaited<ReturnType<typeof startSimulator>>): number {
  let n = 0;
  for (const [p, c] of sim.stats.byPath) if (p.endsWith('/statisticsEx')) n += c;
  return n;
}

export async function teamBench(): Promise<string[]> {
  if (!redisServerAvailable()) return [`team: skipped (${REDIS_SERVER} is missing; npm test's prerequisites install Debian's redis-server)`];
  const redis = await RedisServer.start();
  try {
    const lines: string[] = [];
    for (const desks of [1, 5, 20]) lines.push(await team(desks, redis));
    return lines;
  } finally {
    await redis.stop();
  }
}
