// What a shared read is about and what its reader publishes. A published result carries
// numbers, a state, queue figures, when it was fetched and the kind of a failure: built field
// by field from known shapes (never spread from an answer), so no Guid, password or
// certificate can ride along, and checked the same way when it arrives from elsewhere.
import type { FailureKind } from '../model/errors';
import type { AgentStatistics } from '../model/statistics';
import type { QueueAgent, QueueAgents, QueueStats } from '../model/queues';
import type { AgentInfo } from '../wire/agentInfo';
import type { Presence } from '../supervisor/agentState';

/** What is read: an agent's statistics, an agent's state, or a set of queues. */
export type ReadKind = 'stats' | 'state' | 'queues';

export interface ReadSubject {
  /** The gateway's origin. */
  readonly gateway: string;
  readonly kind: ReadKind;
  /** The agent ID, or the queue IDs joined by commas (sorted). */
  readonly what: string;
}

export function subjectKey(s: ReadSubject): string {
  return `${s.kind}|${s.gateway}|${s.what}`;
}

/** The interval number of `sharedNow` (ms of the shared clock) for an interval of `intervalMs`. */
export function slotOf(sharedNow: number, intervalMs: number): number {
  return Math.floor(sharedNow / intervalMs);
}

/** The claim of one slot: a subject, an interval length, an interval number. */
export function claimKey(subject: string, intervalMs: number, slot: number): string {
  return `${subject}|${intervalMs}|${slot}`;
}

/** A state read: one agent's (agentbyworkno), or a batch of agents' (agentbylist, `batch:` subjects). */
export type SharedValue = AgentStatistics | AgentInfo | QueueAgents | readonly QueueStats[];

export interface Published {
  readonly subject: string;
  readonly kind: ReadKind;
  readonly slot: number;
  readonly intervalMs: number;
  /** Shared clock (the Redis server's, or this machine's). */
  readonly fetchedAt: number;
  /** A random id of the coordinator that read it (not a person, not a credential): to skip one's own echo. */
  readonly by: string;
  readonly ok: boolean;
  readonly value?: SharedValue;
  readonly errorKind?: FailureKind;
  /** The vendor's retcode of a failure (e.g. 100-006), when the gateway gave one. */
  readonly retcode?: string;
  /** Read because someone asked for it (Refresh, a query), not on the schedule. */
  readonly demand?: true;
}

const KINDS: readonly FailureKind[] = ['auth', 'agent-offline', 'invalid-request', 'transient', 'network', 'tls', 'protocol', 'cancelled'];
const PRESENCES: readonly Presence[] = ['idle', 'busy', 'talking', 'wrapUp', 'rest', 'signedOut', 'unknown'];

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
/** A short printable string (no control characters: it may end up in a row). */
const str = (v: unknown, max = 64): string | undefined => (typeof v === 'string' && v.length <= max && ![...v].some((c) => c.charCodeAt(0) < 0x20) ? v : undefined);

function statsOf(v: unknown): AgentStatistics | undefined {
  const o = v as Record<string, unknown> | null;
  const talktime = num(o?.talktime), answernums = num(o?.answernums), calloutnums = num(o?.calloutnums);
  return talktime === undefined || answernums === undefined || calloutnums === undefined ? undefined : { talktime, answernums, calloutnums };
}

function stateOf(v: unknown): AgentInfo | undefined {
  const o = v as Record<string, unknown> | null;
  const workno = str(o?.workno, 32);
  const presence = PRESENCES.find((p) => p === o?.presence);
  if (workno === undefined || presence === undefined) return undefined;
  const status = num(o?.status), ctiStatus = num(o?.ctiStatus), name = str(o?.name, 128);
  return { workno, presence, ...(status !== undefined ? { status } : {}), ...(ctiStatus !== undefined ? { ctiStatus } : {}), ...(name !== undefined ? { name } : {}) };
}

/** The most agents one agentbylist asks for (the wire's chunk), with room to spare. */
const MAX_BATCH = 1000;

