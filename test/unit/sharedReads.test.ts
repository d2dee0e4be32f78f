// Shared reads: a slot is claimed before its read is sent, the winner's result is what the
// others show, an older result never replaces a newer one, nothing but numbers is published;
// and the windows of one machine decide claims through one hub over the real local channel.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { GatewayError, isGatewayError } from '../../src/core/model/errors';
import type { QueueAgents } from '../../src/core/model/queues';
import type { AgentStatistics } from '../../src/core/model/statistics';
import { MemoryHub } from '../../src/core/sharing/memoryHub';
import { ReadCoordinator, SHARED_READ_CODE } from '../../src/core/sharing/readCoordinator';
import { LocalTransport } from '../../src/core/sharing/localTransport';
import { parsePublished, subjectKey, type Published } from '../../src/core/sharing/readSlot';
import { FakeClock } from '../support/fakeClock';
import { sleep, until } from '../support/wait';

const INTERVAL = 5_000;
const subject = { gateway: 'https://gw.test:8443', kind: 'stats' as const, what: '101' };
const options = (signal = new AbortController().signal) => ({ intervalMs: INTERVAL, timeoutMs: 2_000, signal });

function stats(n: number): AgentStatistics {
  return { talktime: n, answernums: n, calloutnums: n };
}

describe('shared reads: the coordinator', () => {
  it('sends one read per slot however many coordinators ask, and gives the others its result', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const hub = new MemoryHub(clock);
    const desks = [0, 1, 2].map(() => new ReadCoordinator(hub.participant(), clock));
    let sent = 0;
    const send = () => {
      sent++;
      return Promise.resolve(stats(sent));
    };
    const got = await Promise.all(desks.map((d) => d.read(subject, options(), send)));
    assert.equal(sent, 1, 'one request for the slot');
    assert.deepEqual(got, [stats(1), stats(1), stats(1)]);
    // Later in the same slot: still the published result.
    await clock.advance(1_000);
    assert.deepEqual(await desks[2].read(subject, options(), send), stats(1));
    assert.equal(sent, 1);
    // The next slot is read again, once.
    await clock.advance(INTERVAL);
    await Promise.all(desks.map((d) => d.read(subject, options(), send)));
    assert.equal(sent, 2);
  });

  it('a watcher that lost the claim and hears nothing says so within the slot, and claims the next slot', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const hub = new MemoryHub(clock);
    const [a, b] = [new ReadCoordinator(hub.participant(), clock), new ReadCoordinator(hub.participant(), clock)];
    // a wins and never answers (a window that crashed with the claim).
    void a.read(subject, options(), () => new Promise<AgentStatistics>(() => undefined));
    await clock.advance(0);
    const waiting = b.read(subject, options(), () => Promise.resolve(stats(9)));
    const failed = waiting.then(() => undefined, (e: unknown) => e);
    await clock.advance(2_000);
    const e = await failed;
    assert.ok(isGatewayError(e) && e.details.code === SHARED_READ_CODE, `late read: ${String(e)}`);
    assert.match((e).message, /shared its read in time/);
    await clock.advance(INTERVAL);
    assert.deepEqual(await b.read(subject, options(), () => Promise.resolve(stats(9))), stats(9));
  });

  it('adopts an agent-level failure (not signed in) but not a refusal of the reader\'s credential', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const hub = new MemoryHub(clock);
    const [a, b] = [new ReadCoordinator(hub.participant(), clock), new ReadCoordinator(hub.participant(), clock)];
    await a.read(subject, options(), () => Promise.reject(new GatewayError('agent-offline', 'x', { retcode: '100-006' }))).catch(() => undefined);
    const adopted = await b.read(subject, options(), () => Promise.resolve(stats(1))).catch((e: unknown) => e);
    assert.ok(isGatewayError(adopted) && adopted.kind === 'agent-offline');
    await clock.advance(INTERVAL);
    await a.read(subject, options(), () => Promise.reject(new GatewayError('auth', 'refused', { retcode: '000-003' }))).catch(() => undefined);
    // Not an auth stop of b's own credential: b reads the slot again with it, once among everyone.
    let sent = 0;
    const send = () => Promise.resolve(stats(++sent));
    assert.deepEqual(await b.read(subject, options(), send), stats(1));
    assert.deepEqual(await a.read(subject, options(), send), stats(1), 'a uses b\'s read');
    assert.equal(sent, 1);
  });

  it('with the team offline, a Refresh is answered by this interval\'s read (every desk reads alone then)', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const hub = new MemoryHub(clock);
    const alone = new ReadCoordinator(hub.participant('offline'), clock);
    let sent = 0;
    const send = () => Promise.resolve(stats(++sent));
    assert.deepEqual(await alone.read(subject, options(), send), stats(1));
    await clock.advance(2_500);
    assert.deepEqual(await alone.read(subject, { ...options(), onDemand: true }, send), stats(1), 'no request on top of the desk\'s own read');
    assert.equal(sent, 1);
    await clock.advance(INTERVAL);
    assert.deepEqual(await alone.read(subject, { ...options(), onDemand: true }, send), stats(2), 'a new interval: read');
  });

  it('a window whose credential changed reads the slot itself: results read before the change are not its answer', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const hub = new MemoryHub(clock);
    const a = new ReadCoordinator(hub.participant(), clock);
    let sent = 0;
    const send = () => Promise.resolve(stats(++sent));
    assert.deepEqual(await a.read(subject, options(), send), stats(1));
    await clock.advance(500);
    // The same slot: without a change the published result answers; after one (a new Guid) it does not.
    assert.deepEqual(await a.read(subject, options(), send), stats(1));
    const notBefore = clock.now();
    assert.deepEqual(await a.read(subject, { ...options(), notBefore }, send), stats(2));
    assert.equal(sent, 2);
  });

  it('a reader\'s own failure does not hold the slot: the next read of the slot is sent once, by whoever claims it', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const hub = new MemoryHub(clock);
    const [a, b] = [new ReadCoordinator(hub.participant(), clock), new ReadCoordinator(hub.participant(), clock)];
    // a has no Guid yet: its read fails without an answer the others could use.
    await a.read(subject, options(), () => Promise.reject(new GatewayError('auth', 'no Guid', { code: 'NO_GUID' }))).catch(() => undefined);
    await clock.advance(500);
    // The Guid is set: a reads again in the same slot, and b, asking at once, uses that read.
    let sent = 0;
    const send = () => Promise.resolve(stats(++sent));
    const [ra, rb] = await Promise.all([a.read(subject, options(), send), b.read(subject, options(), send)]);
    assert.deepEqual([ra, rb], [stats(1), stats(1)]);
    assert.equal(sent, 1, 'one read after the failure, not one per window');
  });

  it('a Refresh reads again within the interval, once per 2 s among everyone', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const hub = new MemoryHub(clock);
    const [a, b] = [new ReadCoordinator(hub.participant(), clock), new ReadCoordinator(hub.participant(), clock)];
    let sent = 0;
    const send = () => Promise.resolve(stats(++sent));
    await a.read(subject, options(), send);
    await clock.advance(100);
    const demand = { ...options(), onDemand: true };
    // Asked for now: new numbers, although the slot was read 100 ms ago.
    const [x, y] = await Promise.all([a.read(subject, demand, send), b.read(subject, demand, send)]);
    assert.equal(sent, 2, 'one more request for both windows\' Refresh');
    assert.deepEqual(x, stats(2));
    assert.deepEqual(y, stats(2));
    await clock.advance(2_000);
    await b.read(subject, demand, send);
    assert.equal(sent, 3, 'the next 2 s may read again');
  });

  it('a state batch (agentbylist) is read once per slot among the windows asking it, and its agents reach them', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const hub = new MemoryHub(clock);
    const [a, b] = [new ReadCoordinator(hub.participant(), clock), new ReadCoordinator(hub.participant(), clock)];
    const batch = { gateway: subject.gateway, kind: 'state' as const, what: 'batch:101:101,102' };
    const answer: QueueAgents = {
      agents: [
        { workno: '101', presence: 'idle', status: 4, ctiStatus: 4, secondsInState: 12 },
        { workno: '102', presence: 'talking', status: 7, name: 'Li Lei' },
      ],
      skipped: 0,
      cut: false,
    };
    let sent = 0;
    const send = () => {
      sent++;
      return Promise.resolve({ ...answer, guid: 'GUID-SECRET-1234' } as QueueAgents);
    };
    const reads = Promise.all([a.read(batch, options(), send), b.read(batch, options(), send).catch((e: unknown) => e)]);
    // Long enough for a window that lost the claim to give up waiting (the request timeout).
    await clock.advance(2_000);
    const [x, y] = await reads;
    assert.equal(sent, 1, 'one agentbylist for both windows');
    assert.deepEqual(y, answer, `the window that lost the claim has the agents' states, not: ${String(y)}`);
    assert.equal(x.agents.length, 2);
    assert.doesNotMatch(JSON.stringify(hub.board.latest(subjectKey(batch))), /GUID-SECRET/);
    // Another round of polls in the same slot (a Refresh) in the window that read it: the slot's batch, not a second agentbylist.
    await clock.advance(1_000);
    assert.deepEqual(await a.read(batch, options(), send), answer);
    assert.equal(sent, 1, 'no second agentbylist in the slot');
    await clock.advance(INTERVAL);
    await Promise.all([a.read(batch, options(), send), b.read(batch, options(), send)]);
    assert.equal(sent, 2, 'the next slot is read again, once');
  });

  it('Refresh clicked again and again in two windows: one read per agent per 2 s among them, and every click shows numbers read after it', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const hub = new MemoryHub(clock);
    const [a, b] = [new ReadCoordinator(hub.participant(), clock), new ReadCoordinator(hub.participant(), clock)];
    const sentAt: number[] = [];
    const send = () => {
      sentAt.push(clock.now());
      return Promise.resolve(stats(sentAt.length));
    };
    const demand = { ...options(), onDemand: true };
    // The first click in each window: the bucket's one read.
    assert.deepEqual(await Promise.all([a.read(subject, demand, send), b.read(subject, demand, send)]), [stats(1), stats(1)]);
    // Three more clicks in each window within 600 ms (the call ended in between): neither window
    // may read again in these 2 s (its claim is its own), and none may show the read before it.
    const later: Promise<AgentStatistics>[] = [];
    for (let click = 0; click < 3; click++) {
      await clock.advance(200);
      later.push(a.read(subject, demand, send), b.read(subject, demand, send));
    }
    await clock.advance(2_000);
    const got = await Promise.all(later);
    assert.deepEqual(got, got.map(() => stats(2)), 'every later click: the next 2 s\'s read');
    assert.equal(sentAt.length, 2, `two requests for eight Refreshes in two buckets of 2 s, sent at ${sentAt.join(', ')}`);
    assert.ok(Math.floor(sentAt[1] / 2_000) > Math.floor(sentAt[0] / 2_000), 'one read per bucket of 2 s');
  });

  it('never lets an older result replace a newer one', () => {
    const clock = new FakeClock(1_700_000_000_000);
    const hub = new MemoryHub(clock);
    const key = subjectKey(subject);
    const p = (slot: number, n: number): Published => ({ subject: key, kind: 'stats', slot, intervalMs: INTERVAL, fetchedAt: slot * INTERVAL + 10, by: 'x', ok: true, value: stats(n) });
    hub.publish(p(11, 11));
    hub.publish(p(10, 10));
    assert.deepEqual(hub.board.latest(key)?.value, stats(11));
  });

  it('publishes numbers only: a Guid in an answer never reaches the others', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const hub = new MemoryHub(clock);
    const seen: Published[] = [];
    hub.onResult((r) => seen.push(r));
    const a = new ReadCoordinator(hub.participant(), clock);
    const leaky = { ...stats(3), guid: 'GUID-SECRET-1234', password: 'pw' } as AgentStatistics;
    await a.read(subject, options(), () => Promise.resolve(leaky));
    assert.equal(seen.length, 1);
    assert.doesNotMatch(JSON.stringify(seen), /GUID-SECRET|pw/);
    // And one that arrives from elsewhere is rebuilt field by field.
    const foreign = parsePublished({ ...seen[0], value: leaky, extra: 'GUID-SECRET-1234' });
    assert.doesNotMatch(JSON.stringify(foreign), /GUID-SECRET/);
    assert.equal(parsePublished({ ...seen[0], value: { talktime: 'x' } }), undefined);
  });

  it('places the next read at the same moment on every desk, in a later interval', () => {
    const clock = new FakeClock(1_700_000_000_000);
    const hub = new MemoryHub(clock);
    const [a, b] = [new ReadCoordinator(hub.participant(), clock), new ReadCoordinator(hub.participant(), clock)];
    const now = clock.now();
    const da = a.nextDueAt('gw|101', now, INTERVAL, INTERVAL);
    const db = b.nextDueAt('gw|101', now + 1_234, INTERVAL, INTERVAL);
    assert.equal(da, db);
    assert.ok(Math.floor(da / INTERVAL) > Math.floor(now / INTERVAL));
    assert.ok(da - now <= 2 * INTERVAL);
  });
});

