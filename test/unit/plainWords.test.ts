// What a supervisor reads, as pure functions: messages with their codes moved to a Details
// line (src/core/format/plainWords.ts), a group's states fitted in a fixed order
// (src/core/format/rowFit.ts fitCounts, the grow parts of fitRow), and the trend's time axis
// (src/core/history/trendChart.ts axisTicks, barX).
import assert from 'node:assert/strict';
import { detailsLine, hasCode, plainWords } from '../../src/core/format/plainWords';
import { fitCounts, fitRow, textPx } from '../../src/core/format/rowFit';
import { notCurrentText } from '../../src/core/format/format';
import { axisRange, axisTicks, barX, hm, MINUTE_MS } from '../../src/core/history/trendChart';

describe('plain words before codes', () => {
  it('takes bracketed retcodes and errno out of the words, in English and in Chinese, and keeps them as details', () => {
    const en = plainWords('The gateway refused the Guid (000-003): it is invalid or has expired. Set a new Guid.');
    assert.equal(en.words, 'The gateway refused the Guid: it is invalid or has expired. Set a new Guid.');
    assert.deepEqual(en.details, ['000-003']);
    const zh = plainWords('网关拒绝了 Guid（000-003）：Guid 无效或已过期。请设置新的 Guid。');
    assert.equal(zh.words, '网关拒绝了 Guid：Guid 无效或已过期。请设置新的 Guid。');
    assert.deepEqual(zh.details, ['000-003']);
    const net = plainWords('The gateway 127.0.0.1:8043 refused the connection (ECONNREFUSED): is it running, and is the port right?', ['ECONNREFUSED', undefined]);
    assert.equal(net.words, 'The gateway 127.0.0.1:8043 refused the connection: is it running, and is the port right?');
    assert.deepEqual(net.details, ['ECONNREFUSED'], 'a code given twice is listed once');
    const several = plainWords('No tunnel (UND_ERR_SOCKET; HTTP 502).');
    assert.equal(several.words, 'No tunnel.');
    assert.deepEqual(several.details, ['UND_ERR_SOCKET', 'HTTP 502']);
  });

  it('leaves brackets that hold words alone', () => {
    const m = plainWords('Signed in (in another window) as 101 (since 09:00).');
    assert.equal(m.words, 'Signed in (in another window) as 101 (since 09:00).');
    assert.deepEqual(m.details, []);
    assert.equal(detailsLine([]), undefined, 'no Details line without codes');
    assert.equal(detailsLine(['000-003', 'ECONNREFUSED']), 'Details: 000-003 · ECONNREFUSED');
  });

  it('hasCode finds retcodes and errno anywhere, and not in plain numbers or times', () => {
    for (const t of ['refused (000-003)', 'ECONNREFUSED', 'socket UND_ERR_SOCKET closed', 'ERR_TLS_CERT_ALTNAME_INVALID', '（100-004）']) assert.equal(hasCode(t), true, t);
    for (const t of ['↓5 ↑0 · 1:12:08', 'as of 1:50 AM', 'idle 45 s', 'Billing 7 waiting · 3:05 · 0/5', '2026-12-07']) assert.equal(hasCode(t), false, t);
  });

  it('says "not current" in one way: as of the last update, or "not current" when none arrived', () => {
    assert.equal(notCurrentText('1:50 AM'), 'as of 1:50 AM');
    assert.equal(notCurrentText(undefined), 'not current');
  });
});

describe("a group's states in a fixed order of importance", () => {
  const counts = [
    { label: 'talking', n: 3 },
    { label: 'wrap-up', n: 0 },
    { label: 'rest', n: 1 },
    { label: 'idle', n: 5 },
  ];
  const sum = (text: string) => [...text.matchAll(/(?:^|\s|\+)(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);

  it('always names the most frequent state, adds the others in order while they fit, and counts the rest as +N', () => {
    assert.equal(fitCounts(counts, 0), '5 idle +4', 'no room: the most frequent, and how many are elsewhere');
    assert.equal(fitCounts(counts, 1000), '3 talking · 1 rest · 5 idle', 'room for all: the fixed order, not by size');
    const mid = fitCounts(counts, textPx('3 talking · 5 idle +1'));
    assert.equal(mid, '3 talking · 5 idle +1', 'what fits joins in order; the one left out is counted');
    for (const px of [0, 40, 80, 120, 160, 200, 1000]) assert.equal(sum(fitCounts(counts, px)), 9, `the counts at ${px} px add up to the 9 agents: "${fitCounts(counts, px)}"`);
    assert.equal(fitCounts([{ label: 'talking', n: 2 }, { label: 'idle', n: 2 }], 0), '2 talking +2', 'a tie goes to the more important state');
    assert.equal(fitCounts([], 100), '');
  });

  it('a growing part gets the room the other parts leave, never more', () => {
    const parts = [{ text: '↓32 ↑2', keep: true }, { text: fitCounts(counts, 0), grow: (px: number) => fitCounts(counts, px) }, { text: '1:25:04' }];
    const narrow = fitRow('Billing team', parts, 222);
    assert.match(narrow.description, /^↓32 ↑2 · 5 idle/, narrow.description);
    assert.ok(textPx(narrow.label) * 1.12 + 6 + textPx(narrow.description) <= 222 + 0.001, 'the row fits');
    const wide = fitRow('Billing team', parts, 600);
    assert.equal(wide.description, '↓32 ↑2 · 3 talking · 1 rest · 5 idle · 1:25:04');
  });
});

describe('trend time axis', () => {
  const at = (h: number, m: number) => new Date(2025, 2, 10, h, m).getTime();

  it('labels never repeat, at any width, for minute, 5-minute and 15-minute buckets', () => {
    for (const bucketMs of [MINUTE_MS, 5 * MINUTE_MS, 15 * MINUTE_MS]) {
      const buckets = Array.from({ length: 12 }, (_, i) => at(1, 43) - (at(1, 43) % bucketMs) + i * bucketMs);
      const range = axisRange(buckets, bucketMs)!;
      for (const width of [200, 320, 600, 1400]) {
        const labels = axisTicks(range, bucketMs, width).map(hm);
        assert.ok(labels.length >= 2, `at least two labels at ${width} px (${labels.join(' ')})`);
        assert.equal(new Set(labels).size, labels.length, `labels repeat at ${width} px, ${bucketMs / MINUTE_MS} min: ${labels.join(' ')}`);
        assert.ok(labels.length * 56 <= width + 56, `labels do not crowd at ${width} px: ${labels.length}`);
      }
    }
  });

  it('ticks are on interval boundaries and each bar stands in the middle of its interval', () => {
    const buckets = [at(9, 0), at(9, 5), at(9, 10)];
    const range = axisRange(buckets, 5 * MINUTE_MS)!;
    assert.deepEqual(range, [at(9, 0), at(9, 15)]);
    const ticks = axisTicks(range, 5 * MINUTE_MS, 1400);
    assert.deepEqual(ticks.map(hm), ['09:00', '09:05', '09:10', '09:15']);
    for (const b of buckets) {
      const x = barX(b, 5 * MINUTE_MS);
      assert.ok(x > b && x < b + 5 * MINUTE_MS, 'the bar is inside its interval');
      assert.equal(x, b + 150_000);
    }
  });
});
