import { GatewayError, isGatewayError } from '../model/errors';
import { sessionFailure, type AgentEvent, type SessionFailure } from '../wire/sessionAnswers';
import type { GatewayClient, SignInBody, SignInVariant } from '../wire/types';
import { t } from '../l10n/localize';
import type { Clock, TimerHandle } from '../util/clock';
import { Disposable, Emitter } from '../util/lifecycle';
import { onUnexpectedError } from '../util/unexpectedError';
import type { AgentId } from '../ids/agentId';

/** Where a session stands, for the view, the status bar and the commands. */
export type SessionStatus =
  | { readonly kind: 'signing-in' }
  | { readonly kind: 'signed-in'; readonly since: number; readonly renewedAt?: number; /** Run by another window of this machine, followed here. */ readonly elsewhere?: boolean }
  | { readonly kind: 'reconnecting'; readonly attempt: number; readonly reason: string }
  | { readonly kind: 'stopped'; readonly failure: SessionFailure | 'gave-up'; readonly reason: string; readonly retcode?: string }
  | { readonly kind: 'signed-out' };

/** What survives a connection swap to the same origin: the session goes on with its Guid. */
export interface SessionSnapshot {
  readonly agentId: AgentId;
  readonly guid?: string;
  readonly since?: number;
  readonly renewedAt?: number;
  readonly phoneNumber?: string;
}

export interface SessionTiming {
  /** How long the gateway holds an idle event poll (AGENT_POLL_WAIT_TIMES × INTERVAL, about 10 s). */
  readonly eventHoldMs: number;
  /** Pause between an answer and the next poll: the vendor's 200–500 ms. */
  readonly repollMinMs: number;
  readonly repollMaxMs: number;
  /** Sign-in attempts after a lost session before giving up with one message. */
  readonly maxSignInAttempts: number;
  /** First back-off between attempts (doubles each time), and its cap. */
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
}

/**
 * The event poll's back-off after connection errors never exceeds this (jitter included), so a
 * gateway that comes back is noticed within about this long plus one request.
 */
export const EVENT_RETRY_CAP_MS = 8_000;

export const DEFAULT_SESSION_TIMING: SessionTiming = {
  eventHoldMs: 10_000,
  repollMinMs: 200,
  repollMaxMs: 500,
  maxSignInAttempts: 5,
  backoffMs: 2_000,
  maxBackoffMs: 60_000,
};

/** Sign-in answers that refuse the password itself (wrong, locked account, expired). */
export const PASSWORD_REFUSED: ReadonlySet<string> = new Set(['100-004', '110-016', '100-020']);

export interface SessionDeps {
  readonly client: () => Promise<GatewayClient>;
  /** The stored password for this origin and agent (SecretStorage), for signing in again without asking. */
  readonly password: () => Promise<string | undefined>;
  /**
   * The gateway refused the password this session sent (100-004, 110-016, 100-020): the
   * stored one must never be sent again until the user types one. `typed`: it came from
   * the user just now rather than from the store.
   */
  readonly passwordRefused?: (refusal: { readonly retcode?: string; readonly typed: boolean }) => void;
  readonly variant: SignInVariant;
  readonly clock: Clock;
  readonly random: () => number;
  readonly timing: SessionTiming;
  readonly log: { info(message: string): void; warn(message: string): void };
}

/**
 * The extension's own session of one agent at one gateway: signs in (without taking
 * calls by default), keeps the session alive with the event long poll, adopts every
 * renewed Guid, and signs in again with back-off when the gateway ends the session.
 * One loop per session: never two event polls of one agent at once.
 */
export class AgentSession extends Disposable {
  private guidValue: string | undefined;
  private statusValue: SessionStatus;
  private readonly lifetime = new AbortController();
  private timer: TimerHandle | undefined;
  private wake: (() => void) | undefined;
  private running = false;
  /** True while the event loop waits after a failed poll: check() cuts that wait short. */
  private waitingToRepoll = false;
  /** check() was called: the next event-poll answer confirms the Guid (fires onDidConfirm). */
  private checking = false;
  private readonly onDidConfirmEmitter = this._register(new Emitter<void>());
  /** After check(): the gateway answered an event poll with the current Guid, so the session stands. */
  readonly onDidConfirm = this.onDidConfirmEmitter.event;
  private readonly onDidChangeEmitter = this._register(new Emitter<SessionStatus>());
  /** Status or Guid changed. */
  readonly onDidChange = this.onDidChangeEmitter.event;

