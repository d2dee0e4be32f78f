import { knownAgentId, type AgentId } from '../ids/agentId';
import type { SessionStatus } from '../sessions/agentSession';
import type { StopReason } from './credentialStops';
import type { AgentEntry } from './statsStore';

/** Something only the user can do, and the command that does it. */
export type UserAction = 'setGuid' | 'signIn' | 'trustCertificate';

/**
 * Why an agent's numbers are not current. Each cause says who must act: the ones in
 * NOBODY_ACTS are being cured by the extension (or were the user's own choice), the rest
 * name the user's command in `AgentCondition.act`.
 */
export type Cause =
  /** The gateway does not answer; the extension keeps trying. */
  | 'unreachable'
  /** The session behind these reads is checking itself or signing in again. */
  | 'renewing'
  /** The last read failed with a gateway error; tried again with back-off. */
  | 'retrying'
  /** No answer for longer than one interval plus the request timeout. */
  | 'late'
  /** Polling is paused (Pause). */
  | 'paused'
  /** Not polled while no window shows the numbers. */
  | 'background'
  | 'guid-refused'
  | 'no-guid'
  /** The session of another agent may not read this one. */
  | 'read-refused'
  /** The session these reads use stopped and will not sign in by itself. */
  | 'session-stopped'
  | 'certificate';

export interface AgentCondition {
  /** loading: no answer yet; current: fresh numbers; signed-out: the gateway says the agent is not signed in (current news). */
  readonly kind: 'loading' | 'current' | 'signed-out' | 'not-current';
  /** When the numbers shown were fetched. */
  readonly asOf?: number;
  readonly cause?: Cause;
  /** What the user must do; undefined: nothing (the extension is curing it, or it is the user's own pause). */
  readonly act?: UserAction;
  /** The session whose Guid these reads use, when the cause is about it. */
  readonly session?: AgentId;
  /** The gateway's code or the transport's (for a Details line and the log, never a first line). */
  readonly code?: string;
  /** The last failure's message, when there was one. */
  readonly message?: string;
}

/** What the gateway as a whole is doing now. */
export type GatewayReach =
  | { readonly kind: 'unknown' }
  | { readonly kind: 'answering'; readonly at: number }
  | { readonly kind: 'unreachable'; readonly since: number; readonly lastAnswer?: number; readonly detail: string };

export interface ConditionInputs {
  readonly entry: AgentEntry | undefined;
  readonly now: number;
  /** One interval plus the request timeout: older numbers are not current. */
  readonly maxAgeMs: number;
  readonly reach: GatewayReach;
  readonly certificateRefused: boolean;
  readonly stop: StopReason | undefined;
  readonly sessionStatus: (agentId: AgentId) => SessionStatus | undefined;
  /** Every session of the connection: one on its way serves agents that have no Guid now. */
  readonly sessions: ReadonlyMap<string, SessionStatus>;
  readonly paused: boolean;
  readonly active: boolean;
}

