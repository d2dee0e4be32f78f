// The trend's first hour (bucket size and time axis), its legend, the webview
// message protocol's validator, and the details panel's live refresh on a fake clock.
import assert from 'node:assert/strict';
import { dayStart } from '../../src/core/history/historyStore';
import { buildTrend } from '../../src/core/history/trend';
import { axisRange, chooseBucketMs, legendAt, legendText, MINUTE_MS } from '../../src/core/history/trendChart';
import type { TrendData } from '../../src/core/history/trendData';
import type { HistoryRecord } from '../../src/core/history/historyFormat';
import { LiveRefresh } from '../../src/core/polling/liveRefresh';
import { parseWebviewMessage } from '../../src/webview/protocol';
import { FakeClock } from '../support/fakeClock';

const DAY = '2025-03-10';
const at = (h: number, m: number, s = 0) => new Date(2025, 2, 10, h, m, s).getTime();
const rec = (t: number, answernums: number, calloutnums = 0, talktime = 0): HistoryRecord => ({ t, agentId: '101', answernums, calloutnums, talktime });

function data(buckets: number[], bucketMs: number, extra: Partial<TrendData> = {}): TrendData {
  return {
    title: 't',
    subtitle: 's',
    lang: 'en',
    buckets,
    bucketMs,
    answered: buckets.map((_, i) => i + 1),
    outbound: buckets.map((_, i) => 10 * i),
    talkCumulative: buckets.map((_, i) => 60 * (i + 1)),
    words: { answered: 'Answered', outbound: 'Outbound', talk: 'Talk time (cumulative)', interval: 'Interval', caption: '', empty: '', calls: '', hours: '', chartLabel: '', legendHint: '' },
    ...extra,
  };
}

