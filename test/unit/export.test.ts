import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { exportCsv, exportJson, formatForPath } from '../../src/core/format/export';
import type { AgentEntry } from '../../src/core/monitor/statsStore';

const GUID = '0f8e2b4c-1111-2222-3333-444455556666.AgentGateway1';
const at = Date.UTC(2026, 10, 24, 9, 30, 15);
const entries: AgentEntry[] = [
  { agentId: '101', state: 'ok', stats: { talktime: 4328, answernums: 5, calloutnums: 0 }, fetchedAt: at, lastAttemptAt: at },
  // A gateway message with everything a CSV writer gets wrong, and a formula.
  { agentId: '102', state: 'stale', stats: { talktime: 61, answernums: 1, calloutnums: 2 }, fetchedAt: at - 60_000, lastAttemptAt: at, error: { kind: 'protocol', message: '=HYPERLINK("x"), "quoted",\nnew line 座席签入' } },
  { agentId: '103', state: 'error', lastAttemptAt: at, error: { kind: 'network', message: '-1 refused, retrying' } },
  { agentId: '104', state: 'loading' },
];

describe('export', () => {
  it('CSV round-trips through a real CSV parser, field for field', () => {
    const csv = exportCsv(entries);
    assert.ok(csv.endsWith('\r\n'), 'RFC 4180 line ends');
    const rows = parse<Record<string, string>>(csv, { columns: true });
    assert.equal(rows.length, entries.length);
    assert.deepEqual(rows[0], {
      agent_id: '101', state: 'ok', answered_calls: '5', outbound_calls: '0', talk_time_seconds: '4328', talk_time: '1:12:08',
      fetched_at: '2026-11-24T09:30:15.000Z', last_attempt_at: '2026-11-24T09:30:15.000Z', problem: '',
    });
    assert.equal(rows[1].problem, `'=HYPERLINK("x"), "quoted",\nnew line 座席签入`, 'formula neutralised, quotes, comma, newline and Chinese intact');
    assert.equal(rows[1].fetched_at, '2026-11-24T09:29:15.000Z');
    assert.equal(rows[2].problem, `'-1 refused, retrying`);
    assert.deepEqual([rows[2].answered_calls, rows[2].talk_time, rows[2].fetched_at], ['', '', ''], 'unknown numbers stay empty, never 0');
    assert.equal(rows[3].state, 'loading');
  });

  it('writes only the documented fields: whatever else an entry carries stays out', () => {
    // An entry as it might look if a credential ever travelled with it (a field, or the raw request).
    const carrying = { ...entries[0], guid: GUID, request: { headers: { guid: GUID } } } as AgentEntry;
    const csv = exportCsv([carrying]);
    const json = exportJson([carrying], { gateway: 'https://cc.example.com:8043', exportedAt: at });
    assert.ok(!csv.includes(GUID), 'no Guid in the CSV');
    assert.ok(!json.includes(GUID), 'no Guid in the JSON');
    assert.deepEqual(Object.keys((JSON.parse(json) as { agents: object[] }).agents[0]).sort(), ['agentId', 'answeredCalls', 'fetchedAt', 'lastAttemptAt', 'outboundCalls', 'problem', 'state', 'talkTimeSeconds'].sort());
  });

  it('JSON carries the gateway, the export time and nulls for what is unknown', () => {
    const json = JSON.parse(exportJson(entries, { gateway: 'https://cc.example.com:8043', exportedAt: at })) as {
      gateway: string; exportedAt: string; agents: { agentId: string; answeredCalls: number | null; problem: string | null; fetchedAt: string | null }[];
    };
    assert.equal(json.gateway, 'https://cc.example.com:8043');
    assert.equal(json.exportedAt, '2026-11-24T09:30:15.000Z');
    assert.deepEqual(json.agents.map((a) => a.agentId), ['101', '102', '103', '104']);
    assert.equal(json.agents[0].answeredCalls, 5);
    assert.equal(json.agents[2].answeredCalls, null);
    assert.equal(json.agents[1].problem, '=HYPERLINK("x"), "quoted",\nnew line 座席签入', 'JSON needs no formula guard');
    assert.equal(json.agents[3].fetchedAt, null);
  });

  it('picks the format from the file name', () => {
    assert.equal(formatForPath('/tmp/a.JSON'), 'json');
    assert.equal(formatForPath('/tmp/a.csv'), 'csv');
    assert.equal(formatForPath('/tmp/a'), 'csv');
  });
});
