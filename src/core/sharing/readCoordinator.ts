// One read per slot (gateway, what is read, interval number), whoever watches it: a read is
// claimed before it is sent; the winner sends with its own credential and publishes what it
// got (no credential); the others use the published result. The transport decides claims
// and carries results; this file holds the rules. Over 300 lines on purpose: scheduled reads,
// reads on demand and reads alone decide on one claim board and one record of what this window
// read (demanded, alone since, waiting clicks); where reads are placed is in readPhases.ts.
import * as crypto from 'node:crypto';
import { errorForRetcode, GatewayError, isGatewayError, type FailureKind } from '../model/errors';
import { t } from '../l10n/localize';
import { systemClock, type Clock } from '../util/clock';
import { Disposable, Emitter } from '../util/lifecycle';
import { aloneEvery, aloneTurn, sharedTurn } from './readPhases';
import { claimKey, shareableValue, slotOf, subjectKey, type Published, type ReadSubject } from './readSlot';
import type { ReadTransport, SharingStatus } from './transport';

/** A failure made here (nobody shared in time, or the reader's failure is not ours to adopt): no back-off, next interval. */
export const SHARED_READ_CODE = 'SHARED_READ';


export interface ReadOptions {
  readonly intervalMs: number;
  /** How long a watcher that lost the claim waits for the result (the request timeout). */
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  /** Asked for now (Refresh, Query Agent): read unless another window or desk is reading it right now. */
  readonly onDemand?: boolean;
  /**
   * No result read before this time (the shared clock) is used: the reader's settings or
   * credential changed since, so it reads itself (or waits for a read after it).
   */
  readonly notBefore?: number;
}

/**
 * On-demand reads are claimed per bucket of this length: one per agent per 2 s among everyone,
 * so a Refresh shows numbers read after it was asked (or at most 2 s before, by another window).
 */
export const ON_DEMAND_MS = 2_000;

/** A click waiting for the next 2 s's on-demand read. */
interface Waiter {
  readonly options: ReadOptions;
  readonly send: () => Promise<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** Of the reader's failures, those that say something of the agent or the gateway, not of its credential. */
function adoptable(p: Published): boolean {
  return p.errorKind === 'agent-offline' || (p.errorKind === 'transient' && p.retcode !== undefined);
}

export class ReadCoordinator extends Disposable {
  /** Random, per coordinator: tells one's own results from the others' (it names no one). */
  readonly id = crypto.randomBytes(8).toString('hex');
  private readonly clock: Clock;
  private readonly onResultEmitter = this._register(new Emitter<Published>());
  /** A newer result read by another window or desk (any subject: filter what you watch). */
  readonly onResult = this.onResultEmitter.event;
  /** For tests and the benchmark: reads sent here, answered from a published result, given up waiting, and claims decided without the team. */
  readonly counts = { sent: 0, shared: 0, late: 0, alone: 0 };
  /** Per subject, the 2 s bucket of this coordinator's last on-demand read (one subject, one entry). */
  private readonly demanded = new Map<string, number>();
  /** Per subject, the clicks repeated within 2 s of its last on-demand read, waiting for the next 2 s (see nextBucket). */
  private readonly nextDemand = new Map<string, Waiter[]>();
  /** When the team was (re)joined: desks come back one by one, so states wait one interval more. */
  private joinedAt: number | undefined;
  /** Until then a claim was lately decided alone (the team did not answer in time): desks may be reading alone. */
  private aloneUntil = 0;
  /** Gateways a connection of this window has read through here (see `startsFresh`). */
  private readonly served = new Set<string>();

  /**
   * @param deskKey the same for every window of this machine (its reads are claimed together),
   * different across desks: its place among the team's desks when reading alone (readPhases.ts).
   */
  constructor(
    readonly transport: ReadTransport,
    clock: Clock = systemClock,
    private readonly deskKey: string = crypto.randomBytes(8).toString('hex'),
  ) {
    super();
    this.clock = clock;
    this._register(transport.onResult((p) => p.by !== this.id && this.onResultEmitter.fire(p)));
    this._register(transport.onStatus((s) => s === 'shared' && (this.joinedAt = this.clock.now())));
  }

