import type { CredentialRegistry } from '../credentials/credentialRegistry';
import { credentialKey, describeRef, type CredentialKey, type CredentialRef, type PastedRef } from '../ids/credentialRef';
import type { GatewayId } from '../ids/gatewayId';
import type { AgentId } from '../ids/agentId';
import type { GatewayError } from '../model/errors';
import type { SessionStatus } from '../sessions/agentSession';
import type { ConnectionLog } from './connectionDeps';
import { credentialOf } from './requestDispatch';

/** A stop of polling: which credential, and why (a refusal of the Guid it sent, or no Guid to send). */
interface Stop {
  readonly ref: CredentialRef;
  readonly guid?: string;
  readonly code?: string;
}

export interface StopsDeps {
  readonly log: ConnectionLog;
  /** The scheduler polls with this credential again. */
  readonly unblock: (key: CredentialKey) => void;
  /** Whether any credential is present may have changed: look again. */
  readonly recheck: () => void;
  /** Refused credentials changed (banner row, status bar colour). */
  readonly changed: () => void;
  /** A pasted Guid was refused (once per refusal). */
  readonly refused: (ref: PastedRef) => void;
}

/**
 * One connection's stops of polling, keyed by the credential that was refused or missing, and
 * what lifts each: a new Guid for a pasted one, any change of a session for a session's one.
 * At most one entry per credential in use.
 */
export class CredentialStops {
  private readonly stops = new Map<CredentialKey, Stop>();

  constructor(
    private readonly gateway: GatewayId,
    private readonly credentials: CredentialRegistry,
    private readonly deps: StopsDeps,
  ) {}

  get size(): number {
    return this.stops.size;
  }

  /** Which credential an auth failure stops: the one the request carried, else the one it lacked. */
  stopFor(agentId: string, error: GatewayError): CredentialKey {
    const sent = credentialOf(error);
    const ref = sent?.ref ?? this.credentials.refForUnsent(agentId, error);
    const key = credentialKey(ref);
    this.stops.set(key, { ref, guid: sent?.guid, code: sent ? error.details.retcode : error.details.code });
    return key;
  }

  /** The scheduler stopped polling with `key`: say why, and to whom it falls to cure it. */
  onBlocked(key: CredentialKey): void {
    const stop = this.stops.get(key);
    if (!stop) return;
    if (stop.ref.kind === 'session') {
      // A session's Guid is the session's to cure (it signs in again); never the pasted-Guid banner.
      this.deps.log.info(`Polling with ${describeRef(stop.ref)} waits for the session (${stop.code ?? 'refused'}).`);
      this.deps.recheck();
      return;
    }
    if (!stop.guid) {
      // No Guid to send, or the keyring failed: the welcome view and the row say so.
      this.deps.log.info(`Polling with ${describeRef(stop.ref)} waits for a Guid (${stop.code ?? 'none'}).`);
      this.deps.recheck();
      return;
    }
    this.credentials.refusePasted(stop.ref, stop.guid);
    this.deps.log.warn(`The gateway refused ${describeRef(stop.ref)}; polling with it stopped until a new Guid is set.`);
    this.deps.changed();
    this.deps.refused(stop.ref);
  }

  /** A new Guid was stored for `ref`: it lifts the stop it was refused or missing under. */
  onNewGuid(ref: PastedRef): void {
    if (this.credentials.forgetRefusal(ref)) this.deps.changed();
    this.lift(credentialKey(ref));
  }

  /** Any change of a session cures or explains the stop on its Guid; a live one also serves the agents whose pasted Guid was refused or missing. */
  onSessionChanged(agentId: AgentId, status: SessionStatus): void {
    this.lift(credentialKey({ kind: 'session', gateway: this.gateway, agentId }));
    if (status.kind !== 'signed-in') return;
    const lifted = this.credentials.hideRefusals();
    for (const [key, stop] of [...this.stops]) if (stop.ref.kind === 'pasted') this.lift(key);
    for (const ref of lifted) this.lift(credentialKey(ref));
    if (lifted.length) this.deps.changed();
  }

  private lift(key: CredentialKey): void {
    this.stops.delete(key);
    this.deps.unblock(key);
  }
}
