import assert from 'node:assert/strict';
import { StatsStore, totals, type StoreChange } from '../../src/core/monitor/statsStore';

describe('StatsStore', () => {
  let store: StatsStore;
  let events: StoreChange[];
  beforeEach(() => {
    store = new StatsStore();
    events = [];
    store.onDidChange((e) => events.push(e));
    store.setAgents(['101', '102']);
    events.length = 0;
  });
  afterEach(() => store.dispose());

  const s1 = { talktime: 60, answernums: 1, calloutnums: 0 };
  const s2 = { talktime: 120, answernums: 2, calloutnums: 1 };

  it('fires only for the agent that changed', () => {
    store.applySuccess('101', s1, 1000);
    assert.deepEqual(events, [{ changed: ['101'], structural: false }]);
    store.applySuccess('101', s1, 2000); // same numbers again: nothing visible changed
    assert.equal(events.length, 1);
    assert.equal(store.get('101')?.fetchedAt, 2000);
    store.applySuccess('101', s2, 3000);
    assert.equal(events.length, 2);
    assert.deepEqual(store.get('101')?.previous, s1);
    assert.equal(store.get('102')?.state, 'loading');
  });

  it('keeps the last good numbers through failures, marked stale with the reason', () => {
    store.applySuccess('101', s1, 1000);
    store.applyFailure('101', { kind: 'network', message: 'refused' }, 2000);
    const e = store.get('101');
    assert.equal(e?.state, 'stale');
    assert.deepEqual(e?.stats, s1);
    assert.equal(e?.fetchedAt, 1000);
    assert.equal(e?.error?.message, 'refused');
    store.applyFailure('102', { kind: 'transient', message: 'x' }, 2000);
    assert.equal(store.get('102')?.state, 'error');
    store.applyFailure('101', { kind: 'auth', message: 'guid' }, 3000);
    assert.equal(store.get('101')?.state, 'auth');
    assert.deepEqual(store.get('101')?.stats, s1);
    store.applyFailure('102', { kind: 'agent-offline', message: 'off' }, 3000);
    assert.equal(store.get('102')?.state, 'offline');
    const n = events.length;
    store.applyFailure('101', { kind: 'auth', message: 'guid' }, 4000); // same problem again: no event
    assert.equal(events.length, n);
  });

  it('keeps entries of agents that stay watched and reports structure changes', () => {
    store.applySuccess('101', s1, 1000);
    store.setAgents(['101', '103']);
    assert.deepEqual(events.at(-1), { changed: [], structural: true });
    assert.deepEqual(store.get('101')?.stats, s1);
    assert.equal(store.has('102'), false);
    const n = events.length;
    store.setAgents(['101', '103']);
    assert.equal(events.length, n, 'same list: no event');
  });

  it('markPending lifts auth state without losing numbers', () => {
    store.applySuccess('101', s1, 1000);
    store.applyFailure('101', { kind: 'auth', message: 'guid' }, 2000);
    store.markPending(['101']);
    assert.equal(store.get('101')?.state, 'stale');
    assert.deepEqual(store.get('101')?.stats, s1);
  });

  it('totals add up the agents with numbers', () => {
    store.applySuccess('101', s1, 1);
    store.applySuccess('102', s2, 1);
    assert.deepEqual(totals(store.all()), { answernums: 3, calloutnums: 1, talktime: 180, withNumbers: 2, failing: 0, needsGuid: 0 });
  });
});
