// Model-based: random sequences of appends, torn writes (a crash truncating the
// day file at a random byte), restarts (a new store on the same folder), days passing on a fake
// clock and retention changes, with the invariants checked after every step.
// A failure prints its seed and path; replay it with
//   HISTORY_MODEL_SEED=<seed> HISTORY_MODEL_PATH=<path> npx mocha --no-config out/test/unit/historyModel.test.js
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import { dayKey, dayStart, dayWindow, HistoryStore, type HistoryRecord } from '../../src/core/history/historyStore';
import { buildTrend } from '../../src/core/history/trend';
import { FakeClock } from '../support/fakeClock';

const ORIGIN = 'https://cc.example.com:8043';
const HOUR = 3600_000;
const keyOf = (r: HistoryRecord) => `${r.t},${r.agentId},${r.answernums},${r.calloutnums},${r.talktime}`;

interface Real {
  readonly dir: string;
  readonly clock: FakeClock;
  store: HistoryStore;
  retentionDays: number;
  /** Counters only grow, so every append is a change and every record is unique. */
  next: number;
}

/** What must be true: per day, the records appended since that day's file was last torn or pruned; every record ever appended. */
interface Model {
  readonly sinceTear: Map<string, string[]>;
  readonly everAppended: Set<string>;
}

/** The oldest day retention keeps (today is day 1); undefined at 0 (nothing kept). */
function oldestKept(now: number, days: number): string | undefined {
  if (days <= 0) return undefined;
  const d = new Date(now);
  return dayKey(new Date(d.getFullYear(), d.getMonth(), d.getDate() - (days - 1)).getTime());
}

function forgetPruned(m: Model, r: Real): void {
  const oldest = oldestKept(r.clock.now(), r.retentionDays);
  for (const day of [...m.sinceTear.keys()]) if (oldest === undefined || day < oldest) m.sinceTear.delete(day);
}

const store = (r: Pick<Real, 'dir' | 'clock' | 'retentionDays'>) => new HistoryStore(r.dir, { retentionDays: r.retentionDays, clock: r.clock, log: { warn: () => undefined } });

async function checkInvariants(m: Model, r: Real): Promise<void> {
  forgetPruned(m, r); // a day older than the retention may be deleted at any flush from now on
  const originDir = path.dirname(r.store.fileFor(ORIGIN, '2000-01-01'));
  const files = fs.existsSync(originDir) ? fs.readdirSync(originDir).filter((f) => f.endsWith('.csv')) : [];
  if (r.retentionDays <= 0) assert.deepEqual(files, [], 'retention 0 keeps no file');
  for (const f of files) assert.equal(fs.statSync(path.join(originDir, f)).mode & 0o777, 0o600, `${f} is 0600`);
  if (fs.existsSync(originDir)) for (const d of [r.dir, originDir]) assert.equal(fs.statSync(d).mode & 0o777, 0o700, `${d} is 0700`);
  const days = new Set([...files.map((f) => f.slice(0, -4)), ...m.sinceTear.keys()]);
  for (const day of days) {
    const records = await r.store.readDay(ORIGIN, day);
    const read = new Set(records.map(keyOf));
    for (const want of m.sinceTear.get(day) ?? []) assert.ok(read.has(want), `${want} (appended after the last tear of ${day}) is read back`);
    const { start, end } = dayWindow(day);
    for (const rec of records) {
      assert.ok(rec.t >= start && rec.t < end, `${keyOf(rec)} lies in ${day}`);
      assert.ok(m.everAppended.has(keyOf(rec)), `${keyOf(rec)} was appended (not made up from a torn line)`);
    }
    assert.ok(buildTrend(records, undefined, dayStart(day)).buckets.length <= 100, 'at most a day of 15-minute buckets');
  }
}

type Cmd = fc.AsyncCommand<Model, Real>;