  constructor(
    readonly agentId: AgentId,
    private readonly deps: SessionDeps,
    resume?: SessionSnapshot,
    readonly phoneNumber?: string,
  ) {
    super();
    this.guidValue = resume?.guid;
    this.statusValue = resume?.guid && resume.since ? { kind: 'signed-in', since: resume.since, renewedAt: resume.renewedAt } : { kind: 'signing-in' };
  }

  get status(): SessionStatus {
    return this.statusValue;
  }

  /** The session's current Guid, while it is signed in. */
  get guid(): string | undefined {
    return this.statusValue.kind === 'signed-in' ? this.guidValue : undefined;
  }

  snapshot(): SessionSnapshot {
    const s = this.statusValue;
    return { agentId: this.agentId, guid: this.guidValue, since: s.kind === 'signed-in' ? s.since : undefined, renewedAt: s.kind === 'signed-in' ? s.renewedAt : undefined, phoneNumber: this.phoneNumber };
  }

  /**
   * Signs in (unless resuming a live Guid) and runs the event loop. Resolves once the
   * first sign-in is decided: true when signed in. `force` uses forcelogin.
   */
  start(body: Omit<SignInBody, 'password'> & { readonly password?: string }, force = false): Promise<boolean> {
    if (this.running) return Promise.resolve(this.statusValue.kind === 'signed-in');
    this.running = true;
    const first = this.guidValue && this.statusValue.kind === 'signed-in' ? Promise.resolve(true) : this.signIn(body, force ? 'forcelogin' : this.deps.variant);
    // Signing in again later reads the stored password: it is not kept here.
    const later = { ...body, password: undefined };
    void first.then((ok) => {
      if (ok) void this.loop(later);
    });
    return first;
  }

  /** An answer to a request sent with `sentGuid` carried `newGuid`. */
  adopt(sentGuid: string, newGuid: string): boolean {
    if (this.isDisposed || sentGuid !== this.guidValue || this.statusValue.kind !== 'signed-in') return false;
    this.guidValue = newGuid;
    this.setStatus({ kind: 'signed-in', since: this.statusValue.since, renewedAt: this.deps.clock.now() });
    this.deps.log.info(`Guid renewed for agent ${this.agentId}.`);
    return true;
  }

  /**
   * Something suggests the session's Guid is dead (a read with it was refused): look now instead
   * of after the back-off. The next event poll either confirms it (onDidConfirm) or finds it lost
   * and signs in again. Never a second poll: it only cuts a wait short.
   */
  check(): void {
    if (!this.running || this.statusValue.kind !== 'signed-in') return;
    this.checking = true;
    if (this.waitingToRepoll) this.wake?.();
  }

