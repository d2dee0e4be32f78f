import { t } from '../l10n/localize';
import { GatewayError } from '../model/errors';
import { type QueueAgent, type QueueAgents } from '../model/queues';
import { presenceOf } from '../supervisor/agentState';
import { printable } from '../ids/agentId';
import { AGENT_INFO_PATH } from './agentInfo';
import { parseEnvelope, type RawAnswer } from './parse';

/**
 * Agents in one answer (docs/cc-gateway-api.md, "Agents of one skill queue" and "Agents in
 * batches"; docs/queues.md):
 *   GET …/agentgroup/{agentid}/agentbyskill/{skillid}   the agents signed in to one queue
 *   GET …/agentgroup/{agentid}/agentbylist, body agentList   up to 100 listed agents
 * Both are GETs with a JSON body; `{agentid}` is the signed-in agent asking.
 */
export const MAX_AGENTS_PER_LIST = 100;
/** agentbyskill's agentLimit upper bound (vendor): we ask for that many. */
export const QUEUE_AGENT_LIMIT = 500;
/** An answer of 500 agents is ~150 KB: more room than the statistics answers get. */
export const QUEUE_AGENTS_MAX_BYTES = 1024 * 1024;

export const queueAgentsPath = (callerId: string, queueId: number): string => `${AGENT_INFO_PATH}${callerId}/agentbyskill/${queueId}`;
export const agentListPath = (callerId: string): string => `${AGENT_INFO_PATH}${callerId}/agentbylist`;

/** The documented states (status codes 0–9): with agentLimit the gateway wants agentStatus too, so we ask for all of them. */
const ALL_STATES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

export function queueAgentsBody(): string {
  return JSON.stringify({ agentLimit: QUEUE_AGENT_LIMIT, agentStatus: ALL_STATES });
}

export function agentListBody(ids: readonly string[]): string {
  if (ids.length === 0 || ids.length > MAX_AGENTS_PER_LIST) throw new GatewayError('invalid-request', t('A batch query takes 1 to {0} agent IDs.', MAX_AGENTS_PER_LIST));
  return JSON.stringify({ agentList: ids.join(',') });
}

/** Lists of at most 100, in order, each once. */
export function chunkAgentIds(ids: readonly string[], size = MAX_AGENTS_PER_LIST): string[][] {
  const unique = [...new Set(ids)];
  const out: string[][] = [];
  for (let i = 0; i < unique.length; i += size) out.push(unique.slice(i, i + size));
  return out;
}

/**
 * An agentbyskill or agentbylist answer: a list of agent objects. An entry without a workno of
 * digits, or with neither a known `status` nor `ctiStatus`, is left out and counted; codes
 * arrive as ints or digit strings (the vendor's examples quote them).
 */
export function parseAgentObjects(answer: RawAnswer, callerId: string, limit = Infinity): QueueAgents {
  const envelope = parseEnvelope(answer, callerId, { field: 'none' });
  const result = envelope.result;
  if (result !== undefined && result !== null && !Array.isArray(result)) {
    throw new GatewayError('protocol', t('The gateway reported success but its list of agents ("result") is not a list (HTTP {0}); the answer was ignored.', answer.status), { httpStatus: answer.status, retcode: '0' });
  }
  const list: unknown[] = Array.isArray(result) ? result : [];
  const agents: QueueAgent[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const raw of list) {
    const r = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
    const workno = r ? digits(r.workno) : undefined;
    const status = r ? code(r.status) : undefined;
    const ctiStatus = r ? code(r.ctiStatus) : undefined;
    if (!r || workno === undefined || (status === undefined && ctiStatus === undefined) || seen.has(workno)) {
      skipped++;
      continue;
    }
    seen.add(workno);
    const name = typeof r.name === 'string' ? printable(r.name.trim(), 64) : '';
    const seconds = wholeSeconds(r.currentstatetime);
    agents.push({
      workno,
      presence: presenceOf(status, ctiStatus),
      ...(status !== undefined ? { status } : {}),
      ...(ctiStatus !== undefined ? { ctiStatus } : {}),
      ...(name ? { name } : {}),
      ...(seconds !== undefined ? { secondsInState: seconds } : {}),
    });
  }
  return { agents, skipped, cut: list.length >= limit };
}

function digits(v: unknown): string | undefined {
  const s = typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? String(v) : typeof v === 'string' ? v.trim() : '';
  if (!/^[0-9]{1,9}$/.test(s)) return undefined;
  // "0101" and "101" are one agent.
  return String(Number(s));
}

function code(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1000) return v;
  if (typeof v === 'string' && /^[0-9]{1,3}$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

/** Seconds, at most ten days (a larger figure is not a time in state). */
function wholeSeconds(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]{1,9}$/.test(v.trim()) ? Number(v.trim()) : NaN;
  return Number.isSafeInteger(n) && n >= 0 && n <= 864_000 ? n : undefined;
}
