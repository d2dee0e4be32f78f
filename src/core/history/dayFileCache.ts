import * as fs from 'node:fs/promises';
import { parseHistoryText, type HistoryRecord, type TimeWindow } from './historyFormat';

interface Entry {
  readonly ino: number;
  /** Which parse of the file this is: a file read again from its start gets a new one. */
  readonly generation: number;
  /** Bytes parsed so far: always just after a newline (an unfinished last line is read again next time). */
  consumed: number;
  readonly records: HistoryRecord[];
  unreadable: number;
  outsideWindow: number;
  /** Number of the read that last asked for this file. */
  lastUse: number;
}

export interface DayFileRead {
  /**
   * The file's records in file order. Held by the cache: only ever appended to while
   * `generation` stays the same, so a reader can resume where it stopped; never change it.
   */
  readonly records: readonly HistoryRecord[];
  /** How many of `records` this read saw (later reads may append more meanwhile). */
  readonly count: number;
  readonly generation: number;
  readonly unreadable: number;
  readonly outsideWindow: number;
}

/**
 * About 110 MB of parsed records (~114 bytes each, measured on Node 20): room for 10 gateways'
 * 60,000-line days with margin, and a ceiling for a host that watches more.
 */
export const DAY_CACHE_MAX_RECORDS = 1_000_000;

/**
 * A day file's records, parsed once: later reads parse only the bytes appended since (an open
 * trend re-reads its day on every update; parsing a whole 500-agent day took ~50–100 ms, see
 * `npm run bench`). A file that shrank or was replaced is read again from the start.
 *
 * Holds every file asked for, one per gateway and day, up to a number of records rather than of
 * files: Show Trend for all gateways reads every gateway's day on each update, and a cap in files
 * below the number of gateways made each pass evict the file the same pass needed next. Over the
 * cap, files no read asked for in the last two rounds over all held files go first (a closed
 * panel's, yesterday's); if that is not enough, the file just read is not kept, so one gateway's
 * file is parsed again rather than every other gateway's.
 */
export class DayFileCache {
  /** In use order, least recent first. */
  private readonly entries = new Map<string, Entry>();
  /** The read in flight for a file: a second read of it waits, or both would append the same new lines. */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private uses = 0;
  private generations = 0;
  /** For the benchmark and tests: files parsed from their start, and bytes parsed in all (read, or handed over by `appended`). */
  readonly reads = { whole: 0, bytes: 0 };

  constructor(private readonly maxRecords = DAY_CACHE_MAX_RECORDS) {}

  /** Throws what reading throws, ENOENT included (the caller decides what a missing file means). */
  read(file: string, window: TimeWindow): Promise<DayFileRead> {
    const use = ++this.uses;
    const before = this.inFlight.get(file) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(() => this.readNow(file, window, use));
    const settled = run.catch(() => undefined);
    this.inFlight.set(file, settled);
    void settled.then(() => {
      if (this.inFlight.get(file) === settled) this.inFlight.delete(file);
    });
    return run;
  }

  private async readNow(file: string, window: TimeWindow, use: number): Promise<DayFileRead> {
    const held = this.entries.get(file);
    if (held) {
      // Unchanged since it was last parsed (or since this process appended to it): one stat, no read.
      const { size, ino } = await fs.stat(file);
      if (ino === held.ino && size === held.consumed) {
        this.touch(file, held, use);
        this.trim(file, use);
        return { records: held.records, count: held.records.length, generation: held.generation, unreadable: held.unreadable, outsideWindow: held.outsideWindow };
      }
    }
    const handle = await fs.open(file, 'r');
    try {
      const { size, ino } = await handle.stat();
      let entry = this.entries.get(file);
      if (!entry || entry.ino !== ino || size < entry.consumed) entry = { ino, generation: ++this.generations, consumed: 0, records: [], unreadable: 0, outsideWindow: 0, lastUse: use };
      this.touch(file, entry, use);
      let torn = 0;
      if (size > entry.consumed) {
        const bytes = Buffer.alloc(size - entry.consumed);
        const { bytesRead } = await handle.read(bytes, 0, bytes.length, entry.consumed);
        const chunk = bytes.subarray(0, bytesRead);
        if (entry.consumed === 0) this.reads.whole++;
        this.reads.bytes += bytesRead;
        const complete = chunk.lastIndexOf(0x0a) + 1;
        const parsed = parseHistoryText(chunk.subarray(0, complete).toString('utf8'), window);
        for (const r of parsed.records) entry.records.push(r);
        entry.unreadable += parsed.unreadable;
        entry.outsideWindow += parsed.outsideWindow;
        entry.consumed += complete;
        if (complete < chunk.length && chunk.subarray(complete).toString('utf8').trim() !== '') torn = 1;
      }
      this.trim(file, use);
      return { records: entry.records, count: entry.records.length, generation: entry.generation, unreadable: entry.unreadable + torn, outsideWindow: entry.outsideWindow };
    } finally {
      await handle.close();
    }
  }

  private touch(file: string, entry: Entry, use: number): void {
    entry.lastUse = Math.max(entry.lastUse, use);
    this.entries.delete(file); // re-inserted last: the map's order is the use order
    this.entries.set(file, entry);
  }

  /**
   * Lines this process appended to `file`, which was `before` bytes long and is now `after` bytes
   * (inode `ino`): when the file's entry was parsed up to exactly `before` and `after` holds
   * nothing else (no other window appended meanwhile), they are counted from `text`, not read back.
   * Otherwise the next read parses them from the file.
   */
  appended(file: string, ino: number, before: number, after: number, text: string, window: TimeWindow): void {
    const entry = this.entries.get(file);
    if (!entry || this.inFlight.has(file) || entry.ino !== ino || entry.consumed !== before || after !== before + Buffer.byteLength(text) || !text.endsWith('\n')) return;
    const parsed = parseHistoryText(text, window);
    for (const r of parsed.records) entry.records.push(r);
    entry.unreadable += parsed.unreadable;
    entry.outsideWindow += parsed.outsideWindow;
    entry.consumed = after;
    this.reads.bytes += after - before;
  }

  /** Whether the file's records are held (a process appending to it can hand them its lines). */
  holds(file: string): boolean {
    return this.entries.has(file);
  }

  /** Keeps the records held within the cap (an entry counts one more: an empty file is not free). */
  private trim(current: string, use: number): void {
    let held = 0;
    for (const e of this.entries.values()) held += e.records.length + 1;
    if (held <= this.maxRecords) return;
    // Two rounds: reads of one pass may finish in another order than the last pass's.
    const passStart = use - 2 * this.entries.size;
    for (const [f, e] of this.entries) {
      if (held <= this.maxRecords) break;
      if (e.lastUse >= passStart) continue;
      this.entries.delete(f);
      held -= e.records.length + 1;
    }
    if (held > this.maxRecords) this.entries.delete(current);
  }

  forget(file: string): void {
    this.entries.delete(file);
  }

  /** For tests: the files held. */
  get files(): readonly string[] {
    return [...this.entries.keys()];
  }
}
