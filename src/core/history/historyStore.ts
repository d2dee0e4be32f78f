// Over 300 lines: the store owns one ordered chain of disk work (appends, retention, reads,
// start-up care of file modes) that must not be split across objects; formats live in historyFormat.ts.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { AgentStatistics } from '../model/statistics';
import { systemClock, type Clock, type TimerHandle } from '../util/clock';
import { Emitter, type IDisposable } from '../util/lifecycle';
import { onUnexpectedError } from '../util/unexpectedError';
import { dayKey, dayStart, dayWindow } from './day';
import { DayFileCache, type DayFileRead } from './dayFileCache';
import { formatAgentLine, formatQueueLine, HISTORY_HEADER, parseHistoryText, parseQueueHistory, TORN_MARK, type HistoryRecord, type QueueHistoryRecord } from './historyFormat';

export { HISTORY_HEADER, parseHistory, parseQueueHistory, type HistoryRecord, type QueueHistoryRecord } from './historyFormat';
export { dayKey, dayStart, dayWindow } from './day';

const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.csv$/;
/** Owner-only, like the sessions folder: the files say who worked when. */
const DIR_MODE = 0o700;
const FILE_MODE = 0o600;

/** A directory name for an origin: readable, and nothing a path could misread. */
export function originKey(origin: string): string {
  return origin.replace(/^https:\/\//, '').replace(/[^A-Za-z0-9.-]/g, '_').slice(0, 120) || '_';
}

const errorCode = (e: unknown) => (e as NodeJS.ErrnoException | undefined)?.code;

/** Size of a file and whether it ends in a newline; undefined when there is no file. */
async function tailOf(file: string): Promise<{ size: number; ino: number; endsInNewline: boolean } | undefined> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const { size, ino } = await handle.stat();
    if (size === 0) return { size, ino, endsInNewline: true };
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return { size, ino, endsInNewline: last[0] === 0x0a };
  } finally {
    await handle.close();
  }
}

/** A day file's records as the day file cache holds them (see `readDayLog`). */
export interface DayLog {
  /** In file order; only `records[0..count)` belong to this read. Held by the cache: never change it. */
  readonly records: readonly HistoryRecord[];
  readonly count: number;
  /** Changes when the file is parsed from its start again (replaced, shrunk, or dropped from the cache); 0 without a file. */
  readonly generation: number;
  /** Records not yet written to the file, in the order they were recorded. */
  readonly pending: readonly HistoryRecord[];
}

export interface HistoryLog {
  warn(message: string): void;
}

export interface HistoryOptions {
  /** Days of files kept (today counts as one); 0 records nothing and deletes the files. */
  retentionDays: number;
  readonly clock?: Clock;
  /** Pending lines are appended at most this often (default 1 s). */
  readonly flushMs?: number;
  /** Where unreadable files and failed writes are reported (default: stderr). */
  readonly log?: HistoryLog;
}

/**
 * The shift's counter history: one append-only text file per gateway origin and
 * local day, `<root>/<origin key>/<YYYY-MM-DD>.csv`, one line per change of an
 * agent's counters: `time_ms,agent,answered,outbound,talk_seconds`.
 *
 * Why files, not an embedded database: the writes are tiny appends (about 30 bytes
 * per change) that need no index; a day is read whole; retention is deleting whole
 * day files; a crash can at worst tear the last line, which is skipped on reading;
 * there is nothing to bundle (a native SQLite would not run in every extension host)
 * and people can read the files. A write after a torn line marks it and starts on a new line, and a day
 * keeps only records inside it, so a torn write costs at most its own line.
 * Files are 0600 in 0700 folders. Retention runs at start, on a change and once a day.
 * Only the origin and numbers are written, never a Guid.
 */