class Append implements Cmd {
  constructor(readonly agent: string) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const n = ++r.next;
    const recorded = r.store.record(ORIGIN, this.agent, { answernums: n, calloutnums: n % 3, talktime: n * 7919 });
    assert.equal(recorded, r.retentionDays > 0, 'recorded unless retention is 0');
    if (recorded) {
      const key = `${r.clock.now()},${this.agent},${n},${n % 3},${n * 7919}`;
      m.everAppended.add(key);
      const day = dayKey(r.clock.now());
      m.sinceTear.set(day, [...(m.sinceTear.get(day) ?? []), key]);
    }
    await checkInvariants(m, r);
  }
  toString = () => `append(${this.agent})`;
}

class Flush implements Cmd {
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    await r.store.flush();
    await checkInvariants(m, r);
  }
  toString = () => 'flush';
}

/** A crash in the middle of a write: what was written reaches the disk, the file is cut at a byte, the window starts again. */
class Tear implements Cmd {
  /** `at` of the file, or of its last line (where a crash during an append cuts). */
  constructor(
    readonly at: number,
    readonly inLastLine: boolean,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    await r.store.flush();
    const day = dayKey(r.clock.now());
    const file = r.store.fileFor(ORIGIN, day);
    if (fs.existsSync(file)) {
      const text = fs.readFileSync(file);
      const from = this.inLastLine ? text.lastIndexOf(0x0a, text.length - 2) + 1 : 0;
      fs.truncateSync(file, from + Math.floor(this.at * (text.length - from)));
      m.sinceTear.set(day, []);
    }
    r.store.dispose();
    r.store = store(r);
    await checkInvariants(m, r);
  }
  toString = () => `tear(${this.inLastLine ? 'last line' : 'file'} at ${this.at.toFixed(3)})`;
}

class Restart implements Cmd {
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    await r.store.close();
    r.store = store(r);
    await checkInvariants(m, r);
  }
  toString = () => 'restart';
}

class Advance implements Cmd {
  constructor(readonly ms: number) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    await r.clock.advance(this.ms);
    await checkInvariants(m, r);
  }
  toString = () => `advance(${(this.ms / HOUR).toFixed(2)} h)`;
}

class SetRetention implements Cmd {
  constructor(readonly days: number) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    r.retentionDays = this.days;
    await r.store.setRetentionDays(this.days);
    await checkInvariants(m, r);
  }
  toString = () => `retention(${this.days})`;
}

const commands = [
  fc.constantFrom('101', '102', '60000').map((a) => new Append(a)),
  fc.constantFrom('101', '102', '60000').map((a) => new Append(a)),
  fc.constant(new Flush()),
  fc.tuple(fc.integer({ min: 0, max: 9999 }), fc.boolean()).map(([at, last]) => new Tear(at / 10_000, last)), // fc.double leans to 0: an empty file
  fc.constant(new Restart()),
  fc.integer({ min: 1, max: 4 * HOUR }).map((ms) => new Advance(ms)),
  fc.integer({ min: 0, max: 3 }).map((d) => new SetRetention(d)),
];

describe('history store, model-based (fast-check)', function () {
  this.timeout(60_000);
  let umask: number;
  before(() => (umask = process.umask(0o022)));
  after(() => process.umask(umask));

  it('appends, torn writes, restarts, days passing and retention changes keep every record since the last tear, within its day, files 0600', async () => {
    const seed = process.env.HISTORY_MODEL_SEED === undefined ? undefined : Number(process.env.HISTORY_MODEL_SEED);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.commands(commands, { maxCommands: 40, size: 'medium' }), async (retentionDays, cmds) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-history-model-'));
        const clock = new FakeClock(new Date(2025, 2, 10, 22, 0, 0).getTime()); // near midnight: days change often
        const real: Real = { dir, clock, retentionDays, store: store({ dir, clock, retentionDays }), next: 0 };
        try {
          await fc.asyncModelRun(() => ({ model: { sinceTear: new Map<string, string[]>(), everAppended: new Set<string>() }, real }), cmds);
        } finally {
          await real.store.close();
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: Number(process.env.HISTORY_MODEL_RUNS ?? 150), seed, path: process.env.HISTORY_MODEL_PATH },
    );
  });
});
