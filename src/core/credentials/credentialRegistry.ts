import { GatewayError } from '../model/errors';
import { credentialKey, describeRef, pastedRef, sessionRef, type CredentialKey, type CredentialRef, type PastedRef, type SentCredential } from '../ids/credentialRef';
import type { GatewayId } from '../ids/gatewayId';
import { t } from '../l10n/localize';
import { BoundedMap } from '../util/boundedMap';
import { onUnexpectedError } from '../util/unexpectedError';
import { agentIdOf, knownAgentId, type AgentId } from '../ids/agentId';
import type { SessionRegistry } from '../sessions/sessionRegistry';

/** Where a connection gets its pasted Guids and passwords. It asks for its own gateway only. */
export interface CredentialSource {
  /** The pasted Guid an agent's requests carry (its own, else the gateway's); may take a keyring round trip. */
  guid(gateway: GatewayId, agentId: string): Promise<string | undefined>;
  /** Which pasted Guid an agent uses: agents sharing one stop together when it is refused. Default: the gateway's. */
  pastedRef?(gateway: GatewayId, agentId: AgentId): PastedRef;
  /** Whether any of these agents has a pasted Guid for the gateway. */
  hasAny(gateway: GatewayId, agentIds: readonly string[]): Promise<boolean>;
  /** The gateway renewed a pasted Guid (`Set-GUID`): store `guid` under the same credential. */
  renew?(ref: PastedRef, guid: string): Promise<void>;
  /** The stored password for signing this agent in again; undefined when none may be sent. */
  password?(gateway: GatewayId, agentId: AgentId): Promise<string | undefined>;
  /** The gateway refused this agent's password (100-004, 110-016, 100-020): delete it, forget the session, tell the user. */
  passwordRefused?(gateway: GatewayId, agentId: AgentId, refusal: { readonly retcode?: string; readonly typed: boolean }): void;
}

/** Whether the watched agents have a credential here; `unknown` until the first look in the store. */
export type CredentialPresence = 'unknown' | 'present' | 'absent';

/** Renewed pasted Guids remembered (superseded → newer): enough for any rotation in flight. */
const RENEWALS_KEPT = 64;

/**
 * Which credential each request of one gateway carries, and whether a refusal is still news.
 * - pick: the agent's own session Guid, else a pasted Guid not refused, else another live
 *   session's Guid, else the pasted one (refused); read after the caller's last await.
 * - isCurrent: an auth failure counts only when the credential it was sent with is still the
 *   one in use; otherwise the credential moved on (renewed, signed in again, a new paste).
 */
export class CredentialRegistry {
  /** Superseded pasted Guid → the one that replaced it (Set-GUID): nothing is sent with an old one. */
  private readonly renewed = new BoundedMap<string, string>(RENEWALS_KEPT);
  /** Pasted Guids sent recently → their credential, to store a renewal under the same one. */
  private readonly sentPasted = new BoundedMap<string, PastedRef>(RENEWALS_KEPT);
  /**
   * Pasted credentials the gateway refused, with the Guid it refused: that Guid is not sent
   * while a session's can serve, until a new one is stored. `shown`: still on the banner
   * (a live session lifts the banner, not the knowledge).
   */
  private readonly refusedPasted = new Map<CredentialKey, { readonly ref: PastedRef; readonly guid: string; shown: boolean }>();

  constructor(
    readonly gateway: GatewayId,
    private readonly source: CredentialSource,
    private readonly sessions: SessionRegistry,
  ) {}

  /** The pasted credential an agent uses (its own Guid or the gateway's). */
  pastedRefOf(agentId: string): PastedRef {
    return this.pastedRefFor(agentIdOf(agentId));
  }

  private pastedRefFor(id: AgentId | undefined): PastedRef {
    return (id && this.source.pastedRef?.(this.gateway, id)) || pastedRef(this.gateway);
  }

  /** Without waiting: the credential the agent's next request will most likely carry (for stops shared by agents). */
  refOf(agentId: string): CredentialRef {
    const id = knownAgentId(agentId);
    const own = this.sessions.get(id);
    if (own?.guid || (own && isPending(own.status.kind))) return sessionRef(this.gateway, id);
    const pasted = this.pastedRefFor(id);
    if (this.refusedPasted.has(credentialKey(pasted))) {
      const other = this.sessions.anyLive();
      if (other) return sessionRef(this.gateway, other.agentId);
    }
    return pasted;
  }

  /**
   * Reads the stored Guid (the one await), then returns the picker the caller runs right
   * before the request leaves, so a renewal or sign-in that arrived meanwhile is used.
   */
  async prepare(agentId: string): Promise<() => SentCredential> {
    const id = knownAgentId(agentId);
    const own = this.sessions.get(id);
    const stored = own?.guid ? undefined : await this.readPasted(this.pastedRefFor(id));
    return () => this.pick(id, stored);
  }

  private pick(agentId: AgentId, stored: { ref: PastedRef; guid: string } | undefined): SentCredential {
    const own = this.sessions.get(agentId);
    if (own?.guid) return { ref: sessionRef(this.gateway, agentId), guid: own.guid };
    const pasted = stored && { ref: stored.ref, guid: this.newest(stored.guid) };
    // (The common case has no refusal at all: no key is built per request for it.)
    const usable = pasted && (this.refusedPasted.size === 0 || this.refusedPasted.get(credentialKey(pasted.ref))?.guid !== pasted.guid) ? pasted : undefined;
    if (usable) return this.remember(usable);
    const other = this.sessions.anyLive();
    if (other?.guid) return { ref: sessionRef(this.gateway, other.agentId), guid: other.guid };
    if (own && isPending(own.status.kind)) {
      throw new GatewayError('auth', t('Agent {0} is signing in again; the numbers follow once the session is back.', agentId), { code: 'SESSION_PENDING' });
    }
    if (pasted) return this.remember(pasted);
    if (own?.status.kind === 'stopped') throw new GatewayError('auth', own.status.reason, { code: 'SESSION_STOPPED', retcode: own.status.retcode });
    throw new GatewayError('auth', t('No Guid is stored for {0}. Run "CC-Gateway: Set Guid…" or "CC-Gateway: Sign In…".', this.gateway), { code: 'NO_GUID' });
  }

