// The counter history (append-only file per origin and day), retention, reading a day back, the trend.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dayKey, dayStart, HISTORY_HEADER, HistoryStore, originKey, parseHistory } from '../../src/core/history/historyStore';
import { buildTrend, BUCKET_MS } from '../../src/core/history/trend';
import { FakeClock } from '../support/fakeClock';

const ORIGIN = 'https://cc.example.com:8043';
const s = (answernums: number, calloutnums: number, talktime: number) => ({ answernums, calloutnums, talktime });

describe('history', () => {
  let dir: string;
  let clock: FakeClock;
  // 09:00 local time on a fixed day.
  const nine = new Date(2025, 2, 10, 9, 0, 0).getTime();
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-history-'));
    clock = new FakeClock(nine);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('appends one line per change (not per unchanged poll) to <origin>/<day>.csv, after a short delay', async () => {
    const h = new HistoryStore(dir, { retentionDays: 7, clock, flushMs: 1000 });
    assert.equal(h.record(ORIGIN, '101', s(1, 0, 60)), true);
    assert.equal(h.record(ORIGIN, '101', s(1, 0, 60)), false, 'unchanged: not written');
    await clock.advance(60_000);
    assert.equal(h.record(ORIGIN, '101', s(2, 0, 120)), true);
    h.record(ORIGIN, '102', s(0, 1, 30));
    const file = path.join(dir, 'cc.example.com_8043', '2025-03-10.csv');
    assert.equal(originKey(ORIGIN), 'cc.example.com_8043');
    await clock.advance(999);
    await h.flush();
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.startsWith(HISTORY_HEADER));
    assert.deepEqual(text.slice(HISTORY_HEADER.length).trim().split('\n'), [`${nine},101,1,0,60`, `${nine + 60_000},101,2,0,120`, `${nine + 60_000},102,0,1,30`]);
    await h.close();
  });

  it('reads a day back in time order, skipping a torn last line, across a new store (a reload); the next append after the tear survives', async () => {
    const h = new HistoryStore(dir, { retentionDays: 7, clock });
    h.record(ORIGIN, '101', s(1, 0, 60), nine + 5000);
    h.record(ORIGIN, '101', s(3, 1, 200), nine + 9000);
    await h.close();
    fs.appendFileSync(h.fileFor(ORIGIN, '2025-03-10'), `${nine + 9500},101,4,1`); // torn by a crash
    const again = new HistoryStore(dir, { retentionDays: 7, clock });
    const day = await again.readDay(ORIGIN, '2025-03-10');
    assert.deepEqual(day.map((r) => [r.t - nine, r.agentId, r.answernums, r.calloutnums, r.talktime]), [[5000, '101', 1, 0, 60], [9000, '101', 3, 1, 200]]);
    assert.deepEqual(await again.readDay(ORIGIN, '2025-03-09'), []);
    assert.deepEqual(await again.readDay('https://other:8043', '2025-03-10'), [], 'another gateway has its own files');
    // After a reload the first reading is written again (a baseline), whatever it is.
    assert.equal(again.record(ORIGIN, '101', s(3, 1, 200), nine + 20_000), true);
    await again.close();
    // The record appended after the tear is read back (not glued onto the fragment).
    const after = await new HistoryStore(dir, { retentionDays: 7, clock }).readDay(ORIGIN, '2025-03-10');
    assert.deepEqual(after.map((r) => [r.t - nine, r.answernums, r.talktime]), [[5000, 1, 60], [9000, 3, 200], [20_000, 3, 200]]);
  });

  it('retention keeps the last N days (today counts) and deletes older day files, per origin', async () => {
    const file = (o: string, d: string) => path.join(dir, originKey(o), `${d}.csv`);
    for (const d of ['2025-03-06', '2025-03-07', '2025-03-08', '2025-03-09', '2025-03-10']) {
      for (const o of [ORIGIN, 'https://b:8043']) {
        fs.mkdirSync(path.dirname(file(o, d)), { recursive: true });
        fs.writeFileSync(file(o, d), HISTORY_HEADER);
      }
    }
    fs.writeFileSync(path.join(dir, originKey(ORIGIN), 'notes.txt'), 'not ours');
    const h = new HistoryStore(dir, { retentionDays: 3, clock });
    await h.whenIdle(); // at start
    for (const o of [ORIGIN, 'https://b:8043']) assert.deepEqual(fs.readdirSync(path.join(dir, originKey(o))).filter((f) => f.endsWith('.csv')).sort(), ['2025-03-08.csv', '2025-03-09.csv', '2025-03-10.csv']);
    assert.ok(fs.existsSync(path.join(dir, originKey(ORIGIN), 'notes.txt')), 'a file that is not a day file stays');
    await clock.advance(24 * 3600_000); // the next day: a write prunes once per day
    h.record(ORIGIN, '101', s(1, 0, 1));
    await h.flush();
    assert.deepEqual(fs.readdirSync(path.join(dir, originKey(ORIGIN))).sort(), ['2025-03-09.csv', '2025-03-10.csv', '2025-03-11.csv', 'notes.txt']);
    assert.deepEqual((await h.prune(clock.now() + 24 * 3600_000)).map((f) => path.basename(f)).sort(), ['2025-03-09.csv', '2025-03-09.csv'], 'prune() names what it removed');
    await h.setRetentionDays(1);
    assert.deepEqual(fs.readdirSync(path.join(dir, originKey(ORIGIN))).sort(), ['2025-03-11.csv', 'notes.txt']);
    await h.setRetentionDays(0);
    assert.equal(h.record(ORIGIN, '101', s(2, 0, 1)), false, '0 days: nothing is recorded');
    await h.close();
  });

  it('a new day starts a new file, and the first reading of the day is written', async () => {
    const h = new HistoryStore(dir, { retentionDays: 7, clock });
    const late = new Date(2025, 2, 10, 23, 59, 0).getTime();
    h.record(ORIGIN, '101', s(1, 0, 60), late);
    h.record(ORIGIN, '101', s(1, 0, 60), late + 120_000);
    await h.close();
    assert.equal(dayKey(late + 120_000), '2025-03-11');
    assert.equal((await new HistoryStore(dir, { retentionDays: 7, clock }).readDay(ORIGIN, '2025-03-11')).length, 1);
  });

  describe('trend', () => {
    const rec = (min: number, agentId: string, a: number, o: number, t: number) => ({ t: dayStart('2025-03-10') + min * 60_000, agentId, answernums: a, calloutnums: o, talktime: t });
    const records = [
      rec(540, '101', 5, 0, 1000), // 09:00 baseline
      rec(545, '101', 6, 0, 1100), // 09:05 +1 answered, +100 s
      rec(552, '102', 0, 0, 0), // 09:12 baseline
      rec(560, '102', 1, 2, 300), // 09:20 +1, +2 out, +300 s
      rec(575, '101', 7, 1, 1400), // 09:35 +1, +1 out, +300 s
      rec(590, '101', 1, 0, 50), // 09:50 signed in again: counters reset, +1, +50 s
    ];
    it('per 15 minutes, answered and outbound as changes; talk time cumulated; baselines count nothing', () => {
      const tr = buildTrend(records, undefined, dayStart('2025-03-10'));
      assert.deepEqual(tr.buckets.map((b) => new Date(b).toTimeString().slice(0, 5)), ['09:00', '09:15', '09:30', '09:45']);
      assert.deepEqual(tr.answered, [1, 1, 1, 1]);
      assert.deepEqual(tr.outbound, [0, 2, 1, 0]);
      assert.deepEqual(tr.talkCumulative, [100, 400, 700, 750]);
    });
    it('one agent, or a team: only those agents count', () => {
      const tr = buildTrend(records, new Set(['102']), dayStart('2025-03-10'));
      assert.deepEqual([tr.answered, tr.outbound, tr.talkCumulative], [[0, 1], [0, 2], [0, 300]]);
      assert.deepEqual(buildTrend(records, new Set(['999']), dayStart('2025-03-10')).buckets, []);
      assert.equal(BUCKET_MS, 900_000);
    });
    it('parseHistory ignores anything that is not a record line', () => {
      assert.deepEqual(parseHistory('# header\n\n1741597200000,101,1,2,3\nx,1,2\n1741597200000,101,1,2\n'), [{ t: 1741597200000, agentId: '101', answernums: 1, calloutnums: 2, talktime: 3 }]);
    });
  });
});
