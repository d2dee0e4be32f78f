import type { CredentialRegistry } from '../credentials/credentialRegistry';
import { credentialKey, describeRef, readRefusalKey, type CredentialKey, type CredentialRef, type PastedRef } from '../ids/credentialRef';
import type { GatewayId } from '../ids/gatewayId';
import type { AgentId } from '../ids/agentId';
import type { GatewayError } from '../model/errors';
import type { SessionStatus } from '../sessions/agentSession';
import type { ConnectionLog } from './connectionDeps';
import { credentialOf } from './requestDispatch';

/** A stop of polling: which credential, and why (a refusal of the Guid it sent, or no Guid to send). */
type Stop =
  | { readonly kind: 'credential'; readonly ref: CredentialRef; readonly guid?: string; readonly code?: string }
  /** One agent's reads with another agent's session were refused; that session may still stand. */
  | { readonly kind: 'read'; readonly agentId: string; readonly session: AgentId; readonly guid: string; readonly code?: string; readonly seq: number };

/** Why an agent's polling is stopped, for the gateway's status model (no Guid in it). */
export type StopReason =
  | { readonly kind: 'guid-refused'; readonly ref: PastedRef; readonly code?: string }
  | { readonly kind: 'no-guid'; readonly ref: CredentialRef; readonly code?: string }
  /** The session's own Guid was refused: it checks itself and signs in again by itself. */
  | { readonly kind: 'session'; readonly session: AgentId; readonly code?: string }
  /**
   * Another agent's session may not read this agent. `confirmed`: the session answered since,
   * with the Guid that was refused, so the refusal is about this agent, not a dead session.
   */
  | { readonly kind: 'read-refused'; readonly session: AgentId; readonly confirmed: boolean; readonly code?: string };

export interface StopsDeps {
  readonly log: ConnectionLog;
  /** The scheduler polls with this credential again. */
  readonly unblock: (key: CredentialKey) => void;
  /** Whether any credential is present may have changed: look again. */
  readonly recheck: () => void;
  /** Refused credentials changed (banner row, status bar colour), or what a stop means did. */
  readonly changed: () => void;
  /** A pasted Guid was refused (once per refusal). */
  readonly refused: (ref: PastedRef) => void;
  /** A read with this session's Guid was refused: the session looks at once whether it stands. */
  readonly checkSession: (agentId: AgentId) => void;
}

/**
 * One connection's stops of polling and what lifts each: a new Guid for a pasted one, any
 * change of a session for a session's one, and for a read the gateway refused to another
 * agent's session, a new Guid or session for that agent (or a new Guid of the session).
 * A refusal stops what was refused: one agent's read stops that agent only.
 */
export class CredentialStops {
  private readonly stops = new Map<CredentialKey, Stop>();
  /** Orders refusals and confirmations: only a confirmation after a refusal says the refusal is about the agent. */
  private seq = 0;
  /** Session Guids an event poll confirmed after a read with them was refused, and when. */
  private readonly confirmed = new Map<AgentId, { readonly guid: string; readonly seq: number }>();
  /** When each session's own agent was last refused with the session's Guid. */
  private readonly ownRefused = new Map<AgentId, number>();

  constructor(
    private readonly gateway: GatewayId,
    private readonly credentials: CredentialRegistry,
    private readonly deps: StopsDeps,
  ) {}

  get size(): number {
    return this.stops.size + this.confirmed.size + this.ownRefused.size;
  }

  /**
   * Which stop an auth failure makes: the credential the request carried, one agent's read, or
   * the credential it lacked. Every refusal of a session's Guid makes the session check itself; a
   * read of another agent stops that agent only, and so does the session's own agent when it is
   * refused again after the session confirmed that very Guid.
   */
  stopFor(agentId: string, error: GatewayError): CredentialKey {
    const sent = credentialOf(error);
    const code = sent ? error.details.retcode : error.details.code;
    if (sent?.ref.kind === 'session') {
      const session = sent.ref.agentId;
      const seq = ++this.seq;
      const c = this.confirmed.get(session);
      const lastOwn = this.ownRefused.get(session);
      const refusedAgain = session === agentId && c?.guid === sent.guid && lastOwn !== undefined && c.seq > lastOwn;
      if (session === agentId) this.ownRefused.set(session, seq);
      this.deps.checkSession(session);
      if (session !== agentId || refusedAgain) {
        const key = readRefusalKey(this.gateway, agentId);
        this.stops.set(key, { kind: 'read', agentId, session, guid: sent.guid, code, seq });
        return key;
      }
    }
    const ref = sent?.ref ?? this.credentials.refForUnsent(agentId, error);
    const key = credentialKey(ref);
    this.stops.set(key, { kind: 'credential', ref, guid: sent?.guid, code });
    return key;
  }

