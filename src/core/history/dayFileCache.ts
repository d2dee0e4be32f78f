import * as fs from 'node:fs/promises';
import { FileWatches, unchangedSince, watchFile, type WatchFile, type WatchMark } from './dayFileWatch';
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
  /** The file's watch when a stat last found it equal to this entry; undefined: stat before trusting it. */
  verified: WatchMark | undefined;
  /** Reads answered on the watch's word since that stat. */
  served: number;
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
 * Reads of a file answered on its watch's word before one stats it anyway: an event lost (an
 * overflowing queue) delays another window's lines by at most this many updates, never for good.
 */
export const DAY_FILE_STAT_EVERY = 5;

export interface DayFileCacheOptions {
  /** How files are watched (tests: a watch that loses events, or none). */
  readonly watch?: WatchFile;
  readonly statEvery?: number;
}

/** Two turns of the event loop: the second follows a poll that began after the first, so the watch event of a write finished before is in. */
async function pollOnce(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  await new Promise<void>((resolve) => setImmediate(resolve));
}

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
 *
 * Other windows may append to the same files, so a held file is checked before it is served:
 * by a stat, or, where files can be watched, by its watch: no event since a stat last found it
 * equal to what is held (this process's own appends make that stat anyway), after letting the
 * event loop poll once, so that whatever was written before the read began has fired its event.
 * A stat waits for a libuv thread, and Show Trend for all gateways checks every gateway's file
 * on each update (10 stats on 4 threads were most of an update's time): watched, an update waits
 * for none. Every `DAY_FILE_STAT_EVERY`-th read of a file stats anyway, for events that get lost.
 */
export class DayFileCache {
  /** file → its records; `lastUse`, not the map's order, says which went unused longest (a read served on its watch's word writes no map). */
  private readonly entries = new Map<string, Entry>();
  /** The read in flight for a file: a second read of it waits, or both would append the same new lines. */
  private readonly inFlight = new Map<string, Promise<unknown>>();
  private uses = 0;
  private generations = 0;
  private readonly watches: FileWatches;
  private readonly statEvery: number;
  /** For the benchmark and tests: files parsed from their start, bytes parsed in all (read, or handed over by `appended`), and stats of held files. */
  readonly reads = { whole: 0, bytes: 0, stats: 0 };

  constructor(
    private readonly maxRecords = DAY_CACHE_MAX_RECORDS,
    options: DayFileCacheOptions = {},
  ) {
    this.watches = new FileWatches(options.watch ?? watchFile);
    this.statEvery = options.statEvery ?? DAY_FILE_STAT_EVERY;
  }

  /**
   * Several files at once (Show Trend for all gateways), each as `read` would give it or its
   * error; those whose watch says they are unchanged are answered without a stat.
   */
  async readAll(files: readonly string[], window: TimeWindow): Promise<PromiseSettledResult<DayFileRead>[]> {
    if (files.some((f) => this.trusted(f))) await pollOnce();
    const out: PromiseSettledResult<DayFileRead>[] = [];
    const slow: Promise<void>[] = [];
    for (let i = 0; i < files.length; i++) {
      const file = files[i];
      const held = this.trusted(file);
      if (held) {
        held.served++;
        this.touch(held, ++this.uses);
        out.push({ status: 'fulfilled', value: this.result(held, 0) });
        continue;
      }
      out.push({ status: 'rejected', reason: undefined }); // its place, filled in when its read settles
      slow.push(
        this.read(file, window).then(
          (value) => void (out[i] = { status: 'fulfilled', value }),
          (reason: unknown) => void (out[i] = { status: 'rejected', reason }),
        ),
      );
    }
    if (slow.length > 0) await Promise.all(slow);
    return out;
  }

  /** The file's entry when its watch says it is as a stat last found it, and no read of it is under way. */
  private trusted(file: string): Entry | undefined {
    const e = this.entries.get(file);
    return e && unchangedSince(e.verified) && e.served < this.statEvery && !this.inFlight.has(file) ? e : undefined;
  }

  /** A stat or read that began at `mark` found the file equal to `entry`. */
  private verify(entry: Entry, mark: WatchMark | undefined): void {
    entry.verified = unchangedSince(mark) ? mark : undefined;
    entry.served = 0;
  }

  /** The file's watch now (see FileWatches.mark): take it before the stat that `appended` is given. */
  mark(file: string): WatchMark | undefined {
    return this.watches.mark(file);
  }

  private result(e: Entry, torn: number): DayFileRead {
    return { records: e.records, count: e.records.length, generation: e.generation, unreadable: e.unreadable + torn, outsideWindow: e.outsideWindow };
  }

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
      const mark = this.watches.mark(file);
      const { size, ino } = await fs.stat(file);
      this.reads.stats++;
      if (ino === held.ino && size === held.consumed) {
        this.verify(held, mark);
        this.touch(held, use);
        this.trim(file, use);
        return this.result(held, 0);
      }
    }
    const handle = await fs.open(file, 'r');
    try {
      // Watched from before the stat: a write after it fires an event (a file new to the cache starts its watch here).
      const mark = this.watches.mark(file);
      const { size, ino } = await handle.stat();
      let entry = this.entries.get(file);
      if (!entry || entry.ino !== ino || size < entry.consumed) {
        entry = { ino, generation: ++this.generations, consumed: 0, records: [], unreadable: 0, outsideWindow: 0, lastUse: use, verified: undefined, served: 0 };
        this.entries.set(file, entry);
      }
      this.touch(entry, use);
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
      // An unfinished last line is read again: only a file parsed to its end is trusted.
      if (entry.consumed === size) this.verify(entry, mark);
      else entry.verified = undefined;
      this.trim(file, use);
      return this.result(entry, torn);
    } finally {
      await handle.close();
    }
  }

  private touch(entry: Entry, use: number): void {
    entry.lastUse = Math.max(entry.lastUse, use);
  }

  /**
   * Lines this process appended to `file`, which was `before` bytes long and is now `after` bytes
   * (inode `ino`): when the file's entry was parsed up to exactly `before` and `after` holds
   * nothing else (no other window appended meanwhile), they are counted from `text`, not read back.
   * Otherwise the next read parses them from the file. `mark`: the file's watch (`mark`) taken
   * after the append and before the stat that gave `after`.
   */
  appended(file: string, ino: number, before: number, after: number, text: string, window: TimeWindow, mark?: WatchMark): void {
    const entry = this.entries.get(file);
    if (!entry) return;
    // The file changed: only finding it holds exactly these lines trusts it again.
    entry.verified = undefined;
    if (this.inFlight.has(file) || entry.ino !== ino || entry.consumed !== before || after !== before + Buffer.byteLength(text) || !text.endsWith('\n')) return;
    const parsed = parseHistoryText(text, window);
    for (const r of parsed.records) entry.records.push(r);
    entry.unreadable += parsed.unreadable;
    entry.outsideWindow += parsed.outsideWindow;
    entry.consumed = after;
    this.reads.bytes += after - before;
    this.verify(entry, mark);
  }

  /** This process appended to the file without handing the lines over: its next read checks it. */
  changed(file: string): void {
    const entry = this.entries.get(file);
    if (entry) entry.verified = undefined;
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
    const stale = [...this.entries].filter(([, e]) => e.lastUse < passStart).sort(([, a], [, b]) => a.lastUse - b.lastUse);
    for (const [f, e] of stale) {
      if (held <= this.maxRecords) break;
      this.forget(f);
      held -= e.records.length + 1;
    }
    if (held > this.maxRecords) this.forget(current);
  }

  forget(file: string): void {
    this.entries.delete(file);
    this.watches.close(file);
  }

  /** Stops watching the files (the store closed). */
  close(): void {
    this.watches.closeAll();
  }

  /** For tests: the files held. */
  get files(): readonly string[] {
    return [...this.entries.keys()];
  }
}
