// The per-{agentid} limiter. 5,000 random schedules of polls, refreshes, Query Now
// and queue cycles (seeded, reproducible), each request taking a random time to be answered and
// arriving at the gateway at a random moment of that time: no window of 2 s holds more than 5
// arrivals of one agent, nothing is dropped, cancelled waits leave the queue.
import assert from 'node:assert/strict';
import { GATEWAY_AGENT_LIMIT, RateLimiter, VENDOR_LIMIT } from '../../src/core/polling/rateLimiter';
import { FakeClock, seededRandom } from '../support/fakeClock';

async function flush(): Promise<void> {
  for (let i = 0; i < 4; i++) await Promise.resolve();
}


/** The most sends of one key within any window of `windowMs` (sorted times). */
function maxInWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < times.length; hi++) {
    while (times[hi] - times[lo] >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

describe('rate limiter: 5 per {agentid} per 2 s, across every counted family', () => {
  it('keeps to the vendor limit with a margin, and is exactly the documented numbers', () => {
    assert.deepEqual(VENDOR_LIMIT, { max: 5, windowMs: 2000 });
    assert.equal(GATEWAY_AGENT_LIMIT.max, 5);
    assert.ok(GATEWAY_AGENT_LIMIT.windowMs >= VENDOR_LIMIT.windowMs);
  });

  it('5,000 random schedules of polls, refreshes, queries and queue cycles: never more than 5 in 2 s, nothing dropped', async function () {
    this.timeout(60_000);
    let totalDelayed = 0;
    for (let seed = 1; seed <= 5000; seed++) {
      const random = seededRandom(seed);
      const clock = new FakeClock(0, flush);
      const limiter = new RateLimiter(GATEWAY_AGENT_LIMIT, clock);
      const agents = Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => `https://gw:8043|${101 + i}`);
      const session = agents[0];
      const sent = new Map<string, number[]>(agents.map((a) => [a, []]));
      /** When each request reached the "gateway": between leaving and its answer. */
      const arrived = new Map<string, number[]>(agents.map((a) => [a, []]));
      const order = new Map<string, number[]>(agents.map((a) => [a, []]));
      let asked = 0;
      let settled = 0;
      let cancelled = 0;
      let seq = 0;
      const request = (key: string, cancelAfter?: number) => {
        asked++;
        const n = seq++;
        const ac = new AbortController();
        if (cancelAfter !== undefined) clock.setTimeout(() => ac.abort(), cancelAfter);
        limiter.acquire(key, cancelAfter === undefined ? undefined : ac.signal).then(
          (release) => {
            const left = clock.now();
            sent.get(key)!.push(left);
            order.get(key)!.push(n);
            // Answered 0–900 ms later (now and then a slow one), having reached the gateway somewhere in between.
            const latency = random() < 0.05 ? 900 + Math.floor(random() * 3000) : Math.floor(random() * 900);
            arrived.get(key)!.push(left + Math.floor(random() * latency));
            clock.setTimeout(() => {
              release();
              settled++;
            }, latency);
          },
          (e: { kind?: string }) => {
            assert.equal(e.kind, 'cancelled');
            cancelled++;
            settled++;
          },
        );
      };
      // Events over 20 s: an interval poll (statisticsEx + agentbyworkno per agent, a queryacdstat
      // per 100 queues as the session's agent), Refresh (the same at once), Query Now on one agent
      // (statisticsEx, sometimes the detailed statistics too), Watch Queues (agentvdnskill).
      const horizon = 20_000;
      for (let at = 0; at < horizon; at += Math.floor(random() * 1500)) {
        await clock.runUntil(at);
        const r = random();
        if (r < 0.35) {
          for (const a of agents) {
            request(a);
            request(a);
          }
          for (let c = 0, chunks = 1 + Math.floor(random() * 2); c < chunks; c++) request(session);
        } else if (r < 0.6) {
          const a = agents[Math.floor(random() * agents.length)];
          request(a);
          if (random() < 0.3) request(a);
        } else if (r < 0.75) {
          for (let i = 0, burst = 1 + Math.floor(random() * 8); i < burst; i++) request(agents[Math.floor(random() * agents.length)]);
        } else if (r < 0.85) {
          request(session, random() < 0.5 ? Math.floor(random() * 3000) : undefined);
        } else {
          request(session);
        }
      }
      await clock.runUntil(horizon + 120_000);
      assert.equal(settled, asked, `seed ${seed}: every request went or was cancelled (nothing left waiting)`);
      for (const [key, times] of sent) {
        const arrivals = [...arrived.get(key)!].sort((x, y) => x - y);
        const most = maxInWindow(arrivals, VENDOR_LIMIT.windowMs);
        assert.ok(most <= VENDOR_LIMIT.max, `seed ${seed}: ${most} requests of ${key} arrived within 2 s (${arrivals.join(',')})`);
        assert.equal(times.length, arrivals.length);
        const o = order.get(key)!;
        assert.deepEqual(o, [...o].sort((x, y) => x - y), `seed ${seed}: first come, first served`);
      }
      assert.equal(clock.pending, 0, `seed ${seed}: no timer left behind`);
      totalDelayed += limiter.delayed;
      assert.ok(cancelled >= 0);
      limiter.dispose();
    }
    assert.ok(totalDelayed > 10_000, `the schedules did push the limiter (${totalDelayed} requests waited)`);
  });

  it('a burst of 12 on one agent: 5 at once, then as each slot runs out a window after its answer; other agents are not held up', async () => {
    const clock = new FakeClock(0, flush);
    const limiter = new RateLimiter(GATEWAY_AGENT_LIMIT, clock);
    const times: number[] = [];
    // Each answered 100 ms after it left.
    for (let i = 0; i < 12; i++) void limiter.acquire('a').then((release) => (times.push(clock.now()), clock.setTimeout(release, 100)));
    let other = -1;
    void limiter.acquire('b').then(() => (other = clock.now()));
    await clock.runUntil(0);
    assert.deepEqual(times, [0, 0, 0, 0, 0]);
    assert.equal(other, 0);
    await clock.runUntil(10_000);
    assert.deepEqual(times, [0, 0, 0, 0, 0, 2300, 2300, 2300, 2300, 2300, 4600, 4600]);
  });

  it('a request still waiting for its answer keeps its slot: the sixth waits for it, however long it takes', async () => {
    const clock = new FakeClock(0, flush);
    const limiter = new RateLimiter(GATEWAY_AGENT_LIMIT, clock);
    const releases: (() => void)[] = [];
    for (let i = 0; i < 5; i++) releases.push(await limiter.acquire('a'));
    let sixth = -1;
    void limiter.acquire('a').then(() => (sixth = clock.now()));
    await clock.runUntil(10_000);
    assert.equal(sixth, -1, 'five in flight for 10 s: the sixth has not left');
    releases[0]();
    releases[0](); // a second release changes nothing
    await clock.runUntil(12_199);
    assert.equal(sixth, -1);
    await clock.runUntil(12_200);
    assert.equal(sixth, 12_200, 'one window after the first answer');
    for (const r of releases.slice(1)) r();
  });

  it('a cancelled wait leaves the queue without taking a slot; dispose rejects what still waits', async () => {
    const clock = new FakeClock(0, flush);
    const limiter = new RateLimiter(GATEWAY_AGENT_LIMIT, clock);
    for (let i = 0; i < 5; i++) (await limiter.acquire('a'))();
    const ac = new AbortController();
    const cancelled = limiter.acquire('a', ac.signal);
    const later: number[] = [];
    void limiter.acquire('a').then(() => later.push(clock.now()));
    ac.abort();
    await assert.rejects(cancelled, (e: { kind?: string }) => e.kind === 'cancelled');
    await clock.runUntil(2200);
    assert.deepEqual(later, [2200], 'the next in line went when the first slot freed');
    for (let i = 0; i < 4; i++) void limiter.acquire('a');
    const waiting = limiter.acquire('a');
    await clock.runUntil(2200);
    limiter.dispose();
    await assert.rejects(waiting, (e: { kind?: string }) => e.kind === 'cancelled');
    await assert.rejects(limiter.acquire('a'), (e: { kind?: string }) => e.kind === 'cancelled');
  });
});
