// Shared reads while desks read alone (the team's Redis away) and when they come back: every
// desk then reads each agent once per interval at the same moment, so anything more from one
// desk within those 2 s (a Refresh, a window just opened) could break the gateway's 5 in 2 s.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AgentStatistics } from '../../src/core/model/statistics';
import { LocalTransport } from '../../src/core/sharing/localTransport';
import { MemoryHub } from '../../src/core/sharing/memoryHub';
import { ReadCoordinator } from '../../src/core/sharing/readCoordinator';
import { subjectKey, type Published } from '../../src/core/sharing/readSlot';
import { SharedReads } from '../../src/core/sharing/sharedReads';
import { TeamTransport } from '../../src/core/sharing/teamTransport';
import type { ReadTransport, SharingStatus } from '../../src/core/sharing/transport';
import { Emitter } from '../../src/core/util/lifecycle';
import { FakeClock } from '../support/fakeClock';
import { until } from '../support/wait';

const INTERVAL = 5_000;
const subject = { gateway: 'https://gw.test:8443', kind: 'stats' as const, what: '101' };
const options = (more: { onDemand?: boolean; notBefore?: number } = {}) => ({ intervalMs: INTERVAL, timeoutMs: 2_000, signal: new AbortController().signal, ...more });
const stats = (n: number): AgentStatistics => ({ talktime: n, answernums: n, calloutnums: n });

/**
 * A participant of `hub` whose status the test sets (a team that goes away and comes back), and
 * which shows results only once `tell` is called when `told` starts false (a window whose
 * machine's hub has not told it yet what was read).
 */
function participant(hub: MemoryHub, status: SharingStatus, told = true) {
  const inner = hub.participant(status);
  const statusEmitter = new Emitter<SharingStatus>();
  const results = new Emitter<Published>();
  let current = status;
  let shown = told;
  const t: ReadTransport & { set(s: SharingStatus): void; tell(): void } = {
    now: () => inner.now(),
    claim: (key, ttl) => (current === 'offline' ? Promise.resolve(undefined) : inner.claim(key, ttl)),
    publish: (p) => inner.publish(p),
    latest: (s) => (shown ? inner.latest(s) : undefined),
    onResult: (l) => results.event(l),
    get status() {
      return current;
    },
    onStatus: statusEmitter.event,
    dispose: () => inner.dispose(),
    set: (s) => {
      current = s;
      statusEmitter.fire(s);
    },
    tell: () => {
      shown = true;
      const p = inner.latest(subjectKey(subject));
      if (p) results.fire(p);
    },
  };
  inner.onResult((p) => shown && results.fire(p));
  return t;
}

