// Time in state per agent (src/core/supervisor/timeInState.ts), the thresholds
// per state, and the plural forms of counts, in plain node with a fake clock.
import assert from 'node:assert/strict';
import { agentCount, formatTimeInState, needAttentionCount, timeInStateText } from '../../src/core/format/format';
import { setLocalizer } from '../../src/core/l10n/localize';
import type { Presence } from '../../src/core/supervisor/agentState';
import { attentionReasons, parseStateThresholds, NO_THRESHOLDS } from '../../src/core/supervisor/supervisor';
import { DEFAULT_CONTINUITY_MS, TimeInState } from '../../src/core/supervisor/timeInState';
import { FakeClock, seededRandom } from '../support/fakeClock';

const MIN = 60_000;

describe('time in state', () => {
  it('starts "at least" when watching begins mid-state, resets on each change, and only then', () => {
    const clock = new FakeClock();
    const t = new TimeInState(clock);
    const t0 = clock.now();
    assert.equal(t.observe('101', 'wrapUp'), true);
    assert.deepEqual(t.get('101'), { presence: 'wrapUp', since: t0, atLeast: true, seenAt: t0 });
    assert.equal(t.observe('101', 'wrapUp', t0 + 6 * MIN + 12_000), false, 'the same state read again is no change');
    assert.equal(t.seconds('101', t0 + 6 * MIN + 12_000), 372);
    assert.equal(t.observe('101', 'talking', t0 + 7 * MIN), true);
    assert.deepEqual(t.get('101'), { presence: 'talking', since: t0 + 7 * MIN, atLeast: false, seenAt: t0 + 7 * MIN });
    assert.equal(t.seconds('101', t0 + 27 * MIN), 1200);
    assert.equal(t.observe('101', undefined), true, 'a state no longer known forgets the span');
    assert.equal(t.get('101'), undefined);
  });

  it('survives a window reload: the same state read soon after continues the span; another state or a long gap starts anew', () => {
    const clock = new FakeClock();
    const before = new TimeInState(clock);
    const t0 = clock.now();
    before.observe('101', 'idle', t0);
    before.observe('101', 'talking', t0 + MIN);
    before.observe('102', 'rest', t0);
    before.observe('103', 'wrapUp', t0);
    before.observe('101', 'talking', t0 + 3 * MIN);
    const saved = JSON.parse(JSON.stringify(before.snapshot())) as ReturnType<TimeInState['snapshot']>;

    const after = new TimeInState(clock, saved);
    after.observe('101', 'talking', t0 + 4 * MIN);
    assert.deepEqual(after.get('101'), { presence: 'talking', since: t0 + MIN, atLeast: false, seenAt: t0 + 4 * MIN }, 'continued: 3 min so far');
    after.observe('102', 'idle', t0 + 4 * MIN);
    assert.deepEqual(after.get('102'), { presence: 'idle', since: t0 + 4 * MIN, atLeast: true, seenAt: t0 + 4 * MIN }, 'another state: new span, at least');
    after.observe('103', 'wrapUp', t0 + DEFAULT_CONTINUITY_MS + 1);
    assert.equal(after.get('103')?.atLeast, true, 'read too long after: it may have changed in between');
    assert.equal(after.get('103')?.since, t0 + DEFAULT_CONTINUITY_MS + 1);
    assert.equal(new TimeInState(clock, { x: { bad: 1 } } as never).observe('x', 'idle'), true, 'a torn snapshot entry is ignored');
  });

  it('across midnight: 23:58 to 00:04 is 6 minutes, shown as "6 min"', () => {
    const lateEvening = new Date(2026, 11, 1, 23, 58, 0).getTime();
    const clock = new FakeClock(lateEvening);
    const t = new TimeInState(clock);
    t.observe('101', 'idle', lateEvening - MIN);
    t.observe('101', 'wrapUp', lateEvening);
    const after = new Date(2026, 11, 2, 0, 4, 30).getTime();
    assert.equal(t.seconds('101', after), 390);
    assert.equal(formatTimeInState(t.seconds('101', after)!), '6 min');
    assert.equal(formatTimeInState(3600 + 5 * 60), '1 h 05 min');
  });

  it('is shown from the first second it is known: seconds under a minute, "at least" only when the start was not seen', () => {
    const clock = new FakeClock(1_700_000_000_000);
    const t = new TimeInState(clock);
    t.observe('101', 'idle'); // watching began mid-state: the start was not seen
    t.observe('101', 'talking', clock.now() + 1000); // a change seen: its start is known
    const r = (dt: number) => ({ seconds: t.seconds('101', clock.now() + 1000 + dt)!, atLeast: t.get('101')!.atLeast });
    assert.equal(timeInStateText(r(0).seconds, r(0).atLeast), '0 s', 'at the first reading of the new state');
    assert.equal(timeInStateText(r(45_000).seconds, r(45_000).atLeast), '45 s');
    assert.equal(timeInStateText(r(59_999).seconds, r(59_999).atLeast), '59 s');
    assert.equal(timeInStateText(r(60_000).seconds, r(60_000).atLeast), '1 min');
    const other = new TimeInState(clock);
    other.observe('102', 'rest');
    assert.equal(timeInStateText(other.seconds('102', clock.now() + 5000)!, other.get('102')!.atLeast), '≥5 s', 'watching began mid-state');
  });

  it('random sequences of readings, reloads and time (seeded, replayable): the span matches a model after every step', () => {
    const presences: (Presence | undefined)[] = ['idle', 'talking', 'wrapUp', 'rest', undefined];
    for (let seed = 1; seed <= 40; seed++) {
      const random = seededRandom(seed);
      let time = 1_700_000_000_000;
      const clock = { now: () => time };
      let t = new TimeInState(clock);
      // The model: per agent, the state and when it was last seen to change (or first seen).
      const model = new Map<string, { p: Presence; since: number; atLeast: boolean; seen: number }>();
      let saved: ReturnType<TimeInState['snapshot']> | undefined;
      for (let step = 0; step < 60; step++) {
        const r = random();
        const agent = String(101 + Math.floor(random() * 3));
        if (r < 0.6) {
          const p = presences[Math.floor(random() * presences.length)];
          const now = clock.now();
          t.observe(agent, p, now);
          const m = model.get(agent);
          if (p === undefined) model.delete(agent);
          else if (m && m.p === p) m.seen = now;
          else if (m) model.set(agent, { p, since: now, atLeast: false, seen: now });
          else {
            const s = saved?.[agent];
            if (s && s.presence === p && now - s.seenAt <= DEFAULT_CONTINUITY_MS && now >= s.seenAt) model.set(agent, { p, since: s.since, atLeast: s.atLeast, seen: now });
            else model.set(agent, { p, since: now, atLeast: true, seen: now });
          }
          if (saved) delete saved[agent];
        } else if (r < 0.9) {
          time += Math.floor(random() * 3 * MIN);
        } else {
          // A window reload: the snapshot goes through JSON, the model forgets what was not yet read again.
          saved = JSON.parse(JSON.stringify(t.snapshot())) as ReturnType<TimeInState['snapshot']>;
          t = new TimeInState(clock, saved);
          model.clear();
        }
        for (const a of ['101', '102', '103']) {
          const m = model.get(a);
          const got = t.get(a);
          assert.deepEqual(got && { p: got.presence, since: got.since, atLeast: got.atLeast }, m && { p: m.p, since: m.since, atLeast: m.atLeast }, `seed ${seed} step ${step} agent ${a}`);
          if (got) assert.ok(got.since <= clock.now(), `seed ${seed}: a span starts in the future`);
        }
      }
    }
  });
});