export class HistoryStore implements IDisposable {
  private readonly clock: Clock;
  private readonly flushMs: number;
  private readonly log: HistoryLog;
  private retentionDays: number;
  /** file → lines waiting to be appended. */
  private readonly pending = new Map<string, { origin: string; lines: string[] }>();
  /** origin|agent → last counters recorded, with their day: an unchanged reading is not written. */
  private readonly last = new Map<string, { day: string; stats: AgentStatistics }>();
  /** origin|q<id> → day and line of the last queue sample recorded. */
  private readonly lastQueue = new Map<string, string>();
  /** file → the last problem reported for it, so a trend update every few seconds does not repeat it. */
  private readonly reported = new Map<string, string>();
  /** Day files parsed so far: a trend update parses only what was appended since. */
  private readonly days = new DayFileCache();
  /** origin → its last day's file: a trend update asks for every gateway's on each update. */
  private readonly files = new Map<string, { readonly day: string; readonly file: string }>();
  private timer: TimerHandle | undefined;
  /** Every disk operation runs on this chain, in order: start-up care, appends, pruning, reads wait for it. */
  private writing: Promise<void> = Promise.resolve();
  private prunedDay = '';
  private disposed = false;
  private readonly onDidRecordEmitter = new Emitter<{ origin: string; agentId: string; day: string }>();
  /** Lines were written for an origin and day (after they reached the file). */
  readonly onDidRecord = this.onDidRecordEmitter.event;
  /** For the benchmark and tests: bytes appended so far. */
  bytesWritten = 0;
  /** For the benchmark and tests: day files parsed from their start, bytes parsed, and stats of held files, by readDay. */
  get dayFileReads(): { readonly whole: number; readonly bytes: number; readonly stats: number } {
    return { ...this.days.reads };
  }

  constructor(
    readonly root: string,
    options: HistoryOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.flushMs = options.flushMs ?? 1000;
    this.retentionDays = options.retentionDays;
    this.log = options.log ?? { warn: (m) => console.warn(`[ccgateway] ${m}`) };
    // At start: files of older days (or all of them, at 0) go, and folders and files made
    // by an older version with the default umask become owner-only.
    void this.enqueue(async () => {
      await this.secureExisting();
      await this.applyRetention();
    });
  }

  fileFor(origin: string, day: string): string {
    const known = this.files.get(origin);
    if (known?.day === day) return known.file;
    const file = path.join(this.root, originKey(origin), `${day}.csv`);
    this.files.set(origin, { day, file });
    return file;
  }

  /** Applies a new retention at once (a settings change); resolves when the files are gone. */
  setRetentionDays(days: number): Promise<void> {
    if (days === this.retentionDays) return this.writing;
    this.retentionDays = days;
    if (days <= 0) {
      // Record nothing: what waits to be written is dropped too.
      this.pending.clear();
      this.last.clear();
      this.lastQueue.clear();
    }
    return this.enqueue(() => this.applyRetention());
  }

  /** Records the counters if they changed since the last record of this agent on this day. */
  record(origin: string, agentId: string, stats: AgentStatistics, at: number = this.clock.now()): boolean {
    if (this.disposed || this.retentionDays <= 0) return false;
    const day = dayKey(at);
    const key = `${origin}|${agentId}`;
    const before = this.last.get(key);
    if (before && before.day === day && before.stats.answernums === stats.answernums && before.stats.calloutnums === stats.calloutnums && before.stats.talktime === stats.talktime) return false;
    this.last.set(key, { day, stats: { answernums: stats.answernums, calloutnums: stats.calloutnums, talktime: stats.talktime } });
    this.enqueueLine(origin, day, formatAgentLine(at, agentId, stats));
    return true;
  }

  /** Records a queue's sample if it changed since the last one of this queue on this day. */
  recordQueue(origin: string, queueId: number, q: Omit<QueueHistoryRecord, 't' | 'queueId'>, at: number = this.clock.now()): boolean {
    if (this.disposed || this.retentionDays <= 0) return false;
    const day = dayKey(at);
    const line = formatQueueLine(0, queueId, q);
    const key = `${origin}|q${queueId}`;
    if (this.lastQueue.get(key) === `${day}|${line}`) return false;
    this.lastQueue.set(key, `${day}|${line}`);
    this.enqueueLine(origin, day, formatQueueLine(at, queueId, q));
    return true;
  }

