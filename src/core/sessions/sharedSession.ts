// Over 300 lines: the owner side and the follower side of one shared session are one state machine
// (a follower becomes the owner when the lease passes); split, each half would re-derive the other's state.
// An agent session shared by the windows of one machine: the window holding the lease runs
// the real AgentSession (sign-in, event loop, renewals) and serves it; the others follow it
// over the local channel, use its current Guid (in memory only) for their statistics, and
// take the lease over when the owner leaves or its heartbeat stops. A window that takes over
// goes on with the last Guid it was given (no second sign-in while that session lives), and
// signs in again with the stored password only when the gateway has ended it.
import type { AgentSession, SessionSnapshot, SessionStatus } from './agentSession';
import type { SignInBody } from '../wire/types';
import { t } from '../l10n/localize';
import type { Clock, TimerHandle } from '../util/clock';
import { Disposable, Emitter, type IDisposable } from '../util/lifecycle';
import { onUnexpectedError } from '../util/unexpectedError';
import type { AgentId } from '../ids/agentId';
import type { FollowState, Following, SessionHost } from './sessionHost';

/** What a connection needs of a session, whether it runs here or in another window. */
export type ManagedSession = Pick<AgentSession, 'agentId' | 'status' | 'guid' | 'onDidChange' | 'onDidConfirm' | 'check' | 'snapshot' | 'start' | 'adopt' | 'signOut' | 'dispose'> & {
  /** This window stops running the session: handed to a waiting window, else signed out. */
  leave?(): Promise<void>;
  /** The answer of the start() under way: signed in (here or in the window followed) or not. */
  settled?(): Promise<boolean>;
};

type StartBody = Omit<SignInBody, 'password'> & { readonly password?: string };

export interface SharedSessionDeps {
  readonly host: SessionHost;
  /** Makes the real session (for when this window owns the lease), resuming a live Guid if given. */
  readonly makeSession: (resume?: SessionSnapshot) => AgentSession;
  readonly clock: Clock;
  readonly random: () => number;
  readonly log: { info(message: string): void; warn(message: string): void };
}

/** How long start() waits for the owner's first word before answering. */
const FIRST_STATE_WAIT_MS = 5_000;

export class SharedSession extends Disposable implements ManagedSession {
  private mode: 'new' | 'owner' | 'follower' | 'ended' = 'new';
  private inner: AgentSession | undefined;
  private innerListener: IDisposable | undefined;
  private lease: { release(now?: boolean): void } | undefined;
  private following: Following | undefined;
  private connecting = false;
  private followed: FollowState | undefined;
  private ownStatus: SessionStatus;
  private takenOver = false;
  private later: StartBody | undefined;
  private timer: TimerHandle | undefined;
  private started: Promise<boolean> | undefined;
  private readonly firstState = new Set<() => void>();
  private readonly onDidChangeEmitter = this._register(new Emitter<SessionStatus>());
  readonly onDidChange = this.onDidChangeEmitter.event;
  private readonly onDidConfirmEmitter = this._register(new Emitter<void>());
  readonly onDidConfirm = this.onDidConfirmEmitter.event;

  constructor(
    readonly agentId: AgentId,
    /** `origin|agentId`: one lease per gateway and agent. */
    private readonly key: string,
    private readonly deps: SharedSessionDeps,
    private readonly resume?: SessionSnapshot,
    readonly phoneNumber?: string,
  ) {
    super();
    this.ownStatus = resume?.guid && resume.since ? { kind: 'signed-in', since: resume.since, renewedAt: resume.renewedAt } : { kind: 'signing-in' };
  }

  /** For tests and the log: whether this window runs the session or follows another window's. */
  get role(): 'owner' | 'follower' | 'none' {
    return this.mode === 'owner' || this.mode === 'follower' ? this.mode : 'none';
  }

  /** Only the window that runs the session polls its events; a follower's reads wait for that window's news. */
  check(): void {
    if (this.mode === 'owner') this.inner?.check();
  }

  get status(): SessionStatus {
    // The real session's, while this window runs it (and after it signed it out or handed it over).
    if (this.inner) return this.lapsed(this.inner.status);
    return this.ownStatus;
  }

  get guid(): string | undefined {
    if (this.mode === 'owner') return this.inner?.guid;
    if (this.mode === 'follower' && this.followed?.status.kind === 'signed-in') return this.followed.guid;
    return undefined;
  }

  snapshot(): SessionSnapshot {
    if (this.mode === 'owner' && this.inner) return this.inner.snapshot();
    if (this.mode === 'owner') return { agentId: this.agentId, ...this.resume, phoneNumber: this.phoneNumber };
    const s = this.status;
    return { agentId: this.agentId, guid: this.guid, since: s.kind === 'signed-in' ? s.since : undefined, renewedAt: s.kind === 'signed-in' ? s.renewedAt : undefined, phoneNumber: this.phoneNumber };
  }

