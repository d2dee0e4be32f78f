// Row text fitted to the side bar (src/core/format/rowFit.ts), staleness
// of a group's numbers (src/core/supervisor/freshness.ts), and the grace before alarming
// (src/core/util/graceGate.ts) on a fake clock.
import assert from 'node:assert/strict';
import { cut, fitRow, rowBudgetPx, textPx } from '../../src/core/format/rowFit';
import type { AgentEntry } from '../../src/core/monitor/statsStore';
import { freshness, gatewayUnreachable } from '../../src/core/supervisor/freshness';
import { GraceGate } from '../../src/core/util/graceGate';
import { FakeClock } from '../support/fakeClock';

describe('rows fitted to the side bar', () => {
  it('keeps the parts that must stay, shortens a long label for them, adds the others in order while they fit', () => {
    const budget = rowBudgetPx(300, 0);
    const parts = [{ text: '⚠1', keep: true }, { text: '↓16 ↑4', keep: true }, { text: '0:48:12', keep: true }, { text: '3 talking' }, { text: '1 idle' }];
    const short = fitRow('Hotline', parts, budget);
    assert.equal(short.label, 'Hotline');
    assert.match(short.description, /^⚠1 · ↓16 ↑4 · 0:48:12/);
    const long = fitRow('Billing and collections, second line support', parts, budget);
    assert.match(long.label, /^Billing.*…$/, long.label);
    assert.equal(long.description.startsWith('⚠1 · ↓16 ↑4 · 0:48:12'), true, 'what matters is never dropped for the label');
    assert.ok(textPx(long.label) * 1.12 + 6 + textPx(long.description) <= budget + 0.001, 'the whole row fits the budget');
    const wide = fitRow('Hotline', parts, rowBudgetPx(600, 0));
    assert.equal(wide.description, '⚠1 · ↓16 ↑4 · 0:48:12 · 3 talking · 1 idle');
    assert.equal(wide.dropped, 0);
    assert.ok(short.dropped >= 1, 'at 300 px the state counts do not all fit');
  });

  it('Chinese characters count double, so fewer optional parts fit', () => {
    const parts = [{ text: '↓16 ↑4', keep: true }, { text: '0:48:12', keep: true }, { text: '3 通话' }, { text: '1 空闲' }, { text: '2 整理态' }];
    const en = fitRow('Team', [parts[0], parts[1], { text: '3 talk' }, { text: '1 idle' }, { text: '2 wrap' }], rowBudgetPx(300, 0));
    const zh = fitRow('热线组', parts, rowBudgetPx(300, 0));
    assert.ok(textPx('通话') > textPx('talk'));
    assert.ok(zh.dropped >= en.dropped);
    assert.equal(cut('长长长长长长长长长长长长长长长长', 60).endsWith('…'), true);
  });
});

const e = (agentId: string, state: AgentEntry['state'], fetchedAt?: number, kind?: 'network' | 'auth' | 'transient'): AgentEntry => ({ agentId, state, fetchedAt, stats: { answernums: 1, calloutnums: 0, talktime: 10 }, error: kind ? { kind, message: kind } : undefined });

describe('freshness of a group', () => {
  it('counts members whose numbers are not current and says as of when (the oldest)', () => {
    assert.deepEqual(freshness([e('101', 'ok', 5), e('102', 'ok', 6)]), { notCurrent: 0 });
    assert.deepEqual(freshness([e('101', 'stale', 5, 'network'), e('102', 'ok', 9), e('103', 'auth', 3, 'auth')]), { notCurrent: 2, asOf: 3 });
    assert.deepEqual(freshness([e('101', 'error', undefined, 'network')]), { notCurrent: 1 });
  });
  it('the gateway is unreachable only when every agent failed on the network; the last answer is the newest', () => {
    assert.deepEqual(gatewayUnreachable([e('101', 'stale', 5, 'network'), e('102', 'stale', 7, 'transient')]), { lastAnswer: 7 });
    assert.equal(gatewayUnreachable([e('101', 'stale', 5, 'network'), e('102', 'ok', 7)]), undefined);
    assert.equal(gatewayUnreachable([e('101', 'auth', 5, 'auth')]), undefined, 'a refused Guid is not an outage');
    assert.equal(gatewayUnreachable([e('101', 'stale', 5, 'protocol' as never)]), undefined, 'a gateway that answers, even garbage, is reachable');
    assert.equal(gatewayUnreachable([]), undefined);
  });
});

describe('grace before alarming', () => {
  it('shows a problem still there when the grace ends; never one cured within it; a repeat keeps the first deadline', async () => {
    const clock = new FakeClock();
    const gate = new GraceGate(clock);
    const shown: string[] = [];
    let refused = true;
    gate.hold('a', 45_000, () => refused, () => shown.push('a'));
    await clock.advance(30_000);
    gate.hold('a', 45_000, () => refused, () => shown.push('a again'));
    await clock.advance(15_000);
    assert.deepEqual(shown, ['a'], 'shown once, at the first deadline');

    gate.hold('b', 45_000, () => refused, () => shown.push('b'));
    await clock.advance(20_000);
    refused = false; // cured by itself (a session signed in again)
    await clock.advance(30_000);
    assert.deepEqual(shown, ['a'], 'a cured problem is never shown');

    refused = true;
    gate.hold('c', 45_000, () => refused, () => shown.push('c'));
    assert.equal(gate.cancel('c'), true);
    gate.hold('d', 45_000, () => refused, () => shown.push('d'));
    gate.dispose();
    await clock.advance(60_000);
    assert.deepEqual(shown, ['a'], 'cancelled and disposed holds show nothing');
    assert.equal(clock.pending, 0, 'no timer left');
  });
});
