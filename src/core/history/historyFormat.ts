/**
 * The history files' text format, and the one place that turns a line back into a record.
 *
 * A line is `time_ms,agent,answered,outbound,talk_seconds`. A new kind of record (queue
 * samples) gets its own line shape starting with a tag that is not a digit (`q,…`), a
 * pattern and a branch in `parseLine`, and its own member of `HistoryLine`: older versions
 * skip such lines as "not a record", so the files stay readable both ways.
 */
export interface HistoryRecord {
  readonly t: number;
  readonly agentId: string;
  readonly answernums: number;
  readonly calloutnums: number;
  readonly talktime: number;
}

/** Every kind of line a history file holds (today only agent counters). */
export type HistoryLine = { readonly kind: 'agent'; readonly record: HistoryRecord };

export const HISTORY_HEADER = '# ccgateway-agent-stats history v1: time_ms,agent,answered,outbound,talk_seconds\n';
/**
 * Ends a line a crash tore, written before the next append: a fragment can look like a whole
 * record (`…,12,0,8` of `…,12,0,84`), so a line ending in this mark is never one.
 */
export const TORN_MARK = '#torn';
const AGENT_LINE = /^(\d{10,16}),(\d{1,7}),(\d{1,9}),(\d{1,9}),(\d{1,12})$/;

/** The line of an agent's counters (with its newline). */
export function formatAgentLine(t: number, agentId: string, s: { answernums: number; calloutnums: number; talktime: number }): string {
  return `${Math.round(t)},${agentId},${s.answernums},${s.calloutnums},${s.talktime}\n`;
}

/** One line → what it holds; undefined for the header, a blank, a comment or anything torn or foreign. */
export function parseLine(raw: string): HistoryLine | undefined {
  const line = raw.trim();
  if (line.endsWith(TORN_MARK)) return undefined;
  const m = AGENT_LINE.exec(line);
  if (m) return { kind: 'agent', record: { t: Number(m[1]), agentId: m[2], answernums: Number(m[3]), calloutnums: Number(m[4]), talktime: Number(m[5]) } };
  return undefined;
}

/** A half-open time window [start, end): a local day. */
export interface TimeWindow {
  readonly start: number;
  readonly end: number;
}

export interface ParsedHistory {
  readonly records: HistoryRecord[];
  /** Lines that are neither a record, the header, a comment nor blank (a torn write, a foreign edit). */
  readonly unreadable: number;
  /** Records whose time is outside the window (a torn fragment glued to the next line reads as a far-off time). */
  readonly outsideWindow: number;
}

/**
 * A file's text → its records inside the window (all, without one), with counts of what was
 * skipped. Text after the last newline is a line still being written or torn: never a record.
 */
export function parseHistoryText(text: string, window?: TimeWindow): ParsedHistory {
  const records: HistoryRecord[] = [];
  let unreadable = 0;
  let outsideWindow = 0;
  const lines = text.split('\n');
  const unterminated = lines.pop() ?? '';
  if (unterminated.trim() !== '') unreadable++;
  for (const raw of lines) {
    const parsed = parseLine(raw);
    if (!parsed) {
      const line = raw.trim();
      if (line !== '' && !line.startsWith('#')) unreadable++;
      continue;
    }
    const r = parsed.record;
    if (window && (r.t < window.start || r.t >= window.end)) {
      outsideWindow++;
      continue;
    }
    records.push(r);
  }
  return { records, unreadable, outsideWindow };
}

/** The records of a file's text (without a window: every record line). */
export function parseHistory(text: string, window?: TimeWindow): HistoryRecord[] {
  return parseHistoryText(text, window).records;
}

/** A queue's sample: `time_ms,q<queue>,waiting,longest_wait_s,signed_in,available`. */
export interface QueueHistoryRecord {
  readonly t: number;
  readonly queueId: number;
  readonly waiting: number;
  readonly longestWaitSeconds: number;
  readonly loggedOnAgents: number;
  readonly availAgents: number;
}
const QUEUE_LINE = /^(\d{10,16}),q(\d{1,10}),(\d{1,9}),(\d{1,12}),(\d{1,9}),(\d{1,9})$/;

/** The line of a queue's sample (with its newline). */
export function formatQueueLine(t: number, queueId: number, q: Omit<QueueHistoryRecord, 't' | 'queueId'>): string {
  return `${Math.round(t)},q${queueId},${q.waiting},${q.longestWaitSeconds},${q.loggedOnAgents},${q.availAgents}\n`;
}

/** The queue samples of a file's text inside the window; torn and unterminated lines are never samples. */
export function parseQueueHistory(text: string, window?: TimeWindow): QueueHistoryRecord[] {
  const out: QueueHistoryRecord[] = [];
  const lines = text.split('\n');
  lines.pop(); // text after the last newline is still being written, or torn
  for (const raw of lines) {
    const line = raw.trim();
    if (line.endsWith(TORN_MARK)) continue;
    const m = QUEUE_LINE.exec(line);
    if (!m) continue;
    const r = { t: Number(m[1]), queueId: Number(m[2]), waiting: Number(m[3]), longestWaitSeconds: Number(m[4]), loggedOnAgents: Number(m[5]), availAgents: Number(m[6]) };
    if (window && (r.t < window.start || r.t >= window.end)) continue;
    out.push(r);
  }
  return out;
}