/** One agent's condition from the facts the connection saw; the only place it is decided. */
export function agentCondition(i: ConditionInputs): AgentCondition {
  const e = i.entry;
  const asOf = e?.fetchedAt;
  const base = { ...(asOf !== undefined ? { asOf } : {}), ...(e?.error ? { message: e.error.message, ...(e.error.code ? { code: e.error.code } : {}) } : {}) };
  if (i.certificateRefused) return { kind: 'not-current', ...base, cause: 'certificate', act: 'trustCertificate' };
  const stop = i.stop;
  if (stop) {
    const code = stop.code !== undefined ? { code: stop.code } : {};
    switch (stop.kind) {
      case 'guid-refused':
        return { kind: 'not-current', ...base, ...code, cause: 'guid-refused', act: 'setGuid' };
      case 'no-guid': {
        // No Guid now, but a session that will serve it is on its way (or stopped, and Sign In cures it).
        const sessions = [...i.sessions];
        const coming = sessions.find(([, s]) => s.kind === 'signing-in' || s.kind === 'reconnecting');
        if (coming) return { kind: 'not-current', ...base, ...code, cause: 'renewing', session: knownAgentId(coming[0]) };
        const stopped = sessions.find(([, s]) => s.kind === 'stopped');
        if (stopped) return { kind: 'not-current', ...base, ...code, cause: 'session-stopped', act: 'signIn', session: knownAgentId(stopped[0]) };
        return { kind: 'not-current', ...base, ...code, cause: 'no-guid', act: 'setGuid' };
      }
      case 'session': {
        const status = i.sessionStatus(stop.session);
        if (!status || status.kind === 'stopped' || status.kind === 'signed-out') return { kind: 'not-current', ...base, ...code, cause: 'session-stopped', act: 'signIn', session: stop.session };
        return { kind: 'not-current', ...base, ...code, cause: 'renewing', session: stop.session };
      }
      case 'read-refused':
        if (stop.confirmed) return { kind: 'not-current', ...base, ...code, cause: 'read-refused', act: 'signIn', session: stop.session };
        return { kind: 'not-current', ...base, ...code, cause: 'renewing', session: stop.session };
    }
  }
  if (i.reach.kind === 'unreachable' && e?.state !== 'loading') {
    // This agent's last read may have worked: the failure that says why is the gateway's (its errno, for the Details line).
    const errno = reachCode(i.reach.detail);
    return { kind: 'not-current', ...base, ...(!base.code && errno ? { code: errno } : {}), cause: 'unreachable' };
  }
  if (!e || e.state === 'loading') return { kind: 'loading' };
  switch (e.state) {
    case 'offline':
      return { kind: 'signed-out', ...base };
    case 'auth':
      // Refused, and no stop holds it any more: it is being read again with whatever credential is current.
      return { kind: 'not-current', ...base, cause: 'renewing' };
    case 'stale':
    case 'error':
      return { kind: 'not-current', ...base, cause: e.error?.kind === 'network' ? 'unreachable' : 'retrying' };
    case 'ok':
      if (asOf === undefined || i.now - asOf <= i.maxAgeMs) return { kind: 'current', ...base };
      return { kind: 'not-current', ...base, cause: i.paused ? 'paused' : !i.active ? 'background' : 'late' };
  }
}

/** Whether the user must do something for this agent. */
export function mustAct(c: AgentCondition): boolean {
  return c.act !== undefined;
}

export interface ListInputs {
  /** When the list was read; undefined: not yet. */
  readonly fetchedAt: number | undefined;
  /** The last read of the list (or of what it comes with) failed: the list is the one of `fetchedAt`. */
  readonly failure: string | undefined;
  readonly now: number;
  readonly maxAgeMs: number;
  readonly reach: GatewayReach;
  readonly certificateRefused: boolean;
  readonly paused: boolean;
  readonly active: boolean;
}

/**
 * The condition of numbers the gateway answers as a list rather than per watched agent (a
 * queue's agents from agentbyskill), in the same terms as an agent's: what the gateway as a
 * whole does comes first, so such a list never reads current while the model says otherwise.
 */
/** The code of an unreachable gateway's detail, "<kind> <code>" (network ECONNREFUSED): alone, for a Details line. */
function reachCode(detail: string): string | undefined {
  return detail.split(' ')[1];
}

export function listCondition(i: ListInputs): AgentCondition {
  const asOf = i.fetchedAt;
  const base = { ...(asOf !== undefined ? { asOf } : {}), ...(i.failure ? { message: i.failure } : {}) };
  if (i.certificateRefused) return { kind: 'not-current', ...base, cause: 'certificate', act: 'trustCertificate' };
  if (asOf === undefined) return { kind: 'loading' };
  if (i.reach.kind === 'unreachable') {
    const code = i.failure ? undefined : reachCode(i.reach.detail);
    return { kind: 'not-current', ...base, cause: 'unreachable', ...(code ? { code } : {}) };
  }
  if (i.failure) return { kind: 'not-current', ...base, cause: 'retrying' };
  if (i.now - asOf <= i.maxAgeMs) return { kind: 'current', ...base };
  return { kind: 'not-current', ...base, cause: i.paused ? 'paused' : !i.active ? 'background' : 'late' };
}
