import type { AgentEntry } from '../monitor/statsStore';
import { formatDuration } from './format';

export type ExportFormat = 'csv' | 'json';

export interface ExportMeta {
  /** The gateway origin the numbers came from. */
  readonly gateway: string;
  readonly exportedAt: number;
}

const iso = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString());

/** One flat record per agent; unknown numbers stay empty, never zero. */
function record(e: AgentEntry) {
  const s = e.stats;
  return {
    agentId: e.agentId,
    state: e.state,
    answeredCalls: s?.answernums,
    outboundCalls: s?.calloutnums,
    talkTimeSeconds: s?.talktime,
    talkTime: s ? formatDuration(s.talktime) : undefined,
    fetchedAt: e.fetchedAt,
    lastAttemptAt: e.lastAttemptAt,
    problem: e.state === 'ok' ? undefined : e.error?.message,
  };
}

const CSV_COLUMNS = ['agent_id', 'state', 'answered_calls', 'outbound_calls', 'talk_time_seconds', 'talk_time', 'fetched_at', 'last_attempt_at', 'problem'] as const;

/**
 * RFC 4180 field. Text that a spreadsheet would run as a formula (= + - @ tab CR first)
 * gets a leading apostrophe: gateway messages end up here.
 */
function csvField(value: string | number | undefined, text: boolean): string {
  if (value === undefined) return '';
  let v = String(value);
  if (text && /^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function exportCsv(entries: readonly AgentEntry[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const e of entries) {
    const r = record(e);
    lines.push(
      [
        csvField(r.agentId, true),
        csvField(r.state, true),
        csvField(r.answeredCalls, false),
        csvField(r.outboundCalls, false),
        csvField(r.talkTimeSeconds, false),
        csvField(r.talkTime, false),
        csvField(iso(r.fetchedAt), false),
        csvField(iso(r.lastAttemptAt), false),
        csvField(r.problem, true),
      ].join(','),
    );
  }
  return lines.join('\r\n') + '\r\n';
}

export function exportJson(entries: readonly AgentEntry[], meta: ExportMeta): string {
  const agents = entries.map((e) => {
    const r = record(e);
    return {
      agentId: r.agentId,
      state: r.state,
      answeredCalls: r.answeredCalls ?? null,
      outboundCalls: r.outboundCalls ?? null,
      talkTimeSeconds: r.talkTimeSeconds ?? null,
      fetchedAt: r.fetchedAt === undefined ? null : iso(r.fetchedAt),
      lastAttemptAt: r.lastAttemptAt === undefined ? null : iso(r.lastAttemptAt),
      problem: r.problem ?? null,
    };
  });
  return JSON.stringify({ gateway: meta.gateway, exportedAt: iso(meta.exportedAt), agents }, null, 2) + '\n';
}

/** The format a file name asks for: .json is JSON, anything else CSV. */
export function formatForPath(path: string): ExportFormat {
  return /\.json$/i.test(path) ? 'json' : 'csv';
}
