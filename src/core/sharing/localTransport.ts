// The windows of one machine share their reads over the local channel the sign-in sessions
// use (channel.ts: an owner-only socket and a token; lease.ts: proper-lockfile in the same
// folder). One window holds the lease `reads-hub` and keeps the claim board; the others
// connect to it, claim through it and get every result from it. When the hub window closes it
// gives the lease up at once; when it crashes the lease goes stale after `staleMs` (2 s).
// Meanwhile claims wait for the next hub (never two windows reading one slot alone), and each
// window tells the new hub the claims it holds, so a slot read before the switch is not read again.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChannelServer, connectChannel, newToken, socketPathFor, type Peer } from '../sessions/channel';
import { ensurePrivateDir, LeaseDir, type Lease, type LeaseTiming } from '../sessions/lease';
import { systemClock, type Clock, type TimerHandle } from '../util/clock';
import { Disposable, Emitter } from '../util/lifecycle';
import { MemoryHub } from './memoryHub';
import { parsePublished, type Published } from './readSlot';
import type { ReadTransport, SharingStatus } from './transport';

const HUB = 'reads-hub';
/** Results a joining window is told: those of the last minute (every interval up to a minute). */
const JOIN_RESULTS_MS = 60_000;
/** proper-lockfile's shortest stale time: a crashed hub is replaced within about 2 s. */
export const HUB_LEASE: LeaseTiming = { staleMs: 2_000, heartbeatMs: 1_000 };
/** A claim not decided by then is decided alone (a hub that does not answer). */
const CLAIM_ANSWER_MS = 1_000;

export interface LocalTransportOptions {
  readonly clock?: Clock;
  readonly lease?: LeaseTiming;
  /** How often a window without a hub tries to become it or reach it (jittered ±25 %). */
  readonly retryMs?: number;
  /** How long a claim waits for a hub before it is decided alone (default: stale time + 2 retries). */
  readonly electionWaitMs?: number;
  readonly random?: () => number;
  readonly log?: { info(message: string): void; warn(message: string): void };
}

interface Waiting {
  readonly key: string;
  readonly ttlMs: number;
  readonly resolve: (won: boolean | undefined) => void;
  timer?: TimerHandle;
  sent?: number;
}

interface HubRecord {
  readonly window: string;
  readonly socket: string;
  readonly token: string;
}

export class LocalTransport extends Disposable implements ReadTransport {
  readonly windowId = crypto.randomBytes(6).toString('hex');
  private readonly clock: Clock;
  private readonly leases: LeaseDir;
  private readonly retryMs: number;
  private readonly electionWaitMs: number;
  private readonly random: () => number;
  /** Results known here, newest per subject (the hub's board when this window is the hub). */
  private cache: MemoryHub;
  private readonly onResultEmitter = this._register(new Emitter<Published>());
  readonly onResult = this.onResultEmitter.event;
  private readonly onStatusEmitter = this._register(new Emitter<SharingStatus>());
  readonly onStatus = this.onStatusEmitter.event;
  private statusValue: SharingStatus = 'alone';
  /** As the hub: the lease, the server, the peers. */
  private hub: { lease: Lease; server: ChannelServer; peers: Set<Peer>; cleanup: () => void } | undefined;
  /** As a follower: the hub's peer. */
  private upstream: Peer | undefined;
  private connecting = false;
  private retryTimer: TimerHandle | undefined;
  /** Claims waiting for a hub's answer (or for a hub). */
  private readonly waiting = new Map<number, Waiting>();
  private nextId = 1;
  /** Claims this window won and that still run: told to a new hub. */
  private readonly mine = new Map<string, number>();

  constructor(
    readonly dir: string,
    private readonly options: LocalTransportOptions = {},
  ) {
    super();
    this.clock = options.clock ?? systemClock;
    this.leases = new LeaseDir(dir, options.lease ?? HUB_LEASE);
    this.retryMs = options.retryMs ?? 250;
    this.electionWaitMs = options.electionWaitMs ?? (options.lease ?? HUB_LEASE).staleMs + 4 * this.retryMs;
    this.random = options.random ?? Math.random;
    this.cache = new MemoryHub(this.clock);
    this._register({ dispose: () => this.stop() });
    void this.elect();
  }

  get status(): SharingStatus {
    return this.statusValue;
  }

  /** For tests: this window's part. */
  get role(): 'hub' | 'follower' | 'none' {
    return this.hub ? 'hub' : this.upstream ? 'follower' : 'none';
  }

  now(): number {
    return this.clock.now();
  }

