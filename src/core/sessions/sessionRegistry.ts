import type { GatewayClient, SignInVariant } from '../wire/types';
import type { GatewayId } from '../ids/gatewayId';
import { SharedSession, type ManagedSession } from './sharedSession';
import type { SessionHost } from './sessionHost';
import { sessionLeaseKey } from '../storage/storageKeys';
import type { Clock } from '../util/clock';
import { Emitter, type IDisposable } from '../util/lifecycle';
import type { AgentId } from '../ids/agentId';
import { AgentSession, type SessionSnapshot, type SessionStatus, type SessionTiming } from './agentSession';

export interface SessionRegistryDeps {
  readonly gateway: GatewayId;
  readonly client: () => Promise<GatewayClient>;
  /** The stored password (undefined when none may be sent). */
  readonly password: (agentId: AgentId) => Promise<string | undefined>;
  readonly passwordRefused: (agentId: AgentId, refusal: { readonly retcode?: string; readonly typed: boolean }) => void;
  readonly variant: () => Exclude<SignInVariant, 'forcelogin'>;
  readonly clock: Clock;
  readonly random: () => number;
  readonly timing: SessionTiming;
  readonly log: { info(message: string): void; warn(message: string): void };
  /** Shares sessions with the other windows of this machine; none: this window runs its own. */
  readonly host?: SessionHost;
}

export interface SignInOptions {
  readonly password?: string;
  readonly phoneNumber?: string;
  readonly force?: boolean;
}

/** The extension's own sign-in sessions at one gateway, by agent: started, handed over and ended here only. */
export class SessionRegistry implements IDisposable {
  private readonly sessions = new Map<AgentId, ManagedSession>();
  private readonly onDidChangeEmitter = new Emitter<{ agentId: AgentId; status: SessionStatus }>();
  /** A session changed state (signed in, renewed, lost, stopped, signed out). */
  readonly onDidChange = this.onDidChangeEmitter.event;
  private readonly onDidConfirmEmitter = new Emitter<AgentId>();
  /** After check(): the session's Guid was confirmed by an event-poll answer. */
  readonly onDidConfirm = this.onDidConfirmEmitter.event;
  private disposed = false;

  constructor(private readonly deps: SessionRegistryDeps) {}

  get(agentId: AgentId): ManagedSession | undefined {
    return this.sessions.get(agentId);
  }

  get size(): number {
    return this.sessions.size;
  }

  /** A signed-in session with a Guid (the gateway's Guid for agents without their own). */
  anyLive(): ManagedSession | undefined {
    for (const s of this.sessions.values()) if (s.guid) return s;
    return undefined;
  }

  /** Whether a session is signed in or getting there (signing in, reconnecting): a credential on its way. */
  anyAlive(): boolean {
    for (const s of this.sessions.values()) {
      const k = s.status.kind;
      if (s.guid || k === 'signing-in' || k === 'reconnecting') return true;
    }
    return false;
  }

  statuses(): ReadonlyMap<string, SessionStatus> {
    return new Map([...this.sessions].map(([id, s]) => [id, s.status]));
  }

  /** A read with this session's Guid was refused: the session looks at once whether it still stands. */
  check(agentId: AgentId): void {
    this.sessions.get(agentId)?.check();
  }

  /** A renewal (Set-GUID) of a session Guid: the session that sent it adopts it. */
  adopt(sentGuid: string, newGuid: string): boolean {
    for (const s of this.sessions.values()) if (s.adopt(sentGuid, newGuid)) return true;
    return false;
  }

  start(agentId: AgentId, options: SignInOptions, resume?: SessionSnapshot): Promise<boolean> {
    if (this.disposed) return Promise.resolve(false);
    const old = this.sessions.get(agentId);
    if (old && !options.force && (old.status.kind === 'signed-in' || old.status.kind === 'signing-in' || old.status.kind === 'reconnecting')) {
      // A shared session still deciding (taking the lease, hearing from the owner window) answers when decided.
      return old.status.kind === 'signed-in' ? Promise.resolve(true) : (old.settled?.() ?? Promise.resolve(false));
    }
    old?.dispose();
    const d = this.deps;
    const phone = options.phoneNumber ?? resume?.phoneNumber;
    const make = (from?: SessionSnapshot) =>
      new AgentSession(
        agentId,
        {
          client: d.client,
          password: () => d.password(agentId),
          passwordRefused: (r) => d.passwordRefused(agentId, r),
          variant: d.variant(),
          clock: d.clock,
          random: d.random,
          timing: d.timing,
          log: d.log,
        },
        from,
        phone,
      );
    const session: ManagedSession = d.host
      ? new SharedSession(agentId, sessionLeaseKey(d.gateway, agentId), { host: d.host, makeSession: make, clock: d.clock, random: d.random, log: d.log }, resume, phone)
      : make(resume);
    this.sessions.set(agentId, session);
    session.onDidChange((status) => {
      if (!this.disposed) this.onDidChangeEmitter.fire({ agentId, status });
    });
    session.onDidConfirm(() => {
      if (!this.disposed) this.onDidConfirmEmitter.fire(agentId);
    });
    // Busy after sign-in, no auto-answer: a monitoring session must not be offered calls.
    return session.start({ password: options.password, phonenum: phone, status: 3, autoanswer: false, autoenteridle: false, releasephone: true }, options.force);
  }

  /** For a swap to the same gateway: the signed-in sessions go on in the new connection, not signed out. */
  handOver(): SessionSnapshot[] {
    const out = [...this.sessions.values()].filter((s) => s.status.kind === 'signed-in').map((s) => s.snapshot());
    this.disposeAll();
    return out;
  }

  /** Signs the agent's session out (logout), or all of them. */
  async signOut(agentId?: string): Promise<number> {
    const chosen = [...this.sessions.values()].filter((s) => agentId === undefined || s.agentId === agentId);
    for (const s of chosen) this.sessions.delete(s.agentId);
    await Promise.all(chosen.map((s) => s.signOut().finally(() => s.dispose())));
    return chosen.length;
  }

  /** Leaving this gateway: shared sessions go to a window that waits for them, the others are signed out. */
  async leave(): Promise<void> {
    const chosen = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(chosen.map((s) => (s.leave ? s.leave() : s.signOut()).finally(() => s.dispose())));
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeAll();
    this.onDidChangeEmitter.dispose();
    this.onDidConfirmEmitter.dispose();
  }

  private disposeAll(): void {
    for (const s of this.sessions.values()) s.dispose();
    this.sessions.clear();
  }
}