  /** The credential a failure without a request (no Guid, signing in) stops on. */
  refForUnsent(agentId: string, error: GatewayError): CredentialRef {
    const code = error.details.code;
    return code === 'SESSION_PENDING' || code === 'SESSION_STOPPED' ? sessionRef(this.gateway, knownAgentId(agentId)) : this.pastedRefOf(agentId);
  }

  /** Whether `sent` is still what its credential would send now: only then is its refusal news. */
  async isCurrent(sent: SentCredential): Promise<boolean> {
    if (sent.ref.kind === 'session') {
      const s = this.sessions.get(sent.ref.agentId);
      return s?.guid === sent.guid;
    }
    const stored = await this.readPasted(sent.ref).catch(() => undefined);
    return stored !== undefined && this.newest(stored.guid) === sent.guid;
  }

  /** The gateway refused a pasted Guid that is still current. */
  refusePasted(ref: PastedRef, guid: string): void {
    this.refusedPasted.set(credentialKey(ref), { ref, guid, shown: true });
  }

  /** A new Guid was stored for `ref`: its refusal is over. Returns whether the banner changed. */
  forgetRefusal(ref: PastedRef): boolean {
    const key = credentialKey(ref);
    const shown = this.refusedPasted.get(key)?.shown ?? false;
    this.refusedPasted.delete(key);
    return shown;
  }

  /** A session's Guid now serves the agents of refused pasted Guids: the banner goes, the refused Guids stay unused. */
  hideRefusals(): PastedRef[] {
    const hidden: PastedRef[] = [];
    for (const entry of this.refusedPasted.values()) {
      if (!entry.shown) continue;
      entry.shown = false;
      hidden.push(entry.ref);
    }
    return hidden;
  }

  /** Pasted credentials refused and waiting for a new Guid (the banner). */
  get refused(): readonly PastedRef[] {
    return [...this.refusedPasted.values()].filter((e) => e.shown).map((e) => e.ref);
  }

  /** Drops refusals of agents no longer watched (their own Guids): the map never outgrows the agents. */
  retain(agentIds: readonly string[]): void {
    const keep = new Set(agentIds);
    for (const [key, entry] of this.refusedPasted) if (entry.ref.agentId && !keep.has(entry.ref.agentId)) this.refusedPasted.delete(key);
  }

  /** Called by the clients before an answer that carried Set-GUID settles. Returns the pasted credential renewed, if one was. */
  onGuidRenewed(sentGuid: string, newGuid: string): PastedRef | undefined {
    if (this.sessions.adopt(sentGuid, newGuid)) return undefined;
    if (this.renewed.has(sentGuid)) return undefined;
    this.renewed.set(sentGuid, newGuid);
    const ref = this.sentPasted.get(sentGuid);
    if (ref) {
      this.sentPasted.set(newGuid, ref);
      this.source.renew?.(ref, newGuid).catch((e: unknown) => onUnexpectedError(e, `storing a renewed Guid for ${describeRef(ref)}`));
    }
    return ref;
  }

  /** Whether these agents have any credential: a pasted Guid, or a session that is signed in or getting there. */
  async present(agentIds: readonly string[]): Promise<boolean> {
    if (agentIds.length === 0) return false;
    if (this.sessions.anyAlive()) return true;
    return this.source.hasAny(this.gateway, agentIds);
  }

  /** For tests: how much the registry holds. */
  get sizes(): { renewed: number; sentPasted: number; refused: number } {
    return { renewed: this.renewed.size, sentPasted: this.sentPasted.size, refused: this.refusedPasted.size };
  }

  private remember(sent: { ref: PastedRef; guid: string }): SentCredential {
    // The same Guid is sent by every poll until it is renewed: recorded once, not re-inserted each time.
    if (!this.sentPasted.has(sent.guid)) this.sentPasted.set(sent.guid, sent.ref);
    return sent;
  }

  /** Follows renewals: the newest Guid that replaced `guid`. */
  private newest(guid: string): string {
    let g = guid;
    if (this.renewed.size === 0) return g;
    for (let i = 0; i < RENEWALS_KEPT && this.renewed.has(g); i++) g = this.renewed.get(g)!;
    return g;
  }

  private async readPasted(ref: PastedRef): Promise<{ ref: PastedRef; guid: string } | undefined> {
    let guid: string | undefined;
    try {
      guid = await this.source.guid(this.gateway, ref.agentId ?? '');
    } catch (e) {
      // The keyring failed: not the gateway's doing, and not something to retry blindly.
      onUnexpectedError(e, `reading the Guid for ${this.gateway}`);
      throw new GatewayError('auth', t('The Guid for {0} could not be read from the secret store; see the "CC-Gateway" log.', this.gateway), { code: 'SECRET_STORE' }, e);
    }
    return guid ? { ref, guid } : undefined;
  }
}

function isPending(kind: string): boolean {
  return kind === 'signing-in' || kind === 'reconnecting';
}