  claim(key: string, ttlMs: number): Promise<boolean | undefined> {
    if (this.isDisposed) return Promise.resolve(undefined);
    if (this.hub) return Promise.resolve(this.won(key, ttlMs, this.cache.board.claim(key, this.windowId, ttlMs)));
    return new Promise((resolve) => {
      const id = this.nextId++;
      const w: Waiting = { key, ttlMs, resolve: (won) => resolve(this.won(key, ttlMs, won)) };
      this.waiting.set(id, w);
      this.ask(id, w);
    });
  }

  publish(p: Published): void {
    if (this.hub) this.relay(p);
    else {
      this.keep(p);
      this.upstream?.send({ type: 'publish', result: p });
    }
  }

  latest(subject: string): Published | undefined {
    return this.cache.board.latest(subject);
  }

  private won(key: string, ttlMs: number, won: boolean | undefined): boolean | undefined {
    if (won !== false) {
      const now = this.clock.now();
      for (const [k, until] of this.mine) if (until <= now) this.mine.delete(k);
      this.mine.set(key, now + ttlMs);
    }
    return won;
  }

  /** Sends a claim to the hub, or waits for one (decided alone after electionWaitMs). */
  private ask(id: number, w: Waiting): void {
    if (w.timer !== undefined) this.clock.clearTimeout(w.timer);
    const settle = (won: boolean | undefined) => {
      if (!this.waiting.delete(id)) return;
      if (w.timer !== undefined) this.clock.clearTimeout(w.timer);
      w.resolve(won);
    };
    if (this.hub) return settle(this.cache.board.claim(w.key, this.windowId, w.ttlMs));
    if (this.upstream) {
      w.sent = this.clock.now();
      this.upstream.send({ type: 'claim', id, key: w.key, ttl: w.ttlMs });
      w.timer = this.clock.setTimeout(() => settle(undefined), CLAIM_ANSWER_MS);
    } else w.timer = this.clock.setTimeout(() => settle(undefined), this.electionWaitMs);
  }

  private keep(p: Published): void {
    if (this.cache.board.keep(p)) this.onResultEmitter.fire(p);
  }

  /** As the hub: keep, tell every follower, tell this window. */
  private relay(p: Published): void {
    if (!this.cache.board.keep(p)) return;
    for (const peer of this.hub?.peers ?? []) peer.send({ type: 'result', result: p });
    this.onResultEmitter.fire(p);
  }

  private setStatus(s: SharingStatus): void {
    if (s === this.statusValue) return;
    this.statusValue = s;
    this.onStatusEmitter.fire(s);
  }

  /** Becomes the hub, or connects to it; tries again later when neither works. */
  private async elect(): Promise<void> {
    if (this.isDisposed || this.hub || this.upstream || this.connecting) return;
    this.connecting = true;
    try {
      const lease = await this.leases.tryAcquire(HUB).catch(() => undefined);
      if (this.isDisposed) {
        lease?.releaseNow();
        return;
      }
      if (lease) return await this.becomeHub(lease);
      const record = this.readRecord();
      const peer = record && record.window !== this.windowId ? await connectChannel(record.socket, record.token, 1_000) : undefined;
      if (this.isDisposed) {
        peer?.close();
        return;
      }
      if (peer) this.follow(peer);
    } catch (e) {
      this.options.log?.warn(`Shared reads: could not reach the other windows (${(e as NodeJS.ErrnoException).code ?? String(e)}); trying again.`);
    } finally {
      this.connecting = false;
      if (!this.hub && !this.upstream && !this.isDisposed) this.retry();
    }
  }