function batchAgentOf(v: unknown): QueueAgent | undefined {
  const info = stateOf(v);
  if (!info) return undefined;
  const secondsInState = num((v as Record<string, unknown>).secondsInState);
  return { ...info, ...(secondsInState !== undefined ? { secondsInState } : {}) };
}

/** A batch of agents' states (agentbylist): shared like one agent's, so the windows asking the same batch read it once. */
function stateBatchOf(v: unknown): QueueAgents | undefined {
  const o = v as Record<string, unknown> | null;
  if (!Array.isArray(o?.agents) || o.agents.length > MAX_BATCH) return undefined;
  const skipped = num(o.skipped);
  if (skipped === undefined || typeof o.cut !== 'boolean') return undefined;
  const agents: QueueAgent[] = [];
  for (const a of o.agents as unknown[]) {
    const agent = batchAgentOf(a);
    if (!agent) return undefined;
    agents.push(agent);
  }
  return { agents, skipped, cut: o.cut };
}

function queuesOf(v: unknown): QueueStats[] | undefined {
  if (!Array.isArray(v) || v.length > 1000) return undefined;
  const out: QueueStats[] = [];
  for (const q of v as Record<string, unknown>[]) {
    const id = num(q?.id), waiting = num(q?.waiting), longestWaitSeconds = num(q?.longestWaitSeconds), loggedOnAgents = num(q?.loggedOnAgents), availAgents = num(q?.availAgents);
    if (id === undefined || waiting === undefined || longestWaitSeconds === undefined || loggedOnAgents === undefined || availAgents === undefined) return undefined;
    const pilotNbr = str(q.pilotNbr, 32), description = str(q.description, 256);
    out.push({ id, waiting, longestWaitSeconds, loggedOnAgents, availAgents, ...(pilotNbr !== undefined ? { pilotNbr } : {}), ...(description !== undefined ? { description } : {}) });
  }
  return out;
}

/** Only the known fields of a value of `kind`; undefined when it is not one. */
export function shareableValue(kind: ReadKind, v: unknown): SharedValue | undefined {
  return kind === 'stats' ? statsOf(v) : kind === 'state' ? (stateOf(v) ?? stateBatchOf(v)) : queuesOf(v);
}

/** A published result rebuilt from untrusted input (the channel, Redis): undefined when it is not one. */
export function parsePublished(v: unknown): Published | undefined {
  const o = v as Record<string, unknown> | null;
  if (!o || typeof o !== 'object') return undefined;
  const kind = (['stats', 'state', 'queues'] as const).find((k) => k === o.kind);
  const subject = str(o.subject, 4096), by = str(o.by, 64);
  const slot = num(o.slot), intervalMs = num(o.intervalMs), fetchedAt = num(o.fetchedAt);
  if (!kind || subject === undefined || by === undefined || slot === undefined || intervalMs === undefined || fetchedAt === undefined || typeof o.ok !== 'boolean') return undefined;
  if (o.ok) {
    const value = shareableValue(kind, o.value);
    return value === undefined ? undefined : { subject, kind, slot, intervalMs, fetchedAt, by, ok: true, value, ...(o.demand === true ? { demand: true as const } : {}) };
  }
  const errorKind = KINDS.find((k) => k === o.errorKind);
  if (!errorKind) return undefined;
  const retcode = typeof o.retcode === 'string' && /^[0-9]{3}-[0-9]{3}$/.test(o.retcode) ? o.retcode : undefined;
  return { subject, kind, slot, intervalMs, fetchedAt, by, ok: false, errorKind, ...(retcode ? { retcode } : {}), ...(o.demand === true ? { demand: true as const } : {}) };
}

/** Whether `a` is newer than `b` (a later slot, or a later fetch within one): an older one never replaces a newer one. */
export function isNewer(a: Published, b: Published | undefined): boolean {
  // In the same millisecond, numbers replace a failure (a read again after a reader's own failure).
  return !b || a.fetchedAt > b.fetchedAt || (a.fetchedAt === b.fetchedAt && a.ok && !b.ok);
}