  /**
   * From when results of `gateway` are a new connection's to use: all of them for the window's
   * first connection to it (what other windows and desks read is as current for a window just
   * opened), only those read from now on for a later one (its settings or credential changed,
   * and what was read before does not answer that change).
   */
  startsFresh(gateway: string): number {
    if (!this.served.has(gateway)) {
      this.served.add(gateway);
      return 0;
    }
    return this.transport.now();
  }

  /** A time of the shared clock on this process's clock (for rows' "fetched at"). */
  localTime(shared: number): number {
    return shared - (this.transport.now() - this.clock.now());
  }

  get status(): SharingStatus {
    return this.transport.status;
  }

  get onStatus(): ReadTransport['onStatus'] {
    return this.transport.onStatus;
  }

  /**
   * The value of `subject` for the current slot: a result published in it, or this caller's
   * own read when it wins the claim, or (lost claim) the winner's result once it arrives.
   * Throws a GatewayError like a read would (a failure of ours, or an adopted one).
   */
  async read<T>(subject: ReadSubject, options: ReadOptions, send: () => Promise<T>): Promise<T> {
    // A team that cannot be reached: every desk reads alone, so each sends what matters most
    // (statistics and queues) and leaves agent states for when the team is back: n desks alone
    // then cost n requests per agent per interval, not 2n, within the gateway's 5 in 2 s.
    const rejoining = this.joinedAt !== undefined && this.clock.now() - this.joinedAt < options.intervalMs;
    if (subject.kind === 'state' && (this.transport.status === 'offline' || rejoining)) throw teamOffline();
    const key = subjectKey(subject);
    const now = this.transport.now();
    const slot = slotOf(now, options.intervalMs);
    if (options.onDemand) {
      const bucket = slotOf(now, ON_DEMAND_MS);
      const start = bucket * ON_DEMAND_MS;
      // This coordinator read it on demand in these 2 s already (a second Refresh): its claim is its
      // own, so the claim alone would let it send again; the click is answered by the next 2 s's read.
      if (this.demanded.get(key) === bucket) return this.nextBucket<T>(subject, key, (bucket + 1) * ON_DEMAND_MS, options, send);
      const read = this.transport.latest(key);
      // The team unreachable: the desks read alone, up to 5 at one moment; a Refresh on top of that
      // could be a sixth request in those 2 s. This desk's last turn answers it (this interval's
      // read, or in a team larger than its turns, the last of its reads every few intervals).
      const slotStart = slot * options.intervalMs;
      const aloneSince = slotStart - (aloneEvery(this.transport.desks?.(), this.deskKey, options.intervalMs) - 1) * options.intervalMs;
      if (this.alone(now) && read?.ok && read.fetchedAt >= Math.max(aloneSince, options.notBefore ?? 0)) return this.use<T>(subject, read);
      const wonNow = await this.transport.claim(claimKey(key, ON_DEMAND_MS, bucket) + '|now', ON_DEMAND_MS + options.timeoutMs);
      if (options.signal.aborted) throw cancelled();
      if (wonNow === undefined || this.transport.status === 'offline') this.decidedAlone(options.intervalMs);
      // Lost: another window's Refresh of this agent in these 2 s; its result, not an older scheduled
      // one; if that result came before this click, the next 2 s's read.
      const answered = this.transport.latest(key);
      if (wonNow === false && answered?.demand && answered.fetchedAt >= start && answered.fetchedAt < now) return this.nextBucket<T>(subject, key, (bucket + 1) * ON_DEMAND_MS, options, send);
      if (wonNow === false) return this.waitFor<T>(subject, key, Math.max(start, options.notBefore ?? 0), start + Math.max(ON_DEMAND_MS, options.timeoutMs), options, true);
      // The team went away while this claimed (a Redis that hangs): as above, states wait for it.
      if (subject.kind === 'state' && this.transport.status === 'offline') throw teamOffline();
      this.demanded.set(key, bucket);
      return this.sendAndPublish(subject, key, slot, options.intervalMs, send, true);
    }
    const slotStart = slot * options.intervalMs;
    const fresh = this.transport.latest(key);
    let claim = claimKey(key, options.intervalMs, slot);
    let since = Math.max(slotStart, options.notBefore ?? 0);
    // Desks reading alone share moments: a read of this desk in the last 2 s (a Refresh just
    // before the slot, its turn just before the team came back) is current, and another now
    // would be its second request in those 2 s.
    if (this.alone(now) && fresh?.ok && fresh.fetchedAt >= Math.max(Math.min(slotStart, now - ON_DEMAND_MS), options.notBefore ?? 0)) return this.use<T>(subject, fresh);
    if (fresh && fresh.fetchedAt >= since) {
      if (fresh.ok || adoptable(fresh)) return this.use<T>(subject, fresh);
      // The reader got nothing the others can use (its credential was refused or missing, its
      // network failed): one more read of this slot, by whoever claims it first, with its own
      // credential; a window that has just been given a Guid need not wait for the next interval.
      claim += `|after:${fresh.fetchedAt}`;
      since = fresh.fetchedAt + 1;
    }
    const won = await this.transport.claim(claim, options.intervalMs + options.timeoutMs);
    if (options.signal.aborted) throw cancelled();
    // Decided without the team (it did not answer, or is offline): the desks read alone this interval.
    if (won === undefined || this.transport.status === 'offline') this.decidedAlone(options.intervalMs);
    if (won === false) return this.waitFor<T>(subject, key, since, slotStart + options.intervalMs, options);
    if (subject.kind === 'state' && this.transport.status === 'offline') throw teamOffline();
    // This slot's result reached this window while it claimed (a window just opened, told by its
    // hub what was read): that result, passed on to those who lost the claim, not another request.
    const arrived = this.transport.latest(key);
    if (won && arrived && arrived !== fresh && arrived.fetchedAt >= since && (arrived.ok || adoptable(arrived))) {
      this.publish(arrived);
      return this.use<T>(subject, arrived);
    }
    return this.sendAndPublish(subject, key, slot, options.intervalMs, send);
  }