  private retry(): void {
    if (this.retryTimer !== undefined) return;
    const delay = this.retryMs * (0.75 + this.random() * 0.5);
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      void this.elect();
    }, delay);
  }

  private async becomeHub(lease: Lease): Promise<void> {
    const { socketPath, cleanup } = socketPathFor(this.dir, crypto.randomBytes(6).toString('hex'));
    const token = newToken();
    const peers = new Set<Peer>();
    let server: ChannelServer;
    try {
      server = await ChannelServer.listen(socketPath, token, (peer) => this.onFollower(peer, peers));
    } catch (e) {
      await lease.release();
      cleanup();
      throw e;
    }
    if (this.isDisposed) {
      lease.releaseNow();
      void server.close();
      cleanup();
      return;
    }
    this.hub = { lease, server, peers, cleanup };
    lease.onLost((reason) => {
      this.options.log?.warn(`Shared reads: this window lost the hub lease (${reason}); another window keeps the claims now.`);
      this.stepDown();
      void this.elect();
    });
    // The claims this window holds stay claimed on its own board.
    const now = this.clock.now();
    for (const [key, until] of this.mine) if (until > now) this.cache.board.claim(key, this.windowId, until - now);
    this.writeRecord({ window: this.windowId, socket: server.socketPath, token });
    this.setStatus('shared');
    for (const [id, w] of [...this.waiting]) this.ask(id, w);
  }

  private onFollower(peer: Peer, peers: Set<Peer>): void {
    peers.add(peer);
    // A window just opened shows what the others read lately at once, and does not read it again
    // in this interval (it is told before the answer to its first claim).
    for (const p of this.cache.board.since(this.clock.now() - JOIN_RESULTS_MS)) peer.send({ type: 'result', result: p });
    peer.onClose(() => peers.delete(peer));
    peer.onMessage((m) => {
      if (m.type === 'claim' && typeof m.key === 'string' && typeof m.ttl === 'number' && typeof m.id === 'number') {
        peer.send({ type: 'claimed', id: m.id, won: this.cache.board.claim(m.key, `p${peerId(peer)}`, Math.min(m.ttl, 600_000)) });
      } else if (m.type === 'hold' && Array.isArray(m.claims)) {
        for (const c of m.claims as unknown[]) {
          const [key, ttl] = Array.isArray(c) ? (c as unknown[]) : [];
          if (typeof key === 'string' && typeof ttl === 'number' && ttl > 0) this.cache.board.claim(key, `p${peerId(peer)}`, Math.min(ttl, 600_000));
        }
      } else if (m.type === 'publish') {
        const p = parsePublished(m.result);
        if (p) this.relay(p);
      }
    });
  }

  private follow(peer: Peer): void {
    this.upstream = peer;
    peer.onMessage((m) => {
      if (m.type === 'claimed' && typeof m.id === 'number') {
        const w = this.waiting.get(m.id);
        if (!w) return;
        this.waiting.delete(m.id);
        if (w.timer !== undefined) this.clock.clearTimeout(w.timer);
        w.resolve(m.won === true);
      } else if (m.type === 'result') {
        const p = parsePublished(m.result);
        if (p) this.keep(p);
      }
    });
    peer.onClose(() => {
      if (this.upstream !== peer) return;
      this.upstream = undefined;
      this.setStatus('alone');
      // Claims on their way to the old hub wait for the next one.
      for (const [id, w] of [...this.waiting]) if (w.sent !== undefined) this.ask(id, { ...w, sent: undefined });
      void this.elect();
    });
    const now = this.clock.now();
    const held = [...this.mine].filter(([, until]) => until > now).map(([key, until]) => [key, until - now]);
    if (held.length) peer.send({ type: 'hold', claims: held });
    this.setStatus('shared');
    for (const [id, w] of [...this.waiting]) this.ask(id, w);
  }

  private stepDown(): void {
    const hub = this.hub;
    if (!hub) return;
    this.hub = undefined;
    this.removeOwnRecord();
    for (const p of hub.peers) p.close();
    void hub.server.close().finally(() => hub.cleanup());
    this.setStatus('alone');
  }

  /** Gives the hub up before returning (a closing window: the next one takes it over at once). */
  private stop(): void {
    if (this.retryTimer !== undefined) this.clock.clearTimeout(this.retryTimer);
    for (const w of this.waiting.values()) {
      if (w.timer !== undefined) this.clock.clearTimeout(w.timer);
      w.resolve(undefined);
    }
    this.waiting.clear();
    const hub = this.hub;
    if (hub) {
      this.hub = undefined;
      this.removeOwnRecord();
      hub.lease.releaseNow();
      for (const p of hub.peers) p.close();
      void hub.server.close().finally(() => hub.cleanup());
    }
    this.upstream?.close();
    this.upstream = undefined;
  }

  private recordFile(): string {
    return path.join(this.dir, `${HUB}.json`);
  }

  private writeRecord(record: HubRecord): void {
    ensurePrivateDir(this.dir);
    const tmp = `${this.recordFile()}.${this.windowId}.tmp`;
    // 0600: the token is for this OS user only.
    fs.writeFileSync(tmp, JSON.stringify(record), { mode: 0o600 });
    fs.renameSync(tmp, this.recordFile());
  }

  private removeOwnRecord(): void {
    try {
      if (this.readRecord()?.window === this.windowId) fs.rmSync(this.recordFile(), { force: true });
    } catch {
      // The next hub writes its own.
    }
  }

  private readRecord(): HubRecord | undefined {
    try {
      const r = JSON.parse(fs.readFileSync(this.recordFile(), 'utf8')) as Partial<HubRecord>;
      return typeof r.socket === 'string' && typeof r.token === 'string' && typeof r.window === 'string' ? (r as HubRecord) : undefined;
    } catch {
      return undefined;
    }
  }
}

const peerIds = new WeakMap<Peer, number>();
let nextPeer = 1;
function peerId(peer: Peer): number {
  let id = peerIds.get(peer);
  if (id === undefined) peerIds.set(peer, (id = nextPeer++));
  return id;
}
