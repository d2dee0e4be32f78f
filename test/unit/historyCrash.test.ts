// History that survives a crash — torn lines, far-off times, retention at
// start and at 0, owner-only files, and a clear word in the log for a bad file.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { dayStart, HISTORY_HEADER, HistoryStore, originKey, parseHistory } from '../../src/core/history/historyStore';
import { buildTrend } from '../../src/core/history/trend';
import { FakeClock } from '../support/fakeClock';

const ORIGIN = 'https://cc.example.com:8043';
const DAY = '2025-03-10';
const s = (answernums: number, calloutnums: number, talktime: number) => ({ answernums, calloutnums, talktime });
const mode = (p: string) => fs.statSync(p).mode & 0o777;

describe('history after a crash', () => {
  let dir: string;
  let clock: FakeClock;
  let warnings: string[];
  const log = { warn: (m: string) => void warnings.push(m) };
  const nine = new Date(2025, 2, 10, 9, 0, 0).getTime();
  let umask: number;
  before(() => (umask = process.umask(0o022))); // what most desktops have: files 0644 unless we say otherwise
  after(() => process.umask(umask));
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-history-crash-'));
    clock = new FakeClock(nine);
    warnings = [];
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const store = (retentionDays = 7) => new HistoryStore(dir, { retentionDays, clock, log });

  it('an append after a torn last line starts on a new line: the next record survives, the fragment stays one skipped line', async () => {
    const h = store();
    h.record(ORIGIN, '101', s(1, 0, 60), nine + 1000);
    await h.close();
    const file = h.fileFor(ORIGIN, DAY);
    fs.appendFileSync(file, `${nine + 2000},101,2,0`); // the crash tore this line
    const again = store();
    again.record(ORIGIN, '101', s(3, 0, 180), nine + 3000);
    // Before the flush, the pending record is read back too (not glued onto the fragment).
    assert.deepEqual((await again.readDay(ORIGIN, DAY)).map((r) => r.answernums), [1, 3]);
    await again.close();
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    assert.deepEqual(lines.slice(-3), [`${nine + 2000},101,2,0#torn`, `${nine + 3000},101,3,0,180`, '']);
    assert.deepEqual((await store().readDay(ORIGIN, DAY)).map((r) => [r.t - nine, r.answernums]), [[1000, 1], [3000, 3]]);
    assert.ok(warnings.length >= 1, 'the torn line is reported');
    for (const w of warnings) {
      assert.match(w, /1 unreadable lines and 0 records outside its day, skipped \(a write torn by a crash/);
      assert.ok(w.includes(file), 'the message names the file');
    }
  });

  it('a fragment that looks like a whole record (…,0,8 of …,0,84) is never read as one, before or after the next append', async () => {
    const h = store();
    h.record(ORIGIN, '101', s(12, 0, 84), nine);
    await h.close();
    const file = h.fileFor(ORIGIN, DAY);
    fs.truncateSync(file, fs.statSync(file).size - 2); // the crash cut "4\n"
    assert.deepEqual(await store().readDay(ORIGIN, DAY), [], 'an unterminated last line is not a record');
    const again = store();
    again.record(ORIGIN, '101', s(13, 0, 100), nine + 1000);
    await again.close();
    assert.deepEqual((await store().readDay(ORIGIN, DAY)).map((r) => [r.answernums, r.talktime]), [[13, 100]], 'the marked fragment stays skipped');
  });

  for (const bytes of [1, 2, 3]) {
    it(`a ${bytes}-byte torn fragment: the next record survives, and a fragment already glued to a line (older versions) is dropped, the trend stays within the day`, async () => {
      const line = `${nine + 60_000},101,2,0,90\n`;
      const h = store();
      h.record(ORIGIN, '101', s(1, 0, 30), nine);
      await h.close();
      const file = h.fileFor(ORIGIN, DAY);
      fs.appendFileSync(file, line.slice(0, bytes)); // "1", "17", "174": a time's first digits
      const again = store();
      again.record(ORIGIN, '101', s(2, 0, 90), nine + 60_000);
      await again.close();
      const records = await store().readDay(ORIGIN, DAY);
      assert.deepEqual(records.map((r) => r.t), [nine, nine + 60_000], 'the record after the tear is read back, at its own time');

      // A file written before the fix: the fragment and the next line are one line, whose time reads as centuries away.
      fs.writeFileSync(file, `${HISTORY_HEADER}${nine},101,1,0,30\n${line.slice(0, bytes)}${line}${nine + 120_000},101,3,0,100\n`);
      const glued = parseHistory(fs.readFileSync(file, 'utf8'));
      assert.ok(glued.some((r) => r.t > Date.UTC(2200, 0, 1)), 'the glued line does parse as a far-off time (the case this test is about)');
      const day = await store().readDay(ORIGIN, DAY);
      assert.deepEqual(day.map((r) => r.t), [nine, nine + 120_000], 'reading the day drops the record outside it');
      assert.ok(warnings.some((w) => /1 records outside its day/.test(w)), warnings.join('\n'));
      // buildTrend on its own (any caller) keeps to the day: at most 100 buckets of 15 minutes.
      const trend = buildTrend(glued, undefined, dayStart(DAY));
      assert.ok(trend.buckets.length <= 100, `${trend.buckets.length} buckets`);
      assert.deepEqual([trend.buckets.length, trend.answered, trend.talkCumulative], [1, [2], [70]]);
    });
  }

  it('a live store reads what another window appended, and reads a file again from the start when it shrank or was replaced', async () => {
    const mine = store();
    const other = store(); // another window on the same folder
    mine.record(ORIGIN, '101', s(1, 0, 10), nine);
    await mine.flush();
    assert.deepEqual((await mine.readDay(ORIGIN, DAY)).map((r) => r.answernums), [1]);
    other.record(ORIGIN, '102', s(5, 0, 50), nine + 1000);
    await other.flush();
    assert.deepEqual((await mine.readDay(ORIGIN, DAY)).map((r) => r.agentId), ['101', '102'], 'the other window\'s append is read');
    const file = mine.fileFor(ORIGIN, DAY);
    fs.writeFileSync(file, `${HISTORY_HEADER}${nine + 2000},103,7,0,70\n`); // shorter: rewritten by hand
    assert.deepEqual((await mine.readDay(ORIGIN, DAY)).map((r) => r.agentId), ['103']);
    fs.rmSync(file);
    assert.deepEqual(await mine.readDay(ORIGIN, DAY), []);
    fs.writeFileSync(file, `${HISTORY_HEADER}${nine + 3000},104,1,0,1\n${nine + 4000},104,2,0,2\n${nine + 5000},104,3,0,3\n`); // new file, longer than before
    assert.deepEqual((await mine.readDay(ORIGIN, DAY)).map((r) => r.answernums), [1, 2, 3]);
    fs.writeFileSync(`${file}.new`, `${HISTORY_HEADER}${nine + 6000},105,1,0,1\n`.repeat(2).replace(HISTORY_HEADER, '') + `${HISTORY_HEADER}${nine + 7000},106,9,9,9\n${nine + 8000},106,10,9,9\n`);
    fs.renameSync(`${file}.new`, file); // replaced in one step, longer than the file read before
    assert.deepEqual((await mine.readDay(ORIGIN, DAY)).map((r) => `${r.agentId}:${r.answernums}`), ['105:1', '105:1', '106:9', '106:10']);
    await Promise.all([mine.close(), other.close()]);
  });

  it('buildTrend: records before or after the day do not count and do not widen it', () => {
    const start = dayStart(DAY);
    const r = (t: number, a: number) => ({ t, agentId: '101', answernums: a, calloutnums: 0, talktime: a * 10 });
    const trend = buildTrend([r(start - 1, 1), r(nine, 2), r(nine + 600_000, 3), r(start + 24 * 3600_000, 9), r(11_741_597_260_000, 20)], undefined, start);
    assert.deepEqual(trend.buckets, [nine]);
    assert.deepEqual([trend.answered, trend.talkCumulative], [[1], [10]]);
  });

  it('retention runs at start: older day files go before anything is written', async () => {
    for (const d of ['2025-03-01', '2025-03-09', DAY]) {
      fs.mkdirSync(path.join(dir, originKey(ORIGIN)), { recursive: true });
      fs.writeFileSync(path.join(dir, originKey(ORIGIN), `${d}.csv`), HISTORY_HEADER);
    }
    const h = store(2);
    assert.deepEqual(await h.readDay(ORIGIN, DAY), []); // reading waits for the start-up work; nothing is recorded
    assert.deepEqual(fs.readdirSync(path.join(dir, originKey(ORIGIN))).sort(), ['2025-03-09.csv', `${DAY}.csv`]);
    await h.close();
  });

  it('retention 0 ("record nothing") deletes the files, on a change and at start, and drops what was pending', async () => {
    const h = store(7);
    h.record(ORIGIN, '101', s(1, 0, 60));
    h.record('https://b:8043', '7', s(1, 0, 60));
    await h.flush();
    h.record(ORIGIN, '101', s(2, 0, 60)); // pending when the setting changes
    const files = () => fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.csv'));
    assert.equal(files().length, 2);
    await h.setRetentionDays(0);
    assert.deepEqual(files(), []);
    await h.close();
    assert.deepEqual(files(), [], 'the pending line was not written after all');

    fs.mkdirSync(path.join(dir, originKey(ORIGIN)), { recursive: true });
    fs.writeFileSync(path.join(dir, originKey(ORIGIN), `${DAY}.csv`), HISTORY_HEADER);
    await store(0).whenIdle();
    assert.deepEqual(files(), [], 'at start too');
  });

  it('files are 0600 in 0700 folders, and existing ones are made owner-only at start', async () => {
    const root = path.join(dir, 'history');
    const h = new HistoryStore(root, { retentionDays: 7, clock, log });
    h.record(ORIGIN, '101', s(1, 0, 60));
    await h.close();
    const file = h.fileFor(ORIGIN, DAY);
    assert.deepEqual([root, path.dirname(file), file].map((p) => mode(p).toString(8)), ['700', '700', '600']);

    // An older version's files with the default umask.
    fs.chmodSync(root, 0o755);
    fs.chmodSync(path.dirname(file), 0o755);
    fs.chmodSync(file, 0o644);
    const other = path.join(root, originKey('https://b:8043'));
    fs.mkdirSync(other, { mode: 0o755 });
    fs.writeFileSync(path.join(other, '2025-03-09.csv'), HISTORY_HEADER, { mode: 0o644 });
    await new HistoryStore(root, { retentionDays: 7, clock, log }).whenIdle();
    assert.deepEqual([root, path.dirname(file), file, other, path.join(other, '2025-03-09.csv')].map((p) => mode(p).toString(8)), ['700', '700', '600', '700', '600']);
  });

  it('an unreadable day file: a clear message in the log (once), an empty day, nothing thrown; writes still go on', async () => {
    const file = path.join(dir, originKey(ORIGIN), `${DAY}.csv`);
    fs.mkdirSync(file, { recursive: true }); // a folder where the file should be: reading fails with EISDIR
    const h = store();
    assert.deepEqual(await h.readDay(ORIGIN, DAY), []);
    assert.deepEqual(await h.readDay(ORIGIN, DAY), []);
    assert.equal(warnings.length, 1, warnings.join('\n'));
    assert.match(warnings[0], /could not be read \(EISDIR\).*Check the file's permissions, or delete it/);
    h.record(ORIGIN, '101', s(1, 0, 60));
    await h.flush();
    assert.equal(warnings.length, 2);
    assert.match(warnings[1], /Could not append to the history file .* 1 changes are missing from the trend/);
    await h.close();
  });
});
