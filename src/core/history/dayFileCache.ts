import * as fs from 'node:fs/promises';
import { parseHistoryText, type HistoryRecord, type TimeWindow } from './historyFormat';

interface Entry {
  readonly ino: number;
  /** Bytes parsed so far: always just after a newline (an unfinished last line is read again next time). */
  consumed: number;
  readonly records: HistoryRecord[];
  unreadable: number;
  outsideWindow: number;
}

export interface DayFileRead {
  readonly records: readonly HistoryRecord[];
  readonly unreadable: number;
  readonly outsideWindow: number;
}

/**
 * A day file's records, parsed once: later reads parse only the bytes appended since (an open
 * trend re-reads its day on every update; parsing a whole 500-agent day took ~50–100 ms, see
 * `npm run bench`). A file that shrank or was replaced is read again from the start. Holds
 * the last few files only (one per open origin and day is the usual case).
 */
export class DayFileCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly maxFiles = 4) {}

  /** Throws what reading throws, ENOENT included (the caller decides what a missing file means). */
  async read(file: string, window: TimeWindow): Promise<DayFileRead> {
    const handle = await fs.open(file, 'r');
    try {
      const { size, ino } = await handle.stat();
      let entry = this.entries.get(file);
      if (!entry || entry.ino !== ino || size < entry.consumed) entry = { ino, consumed: 0, records: [], unreadable: 0, outsideWindow: 0 };
      this.entries.delete(file); // re-inserted last: the map's order is the use order
      this.entries.set(file, entry);
      if (this.entries.size > this.maxFiles) this.entries.delete(this.entries.keys().next().value as string);
      let torn = 0;
      if (size > entry.consumed) {
        const bytes = Buffer.alloc(size - entry.consumed);
        const { bytesRead } = await handle.read(bytes, 0, bytes.length, entry.consumed);
        const chunk = bytes.subarray(0, bytesRead);
        const complete = chunk.lastIndexOf(0x0a) + 1;
        const parsed = parseHistoryText(chunk.subarray(0, complete).toString('utf8'), window);
        for (const r of parsed.records) entry.records.push(r);
        entry.unreadable += parsed.unreadable;
        entry.outsideWindow += parsed.outsideWindow;
        entry.consumed += complete;
        if (complete < chunk.length && chunk.subarray(complete).toString('utf8').trim() !== '') torn = 1;
      }
      return { records: entry.records, unreadable: entry.unreadable + torn, outsideWindow: entry.outsideWindow };
    } finally {
      await handle.close();
    }
  }

  forget(file: string): void {
    this.entries.delete(file);
  }
}