describe('shared reads: desks reading alone, and back', () => {
  it('a Refresh just after the team is back is answered by the read this desk made alone in the interval', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const team = participant(new MemoryHub(clock), 'offline');
    // Team away: the claim is decided by this machine's windows alone.
    const desk = new ReadCoordinator(new TeamTransport(new MemoryHub(clock).participant(), clock, 0), clock);
    (desk.transport as TeamTransport).setTeam(team);
    let sent = 0;
    const send = () => Promise.resolve(stats(++sent));
    assert.deepEqual(await desk.read(subject, options(), send), stats(1));
    // Back within the interval: the other desks read this slot alone too; a Refresh now would be one more request of each.
    team.set('shared');
    await clock.advance(600);
    assert.deepEqual(await desk.read(subject, options({ onDemand: true }), send), stats(1));
    assert.equal(sent, 1, 'no request on top of the one this desk read alone');
    await clock.advance(INTERVAL);
    await desk.read(subject, options({ onDemand: true }), send);
    assert.equal(sent, 2, 'an interval later a Refresh reads again');
  });

  it('reading alone, a read this desk made less than 2 s before (a Refresh just before the interval) is the interval\'s read', async () => {
    // 1 s before an interval starts.
    const clock = new FakeClock(1_700_000_000_000 + INTERVAL - 1_000);
    const desk = new ReadCoordinator(participant(new MemoryHub(clock), 'offline'), clock);
    let sent = 0;
    const send = () => Promise.resolve(stats(++sent));
    await desk.read(subject, options({ onDemand: true }), send);
    await clock.advance(1_500);
    assert.deepEqual(await desk.read(subject, options(), send), stats(1), 'the Refresh\'s numbers, 1.5 s old');
    assert.equal(sent, 1, 'not a second request of this desk within 2 s');
    await clock.advance(INTERVAL);
    await desk.read(subject, options(), send);
    assert.equal(sent, 2);
  });

  it('a window opened on a desk whose sibling read the slot while the team was away does not win the team\'s claim and read again', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const machine = new MemoryHub(clock);
    const redis = new MemoryHub(clock);
    const teamA = participant(redis, 'offline');
    const a = new ReadCoordinator(new TeamTransport(machine.participant(), clock, 0), clock);
    (a.transport as TeamTransport).setTeam(teamA);
    let sent = 0;
    const send = () => Promise.resolve(stats(++sent));
    await a.read(subject, options(), send);
    teamA.set('shared');
    await clock.advance(700);
    // The new window's machine hub has not told it yet what was read; the team (Redis) knows of no claim of this slot.
    const local = participant(machine, 'shared', false);
    const b = new ReadCoordinator(new TeamTransport(local, clock, 0), clock);
    (b.transport as TeamTransport).setTeam(participant(redis, 'shared'));
    const reading = b.read(subject, options(), send);
    await clock.advance(10);
    local.tell();
    assert.deepEqual(await reading, stats(1), 'the sibling\'s numbers');
    assert.equal(sent, 1, 'one request for the slot on this desk');
  });

  it('agent states are not read when the team goes away during their claim (it hung): statistics first, states when it is back', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const team = participant(new MemoryHub(clock), 'shared');
    // A Redis that hangs: the claim is not answered, and the team counts as offline from then on.
    team.claim = () => {
      team.set('offline');
      return Promise.resolve(undefined);
    };
    const desk = new ReadCoordinator(new TeamTransport(new MemoryHub(clock).participant(), clock, 0), clock);
    (desk.transport as TeamTransport).setTeam(team);
    // Joined an interval ago (a desk just joined waits one interval with states).
    await clock.advance(INTERVAL);
    let sent = 0;
    const batch = { gateway: subject.gateway, kind: 'state' as const, what: 'batch:101:101,102' };
    const failed = await desk.read(batch, options(), () => Promise.resolve(++sent)).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.equal(sent, 0, 'no agentbylist while every desk reads its statistics alone');
    assert.match(String(failed), /Team offline/);
  });

  it('desks reading alone place their reads at moments of their own, spread over the interval, each still once per interval', () => {
    const clock = new FakeClock(1_700_000_000_000);
    const now = clock.now();
    const desks = Array.from({ length: 12 }, (_, i) => new ReadCoordinator(new MemoryHub(clock).participant('offline'), clock, `desk-${i + 1}`));
    const due = desks.map((d) => d.nextDueAt('gw|101', now, INTERVAL, INTERVAL));
    const busiest = Math.max(...due.map((t) => due.filter((u) => u >= t && u - t < 2_000).length));
    assert.ok(busiest <= 6, `12 desks alone: ${busiest} reads of one agent within 2 s (at ${due.map((t) => t - now).join(', ')} ms)`);
    for (const [i, d] of desks.entries()) assert.equal(d.nextDueAt('gw|101', due[i], INTERVAL, INTERVAL) - due[i], INTERVAL, 'the next read of a desk: one interval later');
    // The windows of one machine (one desk key) keep one moment; with the team there, every desk does.
    const sibling = new ReadCoordinator(new MemoryHub(clock).participant('offline'), clock, 'desk-1');
    assert.equal(sibling.nextDueAt('gw|101', now, INTERVAL, INTERVAL), due[0]);
    const shared = desks.slice(0, 3).map((_, i) => new ReadCoordinator(new MemoryHub(clock).participant('shared'), clock, `desk-${i + 1}`).nextDueAt('gw|101', now, INTERVAL, INTERVAL));
    assert.deepEqual(new Set(shared).size, 1, 'with the team, reads meet at one claim');
  });

  for (const [count, interval] of [
    [12, 5_000],
    [23, 5_000],
    [40, 30_000],
  ] as const) {
    it(`a team of ${count} desks seen through its Redis, offline at a ${interval / 1000} s interval: never more than 5 reads of one agent within 2 s, every desk reading each agent at least every few intervals`, () => {
      const clock = new FakeClock(1_700_000_000_000);
      const keys = Array.from({ length: count }, (_, i) => `desk-${String(i).padStart(2, '0')}`);
      const desks = keys.map((key) => {
        const t = new MemoryHub(clock).participant('offline');
        return new ReadCoordinator({ ...t, status: t.status, desks: () => [...keys].sort() }, clock, key);
      });
      const start = clock.now();
      const reads: number[] = [];
      const gaps: number[] = [];
      for (const d of desks) {
        let at = start;
        for (let n = 0; n < 8; n++) {
          const next = d.nextDueAt('gw|101', at, interval, interval);
          if (n > 0) gaps.push(next - at);
          reads.push((at = next));
        }
      }
      reads.sort((a, b) => a - b);
      let busiest = 0;
      for (let i = 0, j = 0; i < reads.length; i++) {
        while (reads[i] - reads[j] >= 2_000) j++;
        busiest = Math.max(busiest, i - j + 1);
      }
      assert.ok(busiest <= 5, `${count} desks alone: ${busiest} reads of one agent within 2 s`);
      const longest = Math.max(...gaps);
      const every = Math.ceil(Math.ceil(count / 5) / Math.floor(interval / 2_100));
      assert.equal(longest, every * interval, `each desk reads every ${every} interval(s)`);
    });
  }

  it('a window\'s first connection to a gateway uses what others read; a later one (settings or credential changed) reads itself', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const hub = new MemoryHub(clock);
    const other = new ReadCoordinator(hub.participant(), clock);
    let sent = 0;
    const send = () => Promise.resolve(stats(++sent));
    await other.read(subject, options(), send);
    await clock.advance(300);
    const mine = new ReadCoordinator(hub.participant(), clock);
    const first = new SharedReads(mine, subject.gateway, 2_000, () => INTERVAL);
    assert.deepEqual(await first.read('stats', '101', new AbortController().signal, send), stats(1), 'a window just opened shows the others\' read');
    assert.equal(sent, 1);
    // The window that read the slot: its first connection, then a new one (its claim is its own, so it may read again).
    new SharedReads(other, subject.gateway, 2_000, () => INTERVAL);
    const later = new SharedReads(other, subject.gateway, 2_000, () => INTERVAL);
    assert.deepEqual(await later.read('stats', '101', new AbortController().signal, send), stats(2), 'a new connection of a window reads');
  });
});

describe('shared reads: a window joining its machine\'s hub (real local channel)', function () {
  this.timeout(30_000);
  let dir: string;
  const made: LocalTransport[] = [];
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-reads-join-'))));
  afterEach(() => {
    for (const t of made.splice(0)) t.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is told what the others read lately, before anything more is published', async () => {
    const first = new LocalTransport(dir, { retryMs: 100 });
    made.push(first);
    await until('the first window shares', () => first.status === 'shared', { timeoutMs: 10_000 });
    const p: Published = { subject: 'stats|gw|101', kind: 'stats', slot: 1, intervalMs: INTERVAL, fetchedAt: Date.now(), by: 'f', ok: true, value: stats(4) };
    first.publish(p);
    const joining = new LocalTransport(dir, { retryMs: 100 });
    made.push(joining);
    await until('the new window shares', () => joining.status === 'shared', { timeoutMs: 10_000 });
    await until('the new window knows the read', () => joining.latest('stats|gw|101')?.fetchedAt === p.fetchedAt, { timeoutMs: 3_000 });
  });
});