  /** Owns the session if no other window does (signs in, or resumes a handed-over Guid), else follows the owner. */
  start(body: StartBody, force = false): Promise<boolean> {
    if (this.mode !== 'new') return Promise.resolve(this.status.kind === 'signed-in');
    this.mode = 'follower'; // until decided: a second start() only reports
    this.started = this.begin(body, force);
    return this.started;
  }

  settled(): Promise<boolean> {
    return this.started ?? Promise.resolve(this.status.kind === 'signed-in');
  }

  private async begin(body: StartBody, force: boolean): Promise<boolean> {
    // Signing in again later reads the stored password: it is not kept here.
    this.later = { ...body, password: undefined };
    let lease: Awaited<ReturnType<SessionHost['acquire']>>;
    try {
      lease = await this.deps.host.acquire(this.key, () => this.onLeaseLost());
    } catch (e) {
      // The shared folder is unusable: run the session here, as a single window would.
      onUnexpectedError(e, 'taking the session lease');
      lease = { release: () => undefined };
    }
    if (this.isDisposed) {
      lease?.release();
      return false;
    }
    if (lease) return this.own(lease, this.resume, body, force);
    this.deps.log.info(`Agent ${this.agentId} is signed in by another window; following it.`);
    this.tick();
    return this.waitForFirstState();
  }

  adopt(sentGuid: string, newGuid: string): boolean {
    if (this.mode === 'owner') return this.inner?.adopt(sentGuid, newGuid) ?? false;
    if (this.mode !== 'follower' || !this.followed || this.followed.guid !== sentGuid) return false;
    // A renewal in an answer to this window: used here at once, and passed to the owner.
    this.followed = { ...this.followed, guid: newGuid };
    this.following?.renewed(sentGuid, newGuid);
    return true;
  }

  /** Signs the agent out (here, or by the owner window), so every window sees it signed out. */
  async signOut(): Promise<void> {
    const mode = this.mode;
    this.mode = 'ended';
    this.stopTimer();
    if (mode === 'owner' && this.inner) {
      await this.inner.signOut();
      return;
    }
    const following = this.following;
    this.following = undefined;
    if (mode === 'follower' && following) {
      await following.signOut();
      following.close();
    }
    this.setStatus({ kind: 'signed-out' });
  }

  /** The window is leaving this gateway (closing, or another gateway URL): hand the session over when someone waits. */
  async leave(): Promise<void> {
    if (this.mode === 'owner' && this.inner && this.deps.host.followerCount(this.key) > 0) {
      this.deps.log.info(`Handing the session of agent ${this.agentId} to another window.`);
      this.mode = 'ended';
      this.inner.dispose();
      this.lease?.release(true);
      this.lease = undefined;
      return;
    }
    if (this.mode === 'owner') return this.signOut();
    this.dispose();
  }

  override dispose(): void {
    if (this.isDisposed) return;
    this.stopTimer();
    this.following?.close();
    this.following = undefined;
    this.innerListener?.dispose();
    this.inner?.dispose();
    this.lease?.release();
    this.lease = undefined;
    for (const w of this.firstState) w();
    super.dispose();
  }

  private own(lease: { release(now?: boolean): void }, resume: SessionSnapshot | undefined, body: StartBody, force: boolean): Promise<boolean> {
    this.mode = 'owner';
    this.lease = lease;
    this.stopTimer();
    this.following?.close();
    this.following = undefined;
    const inner = this.deps.makeSession(resume);
    this.inner = inner;
    const changes = inner.onDidChange((s) => this.onInnerChange(s));
    const confirms = inner.onDidConfirm(() => this.onDidConfirmEmitter.fire());
    this.innerListener = { dispose: () => (changes.dispose(), confirms.dispose()) };
    this.deps.host.serve(this.key, {
      state: () => ({ status: this.status, guid: this.inner?.guid }),
      signOut: () => this.signOut(),
      renewed: (sent, next) => void this.inner?.adopt(sent, next),
    });
    this.onDidChangeEmitter.fire(this.status);
    return inner.start(body, force);
  }