  /**
   * A Refresh repeated within the 2 s of this coordinator's last on-demand read of `key`: one read
   * when the next 2 s begin, shared by every such click, so each shows numbers read after it was
   * asked. A click whose request is no longer wanted (its signal aborted: a newer Refresh, a
   * closed connection) leaves; the read is made for the first click still waiting.
   */
  private nextBucket<T>(subject: ReadSubject, key: string, at: number, options: ReadOptions, send: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let waiters = this.nextDemand.get(key);
      if (!waiters) {
        this.nextDemand.set(key, (waiters = []));
        this.clock.setTimeout(() => void this.readForWaiters(subject, key), Math.max(0, at - this.transport.now()));
      }
      const w: Waiter = { options, send, resolve, reject };
      waiters.push(w);
      options.signal.addEventListener('abort', () => reject(cancelled()), { once: true });
    });
  }

  private async readForWaiters(subject: ReadSubject, key: string): Promise<void> {
    const waiters = this.nextDemand.get(key) ?? [];
    this.nextDemand.delete(key);
    for (;;) {
      const live = waiters.filter((w) => !w.options.signal.aborted);
      const reader = live[0];
      if (!reader) return;
      try {
        const value = await this.read(subject, reader.options, reader.send);
        for (const w of live) w.resolve(value);
        return;
      } catch (e) {
        // The reader's own request was cancelled: the next click still waiting reads.
        if (reader.options.signal.aborted) {
          waiters.splice(waiters.indexOf(reader), 1);
          continue;
        }
        for (const w of live) w.reject(e);
        return;
      }
    }
  }

  /** The team offline, or a claim decided without it within the last interval: every desk may be reading alone. */
  private alone(now: number): boolean {
    return this.transport.status === 'offline' || now < this.aloneUntil;
  }

  private decidedAlone(intervalMs: number): void {
    this.counts.alone++;
    this.aloneUntil = this.transport.now() + intervalMs;
  }

  /**
   * When a read of `what` falls due after one at `localNow` (a delay of `delayMs`): at its place
   * in a later interval (readPhases.ts): with the team there the same moment on every desk, so
   * reads meet at the claim instead of drifting into each other's intervals; with the team
   * offline, this desk's turn among the team's desks.
   */
  nextDueAt(what: string, localNow: number, delayMs: number, intervalMs: number): number {
    const offset = this.transport.now() - this.clock.now();
    const shared = localNow + offset;
    const turn = this.transport.status === 'offline' ? aloneTurn(this.transport.desks?.(), this.deskKey, what, intervalMs) : sharedTurn(what, intervalMs);
    let m = Math.floor((shared + delayMs - turn.phase) / intervalMs);
    if (m <= slotOf(shared, intervalMs)) m = slotOf(shared, intervalMs) + 1;
    while (m % turn.every !== turn.round) m++;
    return m * intervalMs + turn.phase - offset;
  }

  private async sendAndPublish<T>(subject: ReadSubject, key: string, slot: number, intervalMs: number, send: () => Promise<T>, demand = false): Promise<T> {
    const asked = demand ? { demand: true as const } : {};
    this.counts.sent++;
    let value: T;
    try {
      value = await send();
    } catch (e) {
      if (isGatewayError(e) && e.kind !== 'cancelled') this.publish({ subject: key, kind: subject.kind, slot, intervalMs, fetchedAt: this.transport.now(), by: this.id, ok: false, errorKind: e.kind, ...(e.details.retcode ? { retcode: e.details.retcode } : {}), ...asked });
      throw e;
    }
    const shared = shareableValue(subject.kind, value);
    const mine: Published | undefined = shared ? { subject: key, kind: subject.kind, slot, intervalMs, fetchedAt: this.transport.now(), by: this.id, ok: true, value: shared, ...asked } : undefined;
    if (mine) this.publish(mine);
    // A newer result arrived while ours was on the way: an older one never replaces it.
    const newest = this.transport.latest(key);
    if (mine && newest && newest !== mine && newest.fetchedAt > mine.fetchedAt && newest.ok) return newest.value as T;
    return value;
  }

  private publish(p: Published): void {
    try {
      this.transport.publish(p);
    } catch {
      // Best effort: the others read the next slot themselves.
    }
  }

  private waitFor<T>(subject: ReadSubject, key: string, slotStart: number, slotEnd: number, options: ReadOptions, demanded = false): Promise<T> {
    const fits = (p: Published) => p.subject === key && p.fetchedAt >= slotStart && (!demanded || p.demand === true);
    // Within the request timeout and within this slot: a reader that crashed costs this slot only,
    // and the next read falls at the next slot's moment.
    const wait = Math.max(1, Math.min(options.timeoutMs, slotEnd - this.transport.now() - 1));
    return new Promise<T>((resolve, reject) => {
      let done = false;
      const finish = (p: Published | undefined, error?: GatewayError): void => {
        if (done) return;
        done = true;
        sub.dispose();
        this.clock.clearTimeout(timer);
        options.signal.removeEventListener('abort', onAbort);
        if (error) return reject(error);
        try {
          resolve(this.use<T>(subject, p!));
        } catch (e) {
          // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a GatewayError (or what the caller threw) goes on unchanged
          reject(e);
        }
      };
      const sub = this.transport.onResult((p) => fits(p) && finish(p));
      const timer = this.clock.setTimeout(() => {
        this.counts.late++;
        finish(undefined, new GatewayError('transient', t('No window or desk watching {0} shared its read in time; the next read is at the next interval.', describe(subject)), { code: SHARED_READ_CODE }));
      }, wait);
      const onAbort = (): void => finish(undefined, cancelled());
      options.signal.addEventListener('abort', onAbort, { once: true });
      // Published between the claim and now.
      const already = this.transport.latest(key);
      if (already && fits(already)) finish(already);
    });
  }

  /** A published result as this caller's read: its value, or a failure in this caller's words. */
  private use<T>(subject: ReadSubject, p: Published): T {
    this.counts.shared++;
    // The value was checked to be of the subject's kind (shareableValue), the shape the caller reads.
    if (p.ok) return p.value as T;
    if (adoptable(p)) {
      if (p.retcode) throw errorForRetcode(p.retcode, '', subject.what);
      throw new GatewayError(p.errorKind as FailureKind, t('Agent {0} has not signed in (100-006); there is nothing to show until the agent signs in.', subject.what));
    }
    throw new GatewayError('transient', t('The window or desk that read {0} this interval got no answer ({1}); the next read is at the next interval.', describe(subject), p.errorKind ?? 'unknown'), { code: SHARED_READ_CODE });
  }
}

function describe(s: ReadSubject): string {
  return s.kind === 'queues' ? t('the queues') : t('agent {0}', s.what);
}

function teamOffline(): GatewayError {
  return new GatewayError('transient', t('Team offline: agent states are read again when the team is back.'), { code: SHARED_READ_CODE });
}

function cancelled(): GatewayError {
  return new GatewayError('cancelled', t('The request was cancelled.'));
}