  /** DELETE …/logout with the current Guid; bounded by the client's timeout. Ends the loop first. */
  async signOut(): Promise<void> {
    const guid = this.guid;
    this.stopLoop();
    this.setStatus({ kind: 'signed-out' });
    if (!guid) return;
    try {
      const client = await this.deps.client();
      await client.signOut(this.agentId, guid);
      this.deps.log.info(`Agent ${this.agentId} signed out.`);
    } catch (e) {
      this.deps.log.warn(`Signing agent ${this.agentId} out failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  override dispose(): void {
    this.stopLoop();
    super.dispose();
  }

  private stopLoop(): void {
    this.running = false;
    this.lifetime.abort();
    if (this.timer !== undefined) this.deps.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.wake?.();
  }

  private async signIn(body: Omit<SignInBody, 'password'> & { readonly password?: string }, variant: SignInVariant): Promise<boolean> {
    this.setStatus({ kind: 'signing-in' });
    for (let attempt = 1; this.running; attempt++) {
      let failure: SessionFailure;
      let error: GatewayError;
      const typed = body.password !== undefined;
      try {
        const password = body.password ?? (await this.deps.password());
        if (!password) {
          this.setStatus({ kind: 'stopped', failure: 'credentials', reason: t('No password is stored for agent {0}; run "CC-Gateway: Sign In…".', this.agentId) });
          return false;
        }
        const client = await this.deps.client();
        if (!this.running) return false;
        const result = await client.signIn(this.agentId, variant, { ...body, password }, this.lifetime.signal);
        if (!this.running) return false;
        this.guidValue = result.guid;
        this.setStatus({ kind: 'signed-in', since: this.deps.clock.now() });
        this.deps.log.info(`Agent ${this.agentId} signed in (${variant}).`);
        return true;
      } catch (e) {
        if (!this.running) return false;
        error = isGatewayError(e) ? e : unexpected(e);
        failure = sessionFailure(error, 'sign-in');
      }
      // Signing in again by itself while the gateway does not answer is an outage, not a refusal: it
      // keeps trying (never giving up into "sign in again"), at most EVENT_RETRY_CAP_MS apart. A typed
      // password's sign-in stays bounded: someone waits for its answer.
      if (failure === 'retry' && error.kind === 'network' && !typed) {
        this.setStatus({ kind: 'reconnecting', attempt, reason: error.message });
        await this.sleep(Math.min(EVENT_RETRY_CAP_MS, this.backoff(attempt)));
        continue;
      }
      // 100-021: a sign-in is under way; do not send another, wait and look again.
      if (failure === 'in-progress' || failure === 'retry') {
        if (attempt >= this.deps.timing.maxSignInAttempts) {
          this.setStatus({ kind: 'stopped', failure: 'gave-up', reason: error.message, retcode: error.details.retcode });
          return false;
        }
        this.setStatus({ kind: 'reconnecting', attempt, reason: error.message });
        await this.sleep(this.backoff(attempt));
        continue;
      }
      if (failure === 'credentials' && PASSWORD_REFUSED.has(error.details.retcode ?? '')) {
        this.deps.log.warn(`The gateway refused the password of agent ${this.agentId} (${error.details.retcode ?? error.kind}); it is not sent again until one is typed.`);
        try {
          this.deps.passwordRefused?.({ retcode: error.details.retcode, typed });
        } catch (e) {
          onUnexpectedError(e, 'forgetting a refused password');
        }
      }
      this.setStatus({ kind: 'stopped', failure, reason: error.message, retcode: error.details.retcode });
      return false;
    }
    return false;
  }

  /** The event long poll: one request at a time, again 200–500 ms after each answer. */
  private async loop(body: Omit<SignInBody, 'password'> & { readonly password?: string }): Promise<void> {
    let networkFailures = 0;
    while (this.running) {
      const guid = this.guidValue;
      if (!guid) return;
      let lost: string | undefined;
      try {
        const client = await this.deps.client();
        if (!this.running) return;
        const answer = await client.pollEvent(this.agentId, guid, this.deps.timing.eventHoldMs, this.lifetime.signal);
        networkFailures = 0;
        if (answer.event) lost = this.onEvent(answer.event);
        if (lost === undefined && this.checking && guid === this.guidValue) {
          this.checking = false;
          this.onDidConfirmEmitter.fire();
        }
      } catch (e) {
        if (!this.running) return;
        const error = isGatewayError(e) ? e : unexpected(e);
        if (sessionFailure(error, 'event-poll') === 'lost') lost = error.message;
        else {
          networkFailures++;
          this.deps.log.warn(`Event poll of agent ${this.agentId} failed: ${error.message}`);
          this.waitingToRepoll = true;
          try {
            await this.sleep(Math.min(EVENT_RETRY_CAP_MS, this.backoff(networkFailures)));
          } finally {
            this.waitingToRepoll = false;
          }
          continue;
        }
      }
      if (lost !== undefined) {
        this.checking = false;
        this.deps.log.warn(`The session of agent ${this.agentId} ended (${lost}); signing in again.`);
        this.guidValue = undefined;
        if (!(await this.signIn(body, this.deps.variant))) return;
        continue;
      }
      await this.sleep(this.deps.timing.repollMinMs + Math.floor(this.deps.random() * (this.deps.timing.repollMaxMs - this.deps.timing.repollMinMs)));
    }
  }

  /** Returns why the session ended, for the events that end it. */
  private onEvent(event: AgentEvent): string | undefined {
    if (event.eventType === 'AgentOther_ShutdownService') return t('the gateway signed agent {0} out', this.agentId);
    return undefined;
  }

  private backoff(attempt: number): number {
    const { backoffMs, maxBackoffMs } = this.deps.timing;
    const base = Math.min(maxBackoffMs, backoffMs * 2 ** (attempt - 1));
    return Math.round(base * (0.8 + 0.4 * this.deps.random()));
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (!this.running) return resolve();
      this.wake = resolve;
      this.timer = this.deps.clock.setTimeout(() => {
        this.timer = undefined;
        this.wake = undefined;
        resolve();
      }, ms);
    });
  }

  private setStatus(status: SessionStatus): void {
    this.statusValue = status;
    if (!this.isDisposed) this.onDidChangeEmitter.fire(status);
  }
}

function unexpected(e: unknown): GatewayError {
  onUnexpectedError(e, 'agent session');
  return new GatewayError('protocol', t('Unexpected failure in the agent session; see the "CC-Gateway" log.'), { code: 'UNEXPECTED' }, e);
}
