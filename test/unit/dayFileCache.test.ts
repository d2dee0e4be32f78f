// The day files' cache: Show Trend for all gateways reads every gateway's day on each update, so
// the cache must hold them all (counted in file reads, not timed).
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DayFileCache } from '../../src/core/history/dayFileCache';
import { HistoryStore } from '../../src/core/history/historyStore';
import { FakeClock } from '../support/fakeClock';

const s = (answernums: number) => ({ answernums, calloutnums: 0, talktime: answernums * 60 });
const quiet = { warn: () => undefined };

describe('day file cache', () => {
  let dir: string;
  const nine = new Date(2025, 2, 10, 9, 0, 0).getTime();
  const day = '2025-03-10';
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-dayfiles-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a second all-gateways pass over 10 gateways reads no file again, only what was appended', async () => {
    const clock = new FakeClock(nine);
    const h = new HistoryStore(dir, { retentionDays: 7, clock, log: quiet });
    const origins = Array.from({ length: 10 }, (_, i) => `https://gw${i}.example:8043`);
    for (const o of origins) for (let a = 0; a < 20; a++) h.record(o, String(101 + a), s(1), nine + a);
    await h.flush();
    // As Show Trend for all gateways reads: every gateway's day at once.
    const pass = () => Promise.all(origins.map((o) => h.readDay(o, day)));
    const first = await pass();
    assert.deepEqual(first.map((r) => r.length), origins.map(() => 20));
    assert.equal(h.dayFileReads.whole, 10, 'the first pass parses each day file once');
    // Parsed once, when this store appends them to a file the cache holds (not read back), or when read.
    const bytesBefore = h.dayFileReads.bytes;
    for (const o of origins) h.record(o, '101', s(2), nine + 1000);
    await h.flush();
    const second = await pass();
    assert.deepEqual(second.map((r) => r.length), origins.map(() => 21));
    assert.equal(h.dayFileReads.whole, 10, 'the second pass reads no file from its start again');
    const appended = `${nine + 1000},101,2,0,120\n`.length * 10;
    assert.equal(h.dayFileReads.bytes - bytesBefore, appended, 'only the appended lines are parsed, once');
    await pass();
    assert.equal(h.dayFileReads.whole, 10);
    await h.close();
  });

  it('two reads of the same day at once parse its new lines once (no record twice)', async () => {
    const clock = new FakeClock(nine);
    const h = new HistoryStore(dir, { retentionDays: 7, clock, log: quiet });
    const o = 'https://gw.example:8043';
    for (let a = 0; a < 5; a++) h.record(o, String(101 + a), s(1), nine + a);
    await h.flush();
    const [a, b] = await Promise.all([h.readDay(o, day), h.readDay(o, day)]);
    assert.equal(a.length, 5);
    assert.equal(b.length, 5);
    assert.equal((await h.readDay(o, day)).length, 5);
    await h.close();
  });
});

describe('day file cache over its cap', () => {
  let dir: string;
  const nine = new Date(2025, 2, 10, 9, 0, 0).getTime();
  const window = { start: nine - 9 * 3600_000, end: nine + 15 * 3600_000 };
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-dayfiles-cap-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, lines: number) => {
    const f = path.join(dir, `${name}.csv`);
    fs.writeFileSync(f, Array.from({ length: lines }, (_, i) => `${nine + i},${101 + i},1,0,60\n`).join(''));
    return f;
  };

  it('a pass larger than the cap parses only what does not fit again, and a file no longer asked for goes first', async () => {
    // 10 records + 1 per file: two files fit in 25.
    const cache = new DayFileCache(25);
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => file(n, 10));
    const pass = () => Promise.all([a, b, c].map((f) => cache.read(f, window)));
    for (const r of await pass()) assert.equal(r.records.length, 10);
    assert.equal(cache.reads.whole, 3);
    await pass();
    await pass();
    assert.equal(cache.reads.whole, 5, 'each later pass parses one file again, not all three');
    // Which two depends on the order the pass's reads finished in; never all three.
    assert.equal(cache.files.length, 2);
    // Only d is asked for now: a and b, not read for two rounds over the files held, make room for it.
    for (let i = 0; i < 8; i++) assert.equal((await cache.read(d, window)).records.length, 10);
    const whole = cache.reads.whole;
    for (let i = 0; i < 3; i++) await cache.read(d, window);
    assert.equal(cache.reads.whole, whole, 'd is kept once the others went');
    assert.ok(cache.files.includes(d));
    assert.ok(cache.files.length <= 2);
  });
});
