// The team transport against a real redis-server on a loopback port: claims with SET NX PX,
// results announced to every desk, the server's clock, a wrong password, Redis going and
// coming back, and the team's list of desks (what desks reading alone share the budget by).
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import type { AgentStatistics } from '../../src/core/model/statistics';
import type { Published } from '../../src/core/sharing/readSlot';
import { RedisTransport, type RedisTransportOptions } from '../../src/core/sharing/redisTransport';
import { systemClock } from '../../src/core/util/clock';
import { RedisServer } from '../support/redisServer';
import { until } from '../support/wait';

const INTERVAL = 5_000;
const stats = (n: number): AgentStatistics => ({ talktime: n, answernums: n, calloutnums: n });

describe('shared reads: a team through a real redis-server', function () {
  this.timeout(60_000);
  let redis: RedisServer;
  const made: RedisTransport[] = [];
  before(async () => (redis = await RedisServer.required()));
  after(() => redis?.stop());
  afterEach(() => {
    for (const t of made.splice(0)) t.dispose();
  });
  const join = (password = redis.password, more: Partial<RedisTransportOptions> = {}) => {
    const t = new RedisTransport((url, o) => new Redis(url, o), { url: redis.url, password, maxRetryMs: 300, ...more });
    made.push(t);
    return t;
  };

  it('claims with SET NX PX once among desks, announces results to every desk, keeps time from the server', async () => {
    const desks = [join(), join(), join()];
    await until('every desk joined', () => desks.every((d) => d.status === 'shared'), { timeoutMs: 10_000 });
    for (let round = 0; round < 10; round++) {
      const wins = await Promise.all(desks.map((d) => d.claim(`team-k${round}`, 5_000)));
      assert.equal(wins.filter((w) => w === true).length, 1, JSON.stringify(wins));
    }
    const p: Published = { subject: 'stats|gw|101', kind: 'stats', slot: 1, intervalMs: INTERVAL, fetchedAt: desks[0].now(), by: 'x', ok: true, value: stats(7) };
    desks[0].publish(p);
    await until('the result reached every desk', () => desks.every((d) => d.latest('stats|gw|101')?.fetchedAt === p.fetchedAt));
    assert.ok(Math.abs(desks[1].now() - Date.now()) < 2_000, 'the server clock of a local redis is this machine\'s');
    // A desk whose own clock is an hour off still counts slots on the server's clock.
    const skewed = new RedisTransport((url, o) => new Redis(url, o), { url: redis.url, password: redis.password, clock: { ...systemClock, now: () => Date.now() + 3_600_000 } });
    made.push(skewed);
    await until('the skewed desk joined', () => skewed.status === 'shared', { timeoutMs: 10_000 });
    assert.ok(Math.abs(skewed.now() - Date.now()) < 2_000, `slots follow the server's clock (off by ${skewed.now() - Date.now()} ms)`);
  });

  it('a wrong password never joins; Redis gone: offline and claims decided alone; back: joined again', async () => {
    const wrong = join('not-the-password');
    const right = join();
    await until('the right password joins', () => right.status === 'shared', { timeoutMs: 10_000 });
    assert.equal(wrong.status, 'offline');
    await redis.down(true);
    await until('offline after Redis went', () => right.status === 'offline', { timeoutMs: 10_000 });
    assert.equal(await right.claim('gone', 1_000), undefined, 'nobody to decide: the caller reads alone');
    await redis.up();
    await until('joined again', () => right.status === 'shared', { timeoutMs: 15_000 });
    assert.equal(await right.claim('back', 1_000), true);
  });

  it('each desk says it is there; every desk knows the team, and keeps knowing it while Redis is away', async () => {
    const desks = ['desk-b', 'desk-a', 'desk-a', 'desk-c'].map((desk) => join(redis.password, { desk, deskEveryMs: 200 }));
    await until('every desk knows the three desks', () => desks.every((d) => d.desks()?.join(',') === 'desk-a,desk-b,desk-c'), { timeoutMs: 10_000 });
    await redis.down(true);
    await until('the team offline', () => desks.every((d) => d.status === 'offline'), { timeoutMs: 10_000 });
    assert.deepEqual(desks[0].desks(), ['desk-a', 'desk-b', 'desk-c'], 'the last list seen is kept while Redis is away');
    await redis.up();
  });
});
