import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import type { AgentStatistics } from '../gateway/types';
import { systemClock, type Clock, type TimerHandle } from '../util/clock';
import { Emitter, type IDisposable } from '../util/lifecycle';
import { onUnexpectedError } from '../util/unexpectedError';

/**
 * The shift's counter history: one append-only text file per gateway origin and
 * local day, `<root>/<origin key>/<YYYY-MM-DD>.csv`, one line per change of an
 * agent's counters: `time_ms,agent,answered,outbound,talk_seconds`.
 *
 * Why files, not an embedded database: the writes are tiny appends (about 30 bytes
 * per change) that need no index; a day is read whole; retention is deleting whole
 * day files; a crash can at worst tear the last line, which is skipped on reading;
 * there is nothing to bundle (a native SQLite would not run in every extension host)
 * and people can read the files. Only the origin and numbers are written, never a Guid.
 *
 * Issue 18: queue samples share the day's file as `time_ms,q<queue>,waiting,longest_wait_s,
 * signed_in,available` lines; readers of agent lines skip them (the agent field is digits).
 */
export interface HistoryRecord {
  readonly t: number;
  readonly agentId: string;
  readonly answernums: number;
  readonly calloutnums: number;
  readonly talktime: number;
}

export const HISTORY_HEADER = '# ccgateway-agent-stats history v1: time_ms,agent,answered,outbound,talk_seconds\n';
const LINE = /^(\d{10,16}),(\d{1,7}),(\d{1,9}),(\d{1,9}),(\d{1,12})$/;
const DAY_FILE = /^(\d{4}-\d{2}-\d{2})\.csv$/;

/** The local calendar day of a time, as YYYY-MM-DD. */
export function dayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Local midnight at the start of a YYYY-MM-DD day. */
export function dayStart(key: string): number {
  const [y, m, d] = key.split('-').map(Number);
  return new Date(y, m - 1, d).getTime();
}

/** A directory name for an origin: readable, and nothing a path could misread. */
export function originKey(origin: string): string {
  return origin.replace(/^https:\/\//, '').replace(/[^A-Za-z0-9.-]/g, '_').slice(0, 120) || '_';
}

/** A queue's sample (issue 18). */
export interface QueueHistoryRecord {
  readonly t: number;
  readonly queueId: number;
  readonly waiting: number;
  readonly longestWaitSeconds: number;
  readonly loggedOnAgents: number;
  readonly availAgents: number;
}
const QUEUE_LINE = /^(\d{10,16}),q(\d{1,10}),(\d{1,9}),(\d{1,12}),(\d{1,9}),(\d{1,9})$/;

export function parseQueueHistory(text: string): QueueHistoryRecord[] {
  const out: QueueHistoryRecord[] = [];
  for (const line of text.split('\n')) {
    const m = QUEUE_LINE.exec(line.trim());
    if (!m) continue;
    out.push({ t: Number(m[1]), queueId: Number(m[2]), waiting: Number(m[3]), longestWaitSeconds: Number(m[4]), loggedOnAgents: Number(m[5]), availAgents: Number(m[6]) });
  }
  return out;
}

export function parseHistory(text: string): HistoryRecord[] {
  const out: HistoryRecord[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line.trim());
    if (!m) continue; // the header, a blank or a torn last line
    out.push({ t: Number(m[1]), agentId: m[2], answernums: Number(m[3]), calloutnums: Number(m[4]), talktime: Number(m[5]) });
  }
  return out;
}

export interface HistoryOptions {
  /** Days of files kept (today counts as one); 0 records nothing. */
  retentionDays: number;
  readonly clock?: Clock;
  /** Pending lines are appended at most this often (default 1 s). */
  readonly flushMs?: number;
}

export class HistoryStore implements IDisposable {
  private readonly clock: Clock;
  private readonly flushMs: number;
  private retentionDays: number;
  /** file → lines waiting to be appended. */
  private readonly pending = new Map<string, { origin: string; lines: string[] }>();
  /** origin|agent → last counters recorded, with their day: an unchanged reading is not written. */
  private readonly last = new Map<string, { day: string; stats: AgentStatistics }>();
  /** origin|q<id> → day and line of the last queue sample recorded. */
  private readonly lastQueue = new Map<string, string>();
  private timer: TimerHandle | undefined;
  private writing: Promise<void> = Promise.resolve();
  private prunedDay = '';
  private disposed = false;
  private readonly onDidRecordEmitter = new Emitter<{ origin: string; agentId: string; day: string }>();
  /** Lines were written for an origin and day (after they reached the file). */
  readonly onDidRecord = this.onDidRecordEmitter.event;
  /** For the benchmark and tests: bytes appended so far. */
  bytesWritten = 0;

  constructor(
    readonly root: string,
    options: HistoryOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.flushMs = options.flushMs ?? 1000;
    this.retentionDays = options.retentionDays;
  }

  fileFor(origin: string, day: string): string {
    return path.join(this.root, originKey(origin), `${day}.csv`);
  }

  setRetentionDays(days: number): void {
    this.retentionDays = days;
    this.prunedDay = '';
  }