  /** A day's samples of one queue inside that day, in time order. */
  async readQueueDay(origin: string, day: string, queueId: number): Promise<QueueHistoryRecord[]> {
    await this.writing;
    const file = this.fileFor(origin, day);
    const text = await fs.readFile(file, 'utf8').catch(() => '');
    const pending = this.pending.get(file)?.lines.join('') ?? '';
    return [...parseQueueHistory(text, dayWindow(day)), ...parseQueueHistory(pending, dayWindow(day))].filter((r) => r.queueId === queueId).sort((a, b) => a.t - b.t);
  }

  /** A line for the day's file, written with the next flush. */
  private enqueueLine(origin: string, day: string, line: string): void {
    const file = this.fileFor(origin, day);
    const entry = this.pending.get(file) ?? { origin, lines: [] };
    entry.lines.push(line);
    this.pending.set(file, entry);
    if (this.timer === undefined) this.timer = this.clock.setTimeout(() => void this.flush(), this.flushMs);
  }

  /** Appends everything pending; resolves when it is on disk. */
  flush(): Promise<void> {
    if (this.timer !== undefined) this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const batch = [...this.pending];
    this.pending.clear();
    return this.enqueue(async () => {
      for (const [file, { origin, lines }] of batch) {
        try {
          await this.append(file, lines.join(''));
          const day = path.basename(file, '.csv');
          for (const l of lines) this.onDidRecordEmitter.fire({ origin, agentId: l.split(',')[1], day });
        } catch (e) {
          this.log.warn(`Could not append to the history file ${file} (${errorCode(e) ?? String(e)}): ${lines.length} changes are missing from the trend. Check that the folder is writable by you; the live view is not affected.`);
        }
      }
      await this.pruneIfNewDay();
    });
  }

  private async append(file: string, lines: string): Promise<void> {
    await fs.mkdir(path.dirname(file), { recursive: true, mode: DIR_MODE });
    const tail = await tailOf(file);
    // A crash can leave the last line torn: mark it and start on a new line, so the fragment
    // stays one skipped line and eats neither the next record nor passes for one.
    const text = (tail === undefined || tail.size === 0 ? HISTORY_HEADER : tail.endsInNewline ? '' : `${TORN_MARK}\n`) + lines;
    await fs.appendFile(file, text, { encoding: 'utf8', mode: FILE_MODE });
    this.bytesWritten += Buffer.byteLength(text);
    // An open trend holds this file's records: hand it the lines (the cache checks that nothing else was appended).
    if (!this.days.holds(file)) return;
    // Marked after the append (its own watch event is in by then): a change from here on is another window's.
    const mark = tail && this.days.mark(file);
    const after = tail && (await fs.stat(file).catch(() => undefined));
    if (tail && after?.ino === tail.ino) this.days.appended(file, after.ino, tail.size, after.size, text, dayWindow(path.basename(file, '.csv')), mark);
    else this.days.changed(file); // the held records miss these lines until a read finds them
  }

  /** A day's records of one origin inside that day, in time order (empty when there is no file). */
  async readDay(origin: string, day: string): Promise<HistoryRecord[]> {
    const log = await this.readDayLog(origin, day);
    return [...log.records.slice(0, log.count), ...log.pending].sort((a, b) => a.t - b.t);
  }

  /**
   * A day's records of one origin as they stand in its file, in file order and not copied (an open
   * trend counts only those after the ones it counted last time, while `generation` is the same),
   * and the records still waiting to be written.
   */
  async readDayLog(origin: string, day: string): Promise<DayLog> {
    return (await this.readDayLogs([origin], day))[0];
  }

  /** `readDayLog` of several origins at once (Show Trend for all gateways), in their order. */
  async readDayLogs(origins: readonly string[], day: string): Promise<DayLog[]> {
    await this.writing;
    const window = dayWindow(day);
    const files = origins.map((o) => this.fileFor(o, day));
    const reads = await this.days.readAll(files, window);
    return files.map((file, i) => {
      const r = reads[i];
      let read: DayFileRead = { records: [], count: 0, generation: 0, unreadable: 0, outsideWindow: 0 };
      if (r.status === 'fulfilled') read = r.value;
      else {
        this.days.forget(file);
        const e: unknown = r.reason;
        if (errorCode(e) !== 'ENOENT') this.report(file, `The history file ${file} could not be read (${errorCode(e) ?? String(e)}): the trend shows no earlier records of that day. Check the file's permissions, or delete it to start the day afresh.`);
      }
      // What is still pending belongs to the day too (a read right after a change); its own
      // line, so a torn last line of the file cannot swallow it.
      const pending = this.pending.get(file);
      const pendingRecords = pending ? parseHistoryText(pending.lines.join(''), window).records : [];
      if (read.unreadable + read.outsideWindow > 0) {
        this.report(file, `The history file ${file} has ${read.unreadable} unreadable lines and ${read.outsideWindow} records outside its day, skipped (a write torn by a crash, or an edit). The other records are shown; delete the file to drop the day.`);
      }
      return { records: read.records, count: read.count, generation: read.generation, pending: pendingRecords };
    });
  }

