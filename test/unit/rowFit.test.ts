// Row text fitted to the side bar (src/core/format/rowFit.ts), and the grace before alarming
// (src/core/util/graceGate.ts) on a fake clock.
import assert from 'node:assert/strict';
import { cut, fitRow, rowBudgetPx, textPx } from '../../src/core/format/rowFit';
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