describe('shared reads: the windows of one machine (real local channel)', function () {
  this.timeout(30_000);
  let dir: string;
  const made: LocalTransport[] = [];
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-reads-'))));
  afterEach(() => {
    for (const t of made.splice(0)) t.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const open = () => {
    const t = new LocalTransport(dir, { retryMs: 100 });
    made.push(t);
    return t;
  };

  it('one window is the hub; a claim is won once among three windows; results reach every window', async () => {
    const ts = [open(), open(), open()];
    await until('every window shares', () => ts.every((t) => t.status === 'shared'), { timeoutMs: 10_000 });
    assert.equal(ts.filter((t) => t.role === 'hub').length, 1);
    for (let round = 0; round < 20; round++) {
      const wins = await Promise.all(ts.map((t) => t.claim(`k${round}`, 5_000)));
      assert.equal(wins.filter((w) => w === true).length, 1, `round ${round}: ${JSON.stringify(wins)}`);
    }
    const follower = ts.find((t) => t.role === 'follower')!;
    const p: Published = { subject: 'stats|gw|101', kind: 'stats', slot: 1, intervalMs: INTERVAL, fetchedAt: Date.now(), by: 'f', ok: true, value: stats(4) };
    follower.publish(p);
    await until('the result reached every window', () => ts.every((t) => t.latest('stats|gw|101')?.fetchedAt === p.fetchedAt));
  });

  it('the hub closing: another window takes over, and a slot claimed before is not won again', async () => {
    const ts = [open(), open(), open()];
    await until('every window shares', () => ts.every((t) => t.status === 'shared'), { timeoutMs: 10_000 });
    const hub = ts.find((t) => t.role === 'hub')!;
    const [f1, f2] = ts.filter((t) => t !== hub);
    assert.equal(await f1.claim('slot-a', 20_000), true);
    hub.dispose();
    const t0 = Date.now();
    await until('a new hub', () => [f1, f2].some((t) => t.role === 'hub') && [f1, f2].every((t) => t.status === 'shared'), { timeoutMs: 10_000 });
    const took = Date.now() - t0;
    assert.ok(took < 2_000, `a closed hub is replaced at once (took ${took} ms)`);
    // f1 told the new hub the claim it holds (its "hold" is on the wire by now).
    await sleep(200);
    assert.equal(await f2.claim('slot-a', 20_000), false, 'the claim f1 held survives the switch');
  });
});