  /** What the stop under `key` means for the view. */
  reason(key: CredentialKey): StopReason | undefined {
    const stop = this.stops.get(key);
    if (!stop) return undefined;
    if (stop.kind === 'read') {
      const c = this.confirmed.get(stop.session);
      return { kind: 'read-refused', session: stop.session, confirmed: c?.guid === stop.guid && c.seq > stop.seq, code: stop.code };
    }
    if (stop.ref.kind === 'session') return { kind: 'session', session: stop.ref.agentId, code: stop.code };
    if (stop.guid) return { kind: 'guid-refused', ref: stop.ref, code: stop.code };
    return { kind: 'no-guid', ref: stop.ref, code: stop.code };
  }

  /** The scheduler stopped polling with `key`: say why, and to whom it falls to cure it. */
  onBlocked(key: CredentialKey): void {
    const stop = this.stops.get(key);
    if (!stop) return;
    if (stop.kind === 'read') {
      this.deps.log.warn(`The gateway refused to let the session of agent ${stop.session} read agent ${stop.agentId} (${stop.code ?? 'refused'}); only agent ${stop.agentId} stops.`);
      this.deps.changed();
      return;
    }
    if (stop.ref.kind === 'session') {
      // A session's Guid is the session's to cure (it checks itself, signs in again); never the pasted-Guid banner.
      this.deps.log.info(`Polling with ${describeRef(stop.ref)} waits for the session (${stop.code ?? 'refused'}).`);
      this.deps.recheck();
      this.deps.changed();
      return;
    }
    if (!stop.guid) {
      // No Guid to send, or the keyring failed: the welcome view and the row say so.
      this.deps.log.info(`Polling with ${describeRef(stop.ref)} waits for a Guid (${stop.code ?? 'none'}).`);
      this.deps.recheck();
      this.deps.changed();
      return;
    }
    this.credentials.refusePasted(stop.ref, stop.guid);
    this.deps.log.warn(`The gateway refused ${describeRef(stop.ref)}; polling with it stopped until a new Guid is set.`);
    this.deps.changed();
    this.deps.refused(stop.ref);
  }

  /** A new Guid was stored for `ref`: it lifts the stop it was refused or missing under, and the refused reads it now serves. */
  onNewGuid(ref: PastedRef): void {
    if (this.credentials.forgetRefusal(ref)) this.deps.changed();
    this.lift(credentialKey(ref));
    this.liftReads((stop) => ref.agentId === undefined || stop.agentId === ref.agentId);
  }

  /**
   * The session answered an event poll after check(): its Guid stands. Refused reads with that
   * Guid are about those agents, so they stay stopped (and now say so); its own agent reads again.
   */
  onSessionConfirmed(agentId: AgentId, guid: string | undefined): void {
    if (!guid) return;
    this.confirmed.set(agentId, { guid, seq: ++this.seq });
    this.lift(credentialKey({ kind: 'session', gateway: this.gateway, agentId }));
    this.deps.changed();
  }

  /** Any change of a session cures or explains the stop on its Guid; a live one also serves the agents whose pasted Guid was refused or missing. */
  onSessionChanged(agentId: AgentId, status: SessionStatus): void {
    this.confirmed.delete(agentId);
    this.ownRefused.delete(agentId);
    this.lift(credentialKey({ kind: 'session', gateway: this.gateway, agentId }));
    if (status.kind !== 'signed-in') return;
    // A new Guid of that session is tried again for the reads it was refused; the agent's own session reads it.
    this.liftReads((stop) => stop.session === agentId || stop.agentId === agentId);
    const lifted = this.credentials.hideRefusals();
    for (const [key, stop] of [...this.stops]) if (stop.kind === 'credential' && stop.ref.kind === 'pasted') this.lift(key);
    for (const ref of lifted) this.lift(credentialKey(ref));
    if (lifted.length) this.deps.changed();
  }

  /** Agents no longer watched take their read stops with them. */
  retain(agents: readonly string[]): void {
    const keep = new Set(agents);
    this.liftReads((stop) => !keep.has(stop.agentId));
  }

  private liftReads(which: (stop: Extract<Stop, { kind: 'read' }>) => boolean): void {
    for (const [key, stop] of [...this.stops]) if (stop.kind === 'read' && which(stop)) this.lift(key);
  }

  private lift(key: CredentialKey): void {
    this.stops.delete(key);
    this.deps.unblock(key);
  }
}
