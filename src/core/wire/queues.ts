import { t } from '../l10n/localize';
import { printable } from '../ids/agentId';
import { GatewayError } from '../model/errors';
import { isQueueId, type QueueStats, type SkillQueue } from '../model/queues';
import { parseEnvelope, type RawAnswer } from './parse';

/**
 * The skill-queue interfaces (docs/cc-gateway-api.md, "Skill queues"; docs/queues.md).
 * `{agentid}` in each path is the signed-in agent asking, with its session's Guid.
 */
export const QUEUEDEVICE_PATH = '/agentgateway/resource/queuedevice/';
export const ONLINEAGENT_PATH = '/agentgateway/resource/onlineagent/';
/** queryacdstat takes at most this many skill IDs per call (vendor). */
export const MAX_SKILLS_PER_QUERY = 100;

export const skillQueuesPath = (callerId: string): string => `${QUEUEDEVICE_PATH}${callerId}/agentvdnskill`;
export const agentSkillsPath = (callerId: string): string => `${ONLINEAGENT_PATH}${callerId}/agentskills`;
export const queueStatsPath = (callerId: string): string => `${QUEUEDEVICE_PATH}${callerId}/queryacdstat`;



/** IDs in calls of at most 100, in order, each once. */
export function chunkQueueIds(ids: readonly number[], size = MAX_SKILLS_PER_QUERY): number[][] {
  const unique = [...new Set(ids)];
  const out: number[][] = [];
  for (let i = 0; i < unique.length; i += size) out.push(unique.slice(i, i + size));
  return out;
}

export function queueStatsBody(ids: readonly number[]): string {
  if (ids.length === 0 || ids.length > MAX_SKILLS_PER_QUERY) throw new GatewayError('invalid-request', t('A queue query takes 1 to {0} queue IDs.', MAX_SKILLS_PER_QUERY));
  return JSON.stringify({ skills: ids });
}

/** agentvdnskill: the VCC's queues. Entries without a usable `id` are skipped (counted in `skipped`). */
export function parseSkillQueues(answer: RawAnswer, callerId: string): { queues: SkillQueue[]; skipped: number } {
  return parseQueueList(answer, callerId, true);
}

/** agentskills: the asking agent's own queues. */
export function parseAgentSkills(answer: RawAnswer, callerId: string): { queues: SkillQueue[]; skipped: number } {
  return parseQueueList(answer, callerId, false);
}

/**
 * queryacdstat: one entry per queue. An entry whose `deviceNo` is not a queue ID, or whose
 * counts are not non-negative whole numbers, is skipped (and counted): one bad entry does not
 * cost the other queues their numbers.
 */
export function parseQueueStats(answer: RawAnswer, callerId: string): { stats: QueueStats[]; skipped: number } {
  const list = resultList(answer, callerId);
  const stats: QueueStats[] = [];
  let skipped = 0;
  for (const raw of list) {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      skipped++;
      continue;
    }
    const r = raw as Record<string, unknown>;
    const id = wholeNumber(r.deviceNo);
    const waiting = wholeNumber(r.queueSize);
    const longest = wholeNumber(r.queueTime);
    const logged = wholeNumber(r.loggedOnAgents);
    const avail = wholeNumber(r.availAgents);
    if (id === undefined || !isQueueId(id) || waiting === undefined || longest === undefined || logged === undefined || avail === undefined) {
      skipped++;
      continue;
    }
    const pilot = text(r.pilotNbr, 32);
    const description = text(r.skillDescrip, 64);
    stats.push({ id, waiting, longestWaitSeconds: longest, loggedOnAgents: logged, availAgents: avail, ...(pilot ? { pilotNbr: pilot } : {}), ...(description ? { description } : {}) });
  }
  return { stats, skipped };
}

function parseQueueList(answer: RawAnswer, callerId: string, vcc: boolean): { queues: SkillQueue[]; skipped: number } {
  const list = resultList(answer, callerId);
  const queues: SkillQueue[] = [];
  let skipped = 0;
  for (const raw of list) {
    const r = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
    const id = r ? wholeNumber(r.id) : undefined;
    if (!r || id === undefined || !isQueueId(id)) {
      skipped++;
      continue;
    }
    const mediatype = wholeNumber(r.mediatype);
    const serviceType = wholeNumber(r.serviceType);
    const realFlag = wholeNumber(r.realFlag);
    queues.push({
      id,
      name: text(r.name, 64) || t('Queue {0}', id),
      ...(mediatype !== undefined ? { mediatype } : {}),
      ...(serviceType !== undefined ? { serviceType } : {}),
      // agentvdnskill says; an entry without realFlag is taken as real (shown rather than hidden).
      real: vcc ? realFlag !== 0 : true,
    });
  }
  return { queues, skipped };
}

/** The envelope's `result` as a list; a success without one is a protocol error. */
function resultList(answer: RawAnswer, callerId: string): unknown[] {
  const envelope = parseEnvelope(answer, callerId, { field: 'none' });
  const result = envelope.result;
  if (result === undefined || result === null) return [];
  if (!Array.isArray(result)) {
    throw new GatewayError('protocol', t('The gateway reported success but its queue "result" is not a list (HTTP {0}); the answer was ignored.', answer.status), { httpStatus: answer.status, retcode: '0' });
  }
  return result;
}

/** A non-negative safe integer, also from a digit string (editions differ on quoting). */
function wholeNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === 'string' && /^[0-9]{1,15}$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

function text(v: unknown, max: number): string {
  if (typeof v === 'number') return String(v);
  return typeof v === 'string' ? printable(v.trim(), max) : '';
}