  private onInnerChange(status: SessionStatus): void {
    if (this.isDisposed || this.mode === 'ended' || this.mode === 'follower') {
      // Signed out or handed over: still tell the followers (signed out), but nothing runs here any more.
      if (status.kind === 'signed-out') this.deps.host.publish(this.key);
      if (!this.isDisposed) this.onDidChangeEmitter.fire(this.lapsed(status));
      if (status.kind === 'signed-out') this.lease?.release(true);
      return;
    }
    this.deps.host.publish(this.key);
    // A session that does not run keeps no lease: a window that signs in later may run it.
    if (status.kind === 'stopped' || status.kind === 'signed-out') {
      this.lease?.release(true);
      this.lease = undefined;
    }
    this.onDidChangeEmitter.fire(this.lapsed(status));
  }

  /** After a takeover without a readable password, "no password" is said as what happened. */
  private lapsed(status: SessionStatus): SessionStatus {
    if (!this.takenOver || status.kind !== 'stopped' || status.failure !== 'credentials' || status.retcode) return status;
    return { ...status, reason: t('The session of agent {0} lapsed: the window that ran it closed, and this window cannot read the stored password. Sign in again.', this.agentId) };
  }

  /** The lease went to another window (this one was taken for gone): stop the loop, never sign out, follow. */
  private onLeaseLost(): void {
    if (this.isDisposed || this.mode !== 'owner') return;
    this.deps.log.warn(`Another window took over the session of agent ${this.agentId}.`);
    this.lease = undefined;
    this.innerListener?.dispose();
    this.inner?.dispose();
    this.inner = undefined;
    this.mode = 'follower';
    this.setStatus({ kind: 'signing-in' });
    this.tick();
  }

  /** Follower: take the lease if it is free or stale, else make sure we hear from the owner. */
  private tick(): void {
    this.stopTimer();
    if (this.isDisposed || this.mode !== 'follower') return;
    void (async () => {
      const lease = await this.deps.host.acquire(this.key, () => this.onLeaseLost()).catch((e: unknown) => (onUnexpectedError(e, 'taking the session lease'), undefined));
      if (this.isDisposed || this.mode !== 'follower') {
        lease?.release();
        return;
      }
      if (lease) return this.takeOver(lease);
      if (!this.following && !this.connecting) {
        this.connecting = true;
        const following = await this.deps.host.follow(this.key, {
          onState: (state) => this.onFollowedState(state),
          onHandover: () => this.soon(),
          onClose: () => {
            if (this.following === following) this.following = undefined;
            this.soon();
          },
        });
        this.connecting = false;
        if (this.isDisposed || this.mode !== 'follower') following?.close();
        else this.following = following;
      }
      this.schedule(this.deps.host.timing.retryMs);
    })();
  }

  private takeOver(lease: { release(now?: boolean): void }): void {
    const f = this.followed;
    const live = f?.status.kind === 'signed-in' && f.guid ? { agentId: this.agentId, guid: f.guid, since: f.status.since, renewedAt: f.status.renewedAt, phoneNumber: this.phoneNumber } : undefined;
    this.deps.log.info(`Taking over the session of agent ${this.agentId} from a window that left${live ? ' (its Guid goes on)' : '; signing in again'}.`);
    this.takenOver = true;
    this.followed = undefined;
    if (this.later) void this.own(lease, live, this.later, false);
    else lease.release(true);
  }

  private onFollowedState(state: FollowState): void {
    if (this.isDisposed || this.mode !== 'follower') return;
    this.followed = state;
    const s = state.status;
    if (s.kind === 'stopped' || s.kind === 'signed-out') {
      // The owner stopped (wrong password, signed out…): so does this window, until someone acts.
      this.mode = 'ended';
      this.stopTimer();
      this.following?.close();
      this.following = undefined;
      this.setStatus(s);
    } else this.setStatus(s.kind === 'signed-in' ? { ...s, elsewhere: true } : s);
    for (const w of this.firstState) w();
  }

  private waitForFirstState(): Promise<boolean> {
    return new Promise((resolve) => {
      const done = () => {
        this.deps.clock.clearTimeout(timer);
        this.firstState.delete(done);
        resolve(this.status.kind === 'signed-in');
      };
      const timer = this.deps.clock.setTimeout(done, FIRST_STATE_WAIT_MS);
      this.firstState.add(done);
    });
  }

  /** The owner is leaving or gone: look again shortly (jittered, so followers do not all try at once). */
  private soon(): void {
    if (this.mode === 'follower' && !this.isDisposed) this.schedule(200 + this.deps.random() * 500, true);
  }

  private schedule(ms: number, exact = false): void {
    this.stopTimer();
    const delay = exact ? ms : ms * (0.75 + 0.5 * this.deps.random());
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = undefined;
      this.tick();
    }, delay);
  }

  private stopTimer(): void {
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private setStatus(status: SessionStatus): void {
    this.ownStatus = status;
    if (!this.isDisposed) this.onDidChangeEmitter.fire(status);
  }
}