describe('thresholds per state', () => {
  it('reads ccGateway.thresholds.stateSeconds: the words people use, whole seconds in range; the rest skipped', () => {
    assert.deepEqual(parseStateThresholds({ talking: 1200, 'wrap-up': 120, rest: 900, busy: 0, idle: 1.5, lunch: 60, signedOut: 5 }), { talking: 1200, wrapUp: 120, rest: 900 });
    assert.deepEqual(parseStateThresholds('120'), {});
    assert.deepEqual(parseStateThresholds(undefined), {});
  });

  it('an agent in wrap-up over its limit needs attention, with "at least" where watching began mid-state; another state or under the limit does not', () => {
    const th = { ...NO_THRESHOLDS, stateSeconds: parseStateThresholds({ 'wrap-up': 120, talking: 1200 }) };
    const e = { agentId: '101', state: 'ok' as const, stats: { answernums: 1, calloutnums: 0, talktime: 60 } };
    assert.deepEqual(attentionReasons(e, 'wrapUp', th, { seconds: 372, atLeast: false }).map((r) => r.text), ['In wrap-up for 0:06:12, over the threshold 0:02:00.']);
    assert.deepEqual(attentionReasons(e, 'wrapUp', th, { seconds: 372, atLeast: true }).map((r) => r.text), ['In wrap-up for at least 0:06:12, over the threshold 0:02:00.']);
    assert.equal(attentionReasons(e, 'wrapUp', th, { seconds: 120, atLeast: false }).length, 0, 'at the limit is not over it');
    assert.equal(attentionReasons(e, 'talking', th, { seconds: 600, atLeast: false }).length, 0);
    assert.equal(attentionReasons(e, 'rest', th, { seconds: 6000, atLeast: false }).length, 0, 'no limit for rest here');
    assert.equal(attentionReasons(e, 'wrapUp', NO_THRESHOLDS, { seconds: 6000, atLeast: false }).length, 0);
  });
});

describe('counts in words', () => {
  afterEach(() => setLocalizer(undefined));
  it('one agent, two agents; the message for one is its own (translators see both)', () => {
    assert.equal(agentCount(1), '1 agent');
    assert.equal(agentCount(2), '2 agents');
    assert.equal(agentCount(0), '0 agents');
    assert.equal(needAttentionCount(1), '1 agent needs attention');
    assert.equal(needAttentionCount(3), '3 agents need attention');
    const asked: string[] = [];
    setLocalizer((m, ...a) => {
      asked.push(m);
      return m.replace('{0}', String(a[0]));
    });
    agentCount(1);
    agentCount(5);
    assert.deepEqual(asked, ['1 agent', '{0} agents']);
  });
});
