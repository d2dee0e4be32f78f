// The day file cache checks a held file by its watch instead of a stat (Show Trend for all
// gateways checks every gateway's file on each update): a change is still read, by the next read
// when the watch reports it, within a few reads when an event is lost, and on every read when the
// file cannot be watched. Counted in stats, not timed.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DayFileCache } from '../../src/core/history/dayFileCache';
import type { WatchFile } from '../../src/core/history/dayFileWatch';
import { HistoryStore } from '../../src/core/history/historyStore';
import { FakeClock } from '../support/fakeClock';

const nine = new Date(2025, 2, 10, 9, 0, 0).getTime();
const day = '2025-03-10';
const window = { start: nine - 9 * 3600_000, end: nine + 15 * 3600_000 };
const line = (i: number) => `${nine + i},${101 + i},1,0,60\n`;
const quiet = { warn: () => undefined };

/** Watches whose events the test fires (or never does: events lost). */
function handWatches() {
  const listeners = new Map<string, (gone: boolean) => void>();
  const watch: WatchFile = (file, changed) => {
    listeners.set(file, changed);
    return { close: () => listeners.delete(file) };
  };
  return { watch, fire: (file: string) => listeners.get(file)?.(false) };
}

describe('day file cache: checking held files by their watch', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-dayfilewatch-'));
    file = path.join(dir, `${day}.csv`);
    fs.writeFileSync(file, line(0) + line(1) + line(2));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const count = async (cache: DayFileCache) => {
    const [r] = await cache.readAll([file], window);
    assert.equal(r.status, 'fulfilled');
    return r.status === 'fulfilled' ? r.value.count : -1;
  };

  it('a file its watch saw unchanged is served without a stat; a change it reports is read by the next read', async () => {
    const hand = handWatches();
    const cache = new DayFileCache(undefined, { watch: hand.watch, statEvery: 100 });
    assert.equal(await count(cache), 3);
    for (let i = 0; i < 3; i++) assert.equal(await count(cache), 3);
    assert.equal(cache.reads.stats, 0, 'no stat while the watch reports nothing');
    fs.appendFileSync(file, line(3));
    hand.fire(file);
    assert.equal(await count(cache), 4, "another window's line, read at once");
    assert.equal(cache.reads.stats, 1);
    assert.equal(cache.reads.whole, 1);
  });

  it('an event lost delays a change by at most statEvery reads', async () => {
    const cache = new DayFileCache(undefined, { watch: handWatches().watch, statEvery: 3 });
    assert.equal(await count(cache), 3);
    fs.appendFileSync(file, line(3)); // no event
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) seen.push(await count(cache));
    assert.deepEqual(seen, [3, 3, 3, 4, 4], 'three reads on the watch word, then a stat finds the line');
  });

  it('a file that cannot be watched is checked by a stat on every read', async () => {
    const cache = new DayFileCache(undefined, { watch: () => undefined });
    assert.equal(await count(cache), 3);
    for (let i = 0; i < 3; i++) assert.equal(await count(cache), 3);
    assert.equal(cache.reads.stats, 3);
    fs.appendFileSync(file, line(3));
    assert.equal(await count(cache), 4);
  });
});

describe('day file cache: real watches (inotify, kqueue)', () => {
  let dir: string;
  beforeEach(function () {
    if (process.platform !== 'linux' && process.platform !== 'darwin') this.skip();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-dayfilewatch-real-'));
  });
  afterEach(() => dir && fs.rmSync(dir, { recursive: true, force: true }));

  it("this window's appends need no stat to be read; another window's append just before a read is in that read", async () => {
    const h = new HistoryStore(dir, { retentionDays: 7, clock: new FakeClock(nine), log: quiet });
    const o = 'https://gw.example:8043';
    const s = (n: number) => ({ answernums: n, calloutnums: 0, talktime: n * 60 });
    const records = async () => (await h.readDayLogs([o], day))[0].count;
    try {
      h.record(o, '101', s(1), nine);
      await h.flush();
      assert.equal(await records(), 1);
      const stats = h.dayFileReads.stats;
      h.record(o, '101', s(2), nine + 1000);
      await h.flush();
      assert.equal(await records(), 2, 'handed over by the append');
      assert.equal(await records(), 2);
      assert.equal(h.dayFileReads.stats, stats, 'no stat: the append checked the file, the watch saw nothing since');
      for (let i = 0; i < 3; i++) {
        fs.appendFileSync(h.fileFor(o, day), `${nine + 2000 + i},102,${i},0,60\n`);
        assert.equal(await records(), 3 + i, "another window's line, in the very next read");
      }
    } finally {
      await h.close();
    }
  });
});
