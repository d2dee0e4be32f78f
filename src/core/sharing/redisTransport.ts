// A team's desks share reads through one Redis (6+, or Valkey): a claim is `SET key owner NX PX
// ttl`, a result is kept with a time to live and announced on a channel, and the slot clock is
// the Redis server's (TIME), not each desk's. The client (ioredis) is handed in by the caller,
// which loads it only when a team is configured. Unreachable → status `offline`: the caller
// reads alone (TeamTransport falls back to the windows of its machine); back → `shared` again, with no catch-up reads.
import * as crypto from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';
import { systemClock, type Clock, type TimerHandle } from '../util/clock';
import { Disposable, Emitter } from '../util/lifecycle';
import { ClaimBoard } from './claimBoard';
import { parsePublished, type Published } from './readSlot';
import type { ReadTransport, SharingStatus } from './transport';

export const RESULTS_CHANNEL = 'ccgw:results';
const CLAIM_PREFIX = 'ccgw:claim:';
const RESULT_PREFIX = 'ccgw:result:';
/** How often the offset to the server's clock is measured again, and a desk says it is there. */
const TIME_EVERY_MS = 60_000;
/** The team's desks: a sorted set of desk keys (hashes that name no one) by when each last said it was there. */
const DESKS_KEY = 'ccgw:desks';
/** A desk counts as there this long after it last said so. */
const DESK_TTL_MS = 3 * TIME_EVERY_MS;

export type CreateRedis = (url: string, options: RedisOptions) => Redis;

export interface RedisTransportOptions {
  readonly url: string;
  /** The Redis user's password (SecretStorage); never in the URL, never logged. */
  readonly password?: string;
  /** rediss://: the CAs that verify the server (the OS store, a CA file); the check is never turned off. */
  readonly ca?: readonly string[];
  readonly clock?: Clock;
  /**
   * Slots follow the Redis server's clock (TIME), not each desk's (default). False only where every
   * participant runs on one injected clock already (the model-based test's fake time).
   */
  readonly serverClock?: boolean;
  /** A claim not answered by then (on `clock`) is decided alone, and the team counts as offline until a PING answers. */
  readonly claimTimeoutMs?: number;
  /** ioredis' own timeout of one command (wall time), a backstop. */
  readonly commandTimeoutMs?: number;
  /** Longest wait between reconnection attempts. */
  readonly maxRetryMs?: number;
  readonly log?: { info(message: string): void; warn(message: string): void };
  /** This desk's key (the same for every window of the machine, a hash that names no one): told to the team, see `desks`. */
  readonly desk?: string;
  /** How often the desk says it is there and reads who else is (default: every minute). */
  readonly deskEveryMs?: number;
}