describe('trend chart', () => {
  describe('bucket size and time axis', () => {
    it('per minute under 20 minutes of records, per 5 minutes under an hour, per 15 minutes from then on', () => {
      assert.equal(chooseBucketMs(undefined, undefined), 15 * MINUTE_MS, 'no records: the day view');
      assert.equal(chooseBucketMs(at(9, 2), at(9, 2)), MINUTE_MS);
      assert.equal(chooseBucketMs(at(9, 2), at(9, 21, 59)), MINUTE_MS);
      assert.equal(chooseBucketMs(at(9, 2), at(9, 22)), 5 * MINUTE_MS);
      assert.equal(chooseBucketMs(at(9, 2), at(10, 1, 59)), 5 * MINUTE_MS);
      assert.equal(chooseBucketMs(at(9, 2), at(10, 2)), 15 * MINUTE_MS);
      assert.equal(chooseBucketMs(at(9, 2), at(17, 30)), 15 * MINUTE_MS);
    });

    it('ten minutes after the first record: ten one-minute bars from the first record, not one 15-minute bar on an empty axis', () => {
      const records = [rec(at(9, 2, 10), 0), rec(at(9, 5, 30), 2, 1, 90), rec(at(9, 11, 40), 3, 1, 200)];
      const bucketMs = chooseBucketMs(records[0].t, records[2].t);
      const trend = buildTrend(records, undefined, dayStart(DAY), bucketMs);
      assert.equal(trend.buckets.length, 10);
      assert.equal(trend.buckets[0], at(9, 2));
      assert.deepEqual(trend.answered, [0, 0, 0, 2, 0, 0, 0, 0, 0, 1]);
      const [from, to] = axisRange(trend.buckets, bucketMs)!;
      assert.equal(from, at(9, 2), 'the axis starts at the first record’s minute, not at midnight or 09:00');
      assert.equal(to, at(9, 12));
    });

    it('a whole day: 15-minute buckets and an axis from the first to the last bucket', () => {
      const buckets = [at(8, 0), at(8, 15), at(8, 30)];
      assert.deepEqual(axisRange(buckets, 15 * MINUTE_MS), [at(8, 0), at(8, 45)]);
      assert.equal(axisRange([], 15 * MINUTE_MS), undefined, 'no axis without data (the empty state)');
    });
  });

  describe('legend', () => {
    const d = data([at(9, 0), at(9, 5), at(9, 10)], 5 * MINUTE_MS);

    it('shows the hovered bucket’s interval and values', () => {
      assert.equal(legendText(legendAt(d, 1)!), '09:05–09:10 · Answered 2 · Outbound 10 · Talk time (cumulative) 0:02:00');
    });

    it('without a hover (or with an index outside the data), the latest bucket’s — never "–"', () => {
      const latest = '09:10–09:15 · Answered 3 · Outbound 20 · Talk time (cumulative) 0:03:00';
      for (const i of [undefined, null, -1, 3, 1.5]) assert.equal(legendText(legendAt(d, i)!), latest, `index ${i}`);
      assert.equal(legendAt(data([], MINUTE_MS), undefined), undefined, 'no legend when there is nothing');
    });

    it('a queue’s legend: most calls waiting and the longest wait', () => {
      const q = data([at(9, 0)], 15 * MINUTE_MS, { queue: { waitingMax: [4], longestWaitMax: [75], words: { waiting: 'Most calls waiting', longest: 'Longest wait', minutes: '' } } });
      assert.equal(legendText(legendAt(q, undefined)!), '09:00–09:15 · Most calls waiting 4 · Longest wait 0:01:15');
    });
  });

  describe('webview messages', () => {
    it('accepts the messages of the protocol and refuses anything else with the reason', () => {
      assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { ok: true, message: { type: 'ready' } });
      assert.deepEqual(parseWebviewMessage({ type: 'refresh' }), { ok: true, message: { type: 'refresh' } });
      for (const [bad, reason] of [
        [null, /not an object \(null\)/],
        ['ready', /not an object \(string\)/],
        [[{ type: 'ready' }], /array/],
        [{}, /no string "type"/],
        [{ type: 7 }, /no string "type"/],
        [{ type: 'openFile', path: '/etc/passwd' }, /unknown type "openFile"/],
        [{ type: 'ready', command: 'x' }, /unexpected fields command/],
      ] as const) {
        const r = parseWebviewMessage(bad);
        assert.equal(r.ok, false, JSON.stringify(bad));
        assert.match((r as { reason: string }).reason, reason);
      }
    });
  });

  describe('live refresh of the details panel', () => {
    it('once per interval while visible, none while hidden or after dispose, at once when shown after the interval ran out', async () => {
      const clock = new FakeClock();
      let runs = 0;
      const r = new LiveRefresh({ intervalMs: () => 5000, run: () => Promise.resolve(void runs++), clock, visible: true });
      r.ranAt(clock.now()); // the command's own fetch
      await clock.advance(4999);
      assert.equal(runs, 0, 'not before an interval after the first fetch');
      await clock.advance(1);
      assert.equal(runs, 1);
      await clock.advance(10_000);
      assert.equal(runs, 3, 'one per interval');
      r.setVisible(false);
      await clock.advance(60_000);
      assert.equal(runs, 3, 'none while hidden');
      r.setVisible(true);
      await clock.advance(0);
      assert.equal(runs, 4, 'shown after the interval ran out: at once');
      r.refreshNow();
      await clock.advance(0);
      assert.equal(runs, 5, 'the Refresh button');
      r.dispose();
      await clock.advance(60_000);
      assert.equal(runs, 5, 'none after dispose');
      assert.equal(clock.pending, 0, 'no timer left');
    });

    it('never two at once: a slow answer delays the next refresh', async () => {
      const clock = new FakeClock();
      let running = 0;
      let most = 0;
      let runs = 0;
      const r = new LiveRefresh({
        intervalMs: () => 1000,
        run: async () => {
          runs++;
          most = Math.max(most, ++running);
          await clock.delay(3500);
          running--;
        },
        clock,
        visible: true,
      });
      r.ranAt(clock.now());
      await clock.advance(1000);
      r.refreshNow();
      await clock.advance(10_000);
      assert.equal(most, 1);
      assert.ok(runs >= 2 && runs <= 3, `${runs} runs in 11 s of 3.5 s answers`);
      r.dispose();
    });
  });
});