  /** Deletes day files older than the retention (today is day 1), or all of them at 0, after the disk jobs before it; returns the files removed. */
  async prune(now: number = this.clock.now()): Promise<string[]> {
    let removed: string[] = [];
    await this.enqueue(async () => void (removed = await this.removeOld(now)));
    return removed;
  }

  /** Resolves when every disk job queued so far (start-up care, appends, retention) is done. */
  whenIdle(): Promise<void> {
    return this.writing;
  }

  private async removeOld(now: number): Promise<string[]> {
    const keepAll = this.retentionDays <= 0 ? undefined : dayKey(new Date(dayStart(dayKey(now))).setDate(new Date(now).getDate() - (this.retentionDays - 1)));
    const removed: string[] = [];
    for (const o of await this.list(this.root)) {
      for (const f of await this.list(path.join(this.root, o))) {
        const m = DAY_FILE.exec(f);
        if (!m || (keepAll !== undefined && m[1] >= keepAll)) continue;
        const file = path.join(this.root, o, f);
        await fs.rm(file, { force: true });
        this.days.forget(file);
        removed.push(file);
      }
    }
    this.prunedDay = dayKey(now);
    return removed;
  }

  private async list(dir: string): Promise<string[]> {
    try {
      return await fs.readdir(dir);
    } catch {
      return [];
    }
  }

  private async applyRetention(): Promise<void> {
    try {
      await this.removeOld(this.clock.now());
    } catch (e) {
      this.log.warn(`Could not delete old history files in ${this.root} (${errorCode(e) ?? String(e)}): they stay until the next try. Delete them by hand if the disk is short.`);
    }
  }

  private pruneIfNewDay(): Promise<void> {
    return this.prunedDay === dayKey(this.clock.now()) ? Promise.resolve() : this.applyRetention();
  }

  /** Owner-only modes on the folders and day files already there (cheap: a few folders, a file per day). */
  private async secureExisting(): Promise<void> {
    const chmod = (p: string, mode: number) =>
      fs.chmod(p, mode).catch((e: unknown) => {
        if (errorCode(e) !== 'ENOENT') this.log.warn(`Could not make ${p} private to you (${errorCode(e) ?? String(e)}): other users of this computer may read it.`);
      });
    if ((await fs.stat(this.root).catch(() => undefined))?.isDirectory() !== true) return;
    await chmod(this.root, DIR_MODE);
    for (const o of await this.list(this.root)) {
      const dir = path.join(this.root, o);
      if ((await fs.stat(dir).catch(() => undefined))?.isDirectory() !== true) continue;
      await chmod(dir, DIR_MODE);
      for (const f of await this.list(dir)) if (DAY_FILE.test(f)) await chmod(path.join(dir, f), FILE_MODE);
    }
  }

  /** Runs a disk job after every earlier one; a failing job is reported, never breaks the chain. */
  private enqueue(job: () => Promise<void>): Promise<void> {
    this.writing = this.writing.then(job).catch((e: unknown) => onUnexpectedError(e, 'the history files'));
    return this.writing;
  }

  private report(file: string, message: string): void {
    if (this.reported.get(file) === message) return;
    this.reported.set(file, message);
    this.log.warn(message);
  }

  /** Writes what is pending, then stops. */
  async close(): Promise<void> {
    await this.flush();
    this.disposed = true;
    this.days.close();
    this.onDidRecordEmitter.dispose();
  }

  dispose(): void {
    void this.close();
  }
}