/** The URL as it may be shown: scheme, host and port (no user, no password). */
export function redisDisplay(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}`;
  } catch {
    return 'redis';
  }
}

export class RedisTransport extends Disposable implements ReadTransport {
  private readonly id = crypto.randomBytes(8).toString('hex');
  private readonly clock: Clock;
  private readonly cmd: Redis;
  private readonly sub: Redis;
  private readonly board: ClaimBoard;
  private offset = 0;
  private timeTimer: TimerHandle | undefined;
  private statusValue: SharingStatus = 'offline';
  private cmdReady = false;
  private subReady = false;
  private timed = false;
  /** A command timed out or failed on an open connection (a Redis that hangs): offline until a PING answers. */
  private failing = false;
  private probeTimer: TimerHandle | undefined;
  private deskTimer: TimerHandle | undefined;
  private deskList: readonly string[] | undefined;
  private readonly onResultEmitter = this._register(new Emitter<Published>());
  readonly onResult = this.onResultEmitter.event;
  private readonly onStatusEmitter = this._register(new Emitter<SharingStatus>());
  readonly onStatus = this.onStatusEmitter.event;
  /** For tests and the benchmark. */
  readonly counts = { claims: 0, won: 0, published: 0, received: 0 };

  constructor(create: CreateRedis, private readonly options: RedisTransportOptions) {
    super();
    this.clock = options.clock ?? systemClock;
    this.board = new ClaimBoard({ now: () => this.now() });
    const maxRetry = options.maxRetryMs ?? 5_000;
    const u = new URL(options.url);
    const base: RedisOptions = {
      ...(options.password !== undefined ? { password: options.password } : {}),
      connectTimeout: 2_000,
      // Reconnect for ever, spread out: a team does not come back in one burst.
      retryStrategy: (times: number) => Math.round(Math.min(maxRetry, 200 * 2 ** Math.min(times, 6)) * (0.5 + Math.random())),
      ...(u.protocol === 'rediss:' ? { tls: { servername: u.hostname, ...(options.ca?.length ? { ca: [...options.ca] } : {}) } } : {}),
    };
    // Commands fail at once while disconnected (no queue to replay later: that would be a burst).
    this.cmd = create(options.url, { ...base, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: options.commandTimeoutMs ?? 1_000 });
    this.sub = create(options.url, { ...base, maxRetriesPerRequest: null });
    this.cmd.on('ready', () => {
      this.cmdReady = true;
      void this.syncTime();
      void this.announce();
    });
    this.sub.on('ready', () => {
      this.subReady = true;
      this.update();
    });
    for (const [conn, which] of [[this.cmd, 'cmd'], [this.sub, 'sub']] as const) {
      conn.on('error', () => undefined); // reported through 'close' and the status; the message may name the host only
      conn.on('close', () => {
        if (which === 'cmd') {
          this.cmdReady = false;
          this.timed = false;
        } else this.subReady = false;
        this.update();
      });
    }
    this.sub.on('message', (channel: string, message: string) => {
      if (channel !== RESULTS_CHANNEL) return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(message);
      } catch {
        return;
      }
      const p = parsePublished(parsed);
      if (!p) return;
      this.counts.received++;
      if (this.board.keep(p)) this.onResultEmitter.fire(p);
    });
    void this.sub.subscribe(RESULTS_CHANNEL).catch(() => undefined);
    this._register({ dispose: () => this.close() });
  }

  get status(): SharingStatus {
    return this.statusValue;
  }

  now(): number {
    return this.clock.now() + this.offset;
  }

  async claim(key: string, ttlMs: number): Promise<boolean | undefined> {
    if (this.statusValue !== 'shared') return undefined;
    this.counts.claims++;
    try {
      const k = CLAIM_PREFIX + crypto.createHash('sha256').update(key).digest('hex').slice(0, 32);
      const won = (await this.withinClaimTimeout(this.cmd.set(k, this.id, 'PX', Math.max(1, Math.round(ttlMs)), 'NX'))) === 'OK';
      if (won) this.counts.won++;
      return won;
    } catch {
      this.fail();
      return undefined;
    }
  }

  publish(p: Published): void {
    this.board.keep(p);
    if (this.statusValue !== 'shared') return;
    const json = JSON.stringify(p);
    this.counts.published++;
    // Kept two intervals (at least 30 s): a desk that joins or asks on demand finds it.
    void this.cmd
      .multi()
      .set(RESULT_PREFIX + p.subject, json, 'PX', Math.max(30_000, 2 * p.intervalMs))
      .publish(RESULTS_CHANNEL, json)
      .exec()
      .catch(() => this.fail());
  }

  latest(subject: string): Published | undefined {
    return this.board.latest(subject);
  }

  private async syncTime(): Promise<void> {
    if (this.options.serverClock === false) {
      this.timed = true;
      return this.update();
    }
    if (this.timeTimer !== undefined) this.clock.clearTimeout(this.timeTimer);
    this.timeTimer = undefined;
    try {
      const before = this.clock.now();
      const [seconds, micros] = await this.cmd.time();
      const after = this.clock.now();
      this.offset = Number(seconds) * 1000 + Math.floor(Number(micros) / 1000) - Math.round((before + after) / 2);
      this.timed = true;
    } catch {
      // Not now: the next 'ready' tries again.
    }
    this.update();
    if (!this.isDisposed) this.timeTimer = this.clock.setTimeout(() => void this.syncTime(), TIME_EVERY_MS);
  }

  /**
   * The team's desks seen within the last three minutes (their keys, sorted), as last read from
   * Redis: kept while it is unreachable, so desks reading alone can share the gateway's budget.
   */
  desks(): readonly string[] | undefined {
    return this.deskList;
  }

  /** Says this desk is there and reads who else is, now and every minute. */
  private async announce(): Promise<void> {
    if (this.deskTimer !== undefined) this.clock.clearTimeout(this.deskTimer);
    this.deskTimer = undefined;
    const desk = this.options.desk;
    if (!desk || this.isDisposed) return;
    try {
      const now = this.now();
      const answers = await this.cmd.multi().zadd(DESKS_KEY, now, desk).zremrangebyscore(DESKS_KEY, '-inf', now - DESK_TTL_MS).pexpire(DESKS_KEY, DESK_TTL_MS).zrange(DESKS_KEY, 0, -1).exec();
      const list = answers?.[3]?.[1];
      if (Array.isArray(list)) this.deskList = list.filter((d): d is string => typeof d === 'string').sort();
    } catch {
      // Not now: the next minute, or the next 'ready'.
    }
    if (!this.isDisposed) this.deskTimer = this.clock.setTimeout(() => void this.announce(), this.options.deskEveryMs ?? TIME_EVERY_MS);
  }

  private withinClaimTimeout<T>(p: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.clock.setTimeout(() => reject(new Error('claim timed out')), this.options.claimTimeoutMs ?? 500);
      p.then(
        (v) => (this.clock.clearTimeout(timer), resolve(v)),
        (e: unknown) => (this.clock.clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
      );
    });
  }

  private fail(): void {
    if (this.failing || this.isDisposed) return;
    this.failing = true;
    this.update();
    this.probe();
  }

  /** Once a second while failing: the first PING answered ends it. */
  private probe(): void {
    if (this.probeTimer !== undefined || this.isDisposed) return;
    this.probeTimer = this.clock.setTimeout(() => {
      this.probeTimer = undefined;
      this.cmd.ping().then(
        () => {
          this.failing = false;
          this.update();
        },
        () => this.probe(),
      );
    }, 1_000);
  }

  private update(): void {
    const next: SharingStatus = this.cmdReady && this.subReady && this.timed && !this.failing ? 'shared' : 'offline';
    if (next === this.statusValue) return;
    this.statusValue = next;
    this.options.log?.info(next === 'shared' ? `Team: joined through ${redisDisplay(this.options.url)}.` : `Team: ${redisDisplay(this.options.url)} is unreachable; this desk reads alone until it is back.`);
    this.onStatusEmitter.fire(next);
  }

  private close(): void {
    if (this.timeTimer !== undefined) this.clock.clearTimeout(this.timeTimer);
    if (this.probeTimer !== undefined) this.clock.clearTimeout(this.probeTimer);
    if (this.deskTimer !== undefined) this.clock.clearTimeout(this.deskTimer);
    this.cmd.disconnect();
    this.sub.disconnect();
  }
}