  /** Records the counters if they changed since the last record of this agent on this day. */
  record(origin: string, agentId: string, stats: AgentStatistics, at: number = this.clock.now()): boolean {
    if (this.disposed || this.retentionDays <= 0) return false;
    const day = dayKey(at);
    const key = `${origin}|${agentId}`;
    const before = this.last.get(key);
    if (before && before.day === day && before.stats.answernums === stats.answernums && before.stats.calloutnums === stats.calloutnums && before.stats.talktime === stats.talktime) return false;
    this.last.set(key, { day, stats: { answernums: stats.answernums, calloutnums: stats.calloutnums, talktime: stats.talktime } });
    const file = this.fileFor(origin, day);
    const entry = this.pending.get(file) ?? { origin, lines: [] };
    entry.lines.push(`${Math.round(at)},${agentId},${stats.answernums},${stats.calloutnums},${stats.talktime}\n`);
    this.pending.set(file, entry);
    if (this.timer === undefined) this.timer = this.clock.setTimeout(() => void this.flush(), this.flushMs);
    return true;
  }

  /** Issue 18: records a queue's sample if it changed since the last one of this queue on this day. */
  recordQueue(origin: string, queueId: number, q: Omit<QueueHistoryRecord, 't' | 'queueId'>, at: number = this.clock.now()): boolean {
    if (this.disposed || this.retentionDays <= 0) return false;
    const day = dayKey(at);
    const line = `q${queueId},${q.waiting},${q.longestWaitSeconds},${q.loggedOnAgents},${q.availAgents}`;
    const key = `${origin}|q${queueId}`;
    if (this.lastQueue.get(key) === `${day}|${line}`) return false;
    this.lastQueue.set(key, `${day}|${line}`);
    this.append(origin, day, `${Math.round(at)},${line}\n`);
    return true;
  }

  /** A day's samples of one queue, in time order. */
  async readQueueDay(origin: string, day: string, queueId: number): Promise<QueueHistoryRecord[]> {
    await this.writing;
    const text = await fs.readFile(this.fileFor(origin, day), 'utf8').catch(() => '');
    const pending = this.pending.get(this.fileFor(origin, day))?.lines.join('') ?? '';
    return parseQueueHistory(text + pending).filter((r) => r.queueId === queueId).sort((a, b) => a.t - b.t);
  }

  private append(origin: string, day: string, line: string): void {
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
    this.writing = this.writing.then(async () => {
      for (const [file, { origin, lines }] of batch) {
        try {
          await fs.mkdir(path.dirname(file), { recursive: true });
          let text = lines.join('');
          const exists = await fs.stat(file).then(() => true, () => false);
          if (!exists) text = HISTORY_HEADER + text;
          await fs.appendFile(file, text, 'utf8');
          this.bytesWritten += Buffer.byteLength(text);
          const day = path.basename(file, '.csv');
          for (const l of lines) this.onDidRecordEmitter.fire({ origin, agentId: l.split(',')[1], day });
        } catch (e) {
          onUnexpectedError(e, `writing the history file ${file}`);
        }
      }
      await this.pruneIfNewDay();
    });
    return this.writing;
  }

  /** A day's records of one origin, in time order (empty when there is no file). */
  async readDay(origin: string, day: string): Promise<HistoryRecord[]> {
    await this.writing;
    const text = await fs.readFile(this.fileFor(origin, day), 'utf8').catch(() => '');
    // What is still pending belongs to the day too (a read right after a change).
    const pending = this.pending.get(this.fileFor(origin, day))?.lines.join('') ?? '';
    return parseHistory(text + pending).sort((a, b) => a.t - b.t);
  }

  /** Deletes day files older than the retention (today is day 1); returns the files removed. */
  async prune(now: number = this.clock.now()): Promise<string[]> {
    if (this.retentionDays <= 0) return [];
    const oldest = dayKey(new Date(dayStart(dayKey(now))).setDate(new Date(now).getDate() - (this.retentionDays - 1)));
    const removed: string[] = [];
    let origins: string[];
    try {
      origins = await fs.readdir(this.root);
    } catch {
      return removed;
    }
    for (const o of origins) {
      let files: string[];
      try {
        files = await fs.readdir(path.join(this.root, o));
      } catch {
        continue;
      }
      for (const f of files) {
        const m = DAY_FILE.exec(f);
        if (!m || m[1] >= oldest) continue;
        const file = path.join(this.root, o, f);
        await fs.rm(file, { force: true });
        removed.push(file);
      }
    }
    this.prunedDay = dayKey(now);
    return removed;
  }

  private async pruneIfNewDay(): Promise<void> {
    if (this.prunedDay === dayKey(this.clock.now())) return;
    try {
      await this.prune();
    } catch (e) {
      onUnexpectedError(e, 'pruning the history');
    }
  }

  /** Writes what is pending, then stops. */
  async close(): Promise<void> {
    await this.flush();
    this.disposed = true;
    this.onDidRecordEmitter.dispose();
  }

  dispose(): void {
    void this.close();
  }
}
