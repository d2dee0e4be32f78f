// Over 300 lines: a window's lease, record and socket are made, handed over and removed together
// (removing a record is safe only while its lease is known held or its socket known dead).
// One per window (extension host): holds this window's session leases in the shared folder,
// serves the sessions it owns to the other windows over the local channel, and follows the
// sessions that another window owns. No vscode here: the folder, the timing and the log are injected.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { SessionStatus } from './agentSession';
import { onUnexpectedError } from '../util/unexpectedError';
import { answers, ChannelServer, connectChannel, newToken, socketPathFor, type Message, type Peer } from './channel';
import { DEFAULT_LEASE_TIMING, ensurePrivateDir, LeaseDir, type Lease, type LeaseTiming } from './lease';

/** What the owner tells the windows that follow a session: where it stands, and its current Guid (in memory only). */
export interface FollowState {
  readonly status: SessionStatus;
  readonly guid?: string;
}

/** The owner's side of one session. */
export interface SessionProvider {
  state(): FollowState;
  signOut(): Promise<void>;
  /** A follower got this renewal in an answer of its own. */
  renewed(sentGuid: string, newGuid: string): void;
}

export interface FollowListener {
  onState(state: FollowState): void;
  /** The owner is leaving and released the lease: take it now. */
  onHandover(): void;
  onClose(): void;
}

/** A connection to the window that owns a session. */
export interface Following {
  signOut(timeoutMs?: number): Promise<void>;
  renewed(sentGuid: string, newGuid: string): void;
  close(): void;
}

/** What a lease's owner record says (0600, next to the lock): where to reach the owner and the token it wants. */
interface OwnerRecord {
  readonly window: string;
  readonly pid: number;
  readonly socket: string;
  readonly token: string;
}

export interface SessionHostOptions {
  readonly timing?: LeaseTiming;
  /** How often a follower tries to take the lease (jittered ±25 %). */
  readonly retryMs?: number;
  readonly log?: { info(message: string): void; warn(message: string): void };
}

export interface HostTiming {
  readonly lease: LeaseTiming;
  readonly retryMs: number;
}

interface Held {
  readonly lease: Lease;
  refs: number;
  releaseTimer?: ReturnType<typeof setTimeout>;
}

/** A lease name per gateway origin and agent. */
export function leaseName(key: string): string {
  return `session-${crypto.createHash('sha256').update(key).digest('hex').slice(0, 24)}`;
}

export class SessionHost {
  readonly windowId = crypto.randomBytes(6).toString('hex');
  readonly timing: HostTiming;
  private readonly leases: LeaseDir;
  private readonly token = newToken();
  private server: Promise<ChannelServer> | undefined;
  private socketCleanup: (() => void) | undefined;
  private readonly held = new Map<string, Held>();
  private readonly providers = new Map<string, SessionProvider>();
  private readonly followers = new Map<string, Set<Peer>>();
  private disposed = false;

  constructor(
    readonly dir: string,
    private readonly options: SessionHostOptions = {},
  ) {
    this.timing = { lease: options.timing ?? DEFAULT_LEASE_TIMING, retryMs: options.retryMs ?? 3_000 };
    this.leases = new LeaseDir(dir, this.timing.lease);
  }

  /** The lease of `key` for this window, or undefined while another window holds it. */
  async acquire(key: string, onLost: (reason: string) => void): Promise<{ release(now?: boolean): void } | undefined> {
    if (this.disposed) return undefined;
    const mine = this.held.get(key);
    if (mine && !mine.lease.released) {
      // Same window again (a connection handed its sessions to the next one): keep the lease.
      if (mine.releaseTimer) clearTimeout(mine.releaseTimer);
      mine.releaseTimer = undefined;
      mine.refs++;
      mine.lease.onLost(onLost);
      return this.handle(key, mine);
    }
    const name = leaseName(key);
    const lease = await this.leases.tryAcquire(name);
    if (!lease) return undefined;
    if (this.disposed) {
      await lease.release();
      return undefined;
    }
    const held: Held = { lease, refs: 1 };
    this.held.set(key, held);
    lease.onLost((reason) => {
      if (this.held.get(key) === held) this.held.delete(key);
      this.options.log?.warn(`The session lease ${name} was lost (${reason}); another window runs the session now.`);
    });
    lease.onLost(onLost);
    try {
      const server = await this.ensureServer();
      // Not for a lease given up meanwhile (the window closed): nothing would remove that record.
      if (this.held.get(key) === held && !lease.released) this.writeRecord(name, { window: this.windowId, pid: process.pid, socket: server.socketPath, token: this.token });
    } catch (e) {
      // Without a channel the others cannot follow, but the session still runs here.
      onUnexpectedError(e, 'opening the session channel');
    }
    return this.handle(key, held);
  }

  /** Serves `key` to the windows that follow it (this window holds its lease). */
  serve(key: string, provider: SessionProvider): void {
    this.providers.set(key, provider);
    this.publish(key);
  }

  /** Pushes the session's state to every window that follows it. */
  publish(key: string): void {
    const provider = this.providers.get(key);
    if (!provider) return;
    const state = provider.state();
    for (const peer of this.followers.get(key) ?? []) peer.send({ type: 'state', key, ...state });
  }

  /** Windows following `key` now: they take the session over when this one leaves. */
  followerCount(key: string): number {
    return [...(this.followers.get(key) ?? [])].filter((p) => !p.isClosed).length;
  }

  /**
   * Stops serving `key`, tells its followers to take it over, and releases the lease at once;
   * `closing`: before returning (the process may end right after).
   */
  handOver(key: string, closing = false): void {
    this.providers.delete(key);
    const held = this.held.get(key);
    const tell = () => {
      for (const peer of this.followers.get(key) ?? []) peer.send({ type: 'handover', key });
    };
    if (held) {
      this.held.delete(key);
      if (held.releaseTimer) clearTimeout(held.releaseTimer);
      // While the lease is still ours: after, the record may be the next owner's.
      this.removeOwnRecord(held.lease.name);
      // Released before the followers hear of it, so the first to try gets it.
      if (closing) {
        held.lease.releaseNow();
        tell();
      } else void held.lease.release().then(tell);
    } else tell();
  }

  /** Follows the window that holds `key`; undefined when none can be reached now. */
  async follow(key: string, listener: FollowListener): Promise<Following | undefined> {
    if (this.disposed) return undefined;
    const record = this.readRecord(leaseName(key));
    if (!record || record.window === this.windowId) return undefined;
    const peer = await connectChannel(record.socket, record.token);
    if (!peer) return undefined;
    if (this.disposed) {
      peer.close();
      return undefined;
    }
    let closed = false;
    const waiting = new Set<() => void>();
    peer.onMessage((m) => {
      if (m.key !== key) return;
      if (m.type === 'state' && isStatus(m.status)) listener.onState({ status: m.status, guid: typeof m.guid === 'string' ? m.guid : undefined });
      else if (m.type === 'handover') listener.onHandover();
      else if (m.type === 'signedOut') for (const w of waiting) w();
      else if (m.type === 'notOwner') peer.close();
    });
    peer.onClose(() => {
      for (const w of waiting) w();
      if (!closed) listener.onClose();
      closed = true;
    });
    peer.send({ type: 'follow', key });
    return {
      signOut: (timeoutMs = 15_000) =>
        new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            waiting.delete(done);
            resolve();
          };
          const timer = setTimeout(done, timeoutMs);
          waiting.add(done);
          peer.send({ type: 'signOut', key });
        }),
      renewed: (sentGuid, newGuid) => peer.send({ type: 'renewed', key, sentGuid, newGuid }),
      close: () => {
        closed = true;
        peer.close();
      },
    };
  }

  /**
   * Releases every lease at once (their followers take over) and closes the channel. Its record,
   * socket and locks are gone when this returns: the extension host may end right after.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const key of [...this.held.keys()]) this.handOver(key, true);
    const server = this.server;
    this.server = undefined;
    // Removing the socket's name does not stop the listener; again after close, for one still starting.
    this.socketCleanup?.();
    void server
      ?.then((s) => s.close())
      .catch(() => undefined)
      .finally(() => this.socketCleanup?.());
  }

  /**
   * Removes what windows that are gone left in the folder (for a starting window): owner records
   * and sockets nothing answers on any more, and locks whose heartbeat is older than the stale
   * time. A live window's socket answers and its lock is fresh, so its files stay; its process id
   * is not trusted (reused, or of another PID namespace).
   */
  async removeLeftovers(): Promise<{ records: number; sockets: number; locks: number }> {
    const removed = { records: 0, sockets: 0, locks: 0 };
    let names: string[];
    try {
      names = fs.readdirSync(this.dir);
    } catch {
      return removed;
    }
    const own = path.basename(socketPathFor(this.dir, this.windowId).socketPath);
    for (const f of names) {
      if (this.disposed) break;
      const file = path.join(this.dir, f);
      try {
        if (/^session-[0-9a-f]+\.json$/.test(f)) {
          const record = this.readRecordFile(file);
          if (!record) continue;
          if (record.window === this.windowId || (await answers(record.socket))) continue;
          if (this.removeRecordIf(file, (r) => r?.window === record.window && r.token === record.token)) removed.records++;
          if (this.removeTmpSocket(record.socket)) removed.sockets++;
        } else if (/^w-[0-9a-f]+\.sock$/.test(f) && f !== own) {
          if (await answers(file)) continue;
          fs.rmSync(file, { force: true });
          removed.sockets++;
        } else if (/^session-[0-9a-f]+\.lock$/.test(f)) {
          if (await this.leases.removeIfStale(f.slice(0, -'.lock'.length))) removed.locks++;
        } else if (f.endsWith('.tmp') && Date.now() - fs.statSync(file).mtimeMs > this.timing.lease.staleMs) {
          // A record write cut short by a crash.
          fs.rmSync(file, { force: true });
        }
      } catch (e) {
        this.options.log?.warn(`Could not remove ${file}, left by a window that is gone (${(e as NodeJS.ErrnoException).code ?? String(e)}).`);
      }
    }
    return removed;
  }

  private handle(key: string, held: Held): { release(now?: boolean): void } {
    let done = false;
    return {
      release: (now = false) => {
        if (done) return;
        done = true;
        if (this.held.get(key) !== held || --held.refs > 0) return;
        if (now) return this.handOver(key);
        // Not at once: the next connection of this window may take it up again (a settings swap).
        held.releaseTimer = setTimeout(() => {
          if (held.refs === 0 && this.held.get(key) === held) this.handOver(key);
        }, 1_000);
      },
    };
  }

  private ensureServer(): Promise<ChannelServer> {
    if (!this.server) {
      const { socketPath, cleanup } = socketPathFor(this.dir, this.windowId);
      this.socketCleanup = cleanup;
      const started = ChannelServer.listen(socketPath, this.token, (peer) => this.onPeer(peer));
      started.catch(() => {
        if (this.server === started) this.server = undefined;
      });
      this.server = started;
    }
    return this.server;
  }

  private onPeer(peer: Peer): void {
    peer.onMessage((m: Message) => {
      const key = typeof m.key === 'string' ? m.key : undefined;
      if (!key) return;
      const provider = this.providers.get(key);
      if (m.type === 'follow') {
        if (!provider) {
          peer.send({ type: 'notOwner', key });
          return;
        }
        let set = this.followers.get(key);
        if (!set) this.followers.set(key, (set = new Set()));
        set.add(peer);
        peer.onClose(() => set.delete(peer));
        peer.send({ type: 'state', key, ...provider.state() });
      } else if (m.type === 'signOut') {
        const answer = () => peer.send({ type: 'signedOut', key });
        if (!provider) answer();
        else void provider.signOut().then(answer, answer);
      } else if (m.type === 'renewed' && typeof m.sentGuid === 'string' && typeof m.newGuid === 'string') {
        provider?.renewed(m.sentGuid, m.newGuid);
      }
    });
  }

  private writeRecord(name: string, record: OwnerRecord): void {
    ensurePrivateDir(this.dir);
    const file = path.join(this.dir, `${name}.json`);
    const tmp = `${file}.${this.windowId}.tmp`;
    // 0600 from the start: the token is for this OS user only.
    fs.writeFileSync(tmp, JSON.stringify(record), { mode: 0o600 });
    fs.renameSync(tmp, file);
  }

  /** This window's record of `name`, if it is still this window's. */
  private removeOwnRecord(name: string): void {
    try {
      this.removeRecordIf(path.join(this.dir, `${name}.json`), (r) => r?.window === this.windowId);
    } catch (e) {
      this.options.log?.warn(`Could not remove this window's session record ${name}.json (${(e as NodeJS.ErrnoException).code ?? String(e)}); the next window to start removes it.`);
    }
  }

  /**
   * Removes the record `file` if `gone` holds for it. Moved aside first and checked there, so a
   * record another window wrote meanwhile is put back, never removed.
   */
  private removeRecordIf(file: string, gone: (r: OwnerRecord | undefined) => boolean): boolean {
    if (!gone(this.readRecordFile(file))) return false;
    const aside = `${file}.${this.windowId}.gone`;
    try {
      fs.renameSync(file, aside);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
    const ok = gone(this.readRecordFile(aside));
    if (!ok) {
      try {
        fs.linkSync(aside, file);
      } catch {
        // A newer record is in place already.
      }
    }
    fs.rmSync(aside, { force: true });
    return ok;
  }

  /** The private temp folder of a socket whose path was too long for the shared folder (channel.ts), when nothing listens on it. */
  private removeTmpSocket(socket: string): boolean {
    const folder = path.dirname(socket);
    if (path.basename(socket) !== 's' || path.dirname(folder) !== os.tmpdir() || !path.basename(folder).startsWith('ccgw-') || !fs.existsSync(folder)) return false;
    fs.rmSync(folder, { recursive: true, force: true });
    return true;
  }

  private readRecord(name: string): OwnerRecord | undefined {
    return this.readRecordFile(path.join(this.dir, `${name}.json`));
  }

  private readRecordFile(file: string): OwnerRecord | undefined {
    try {
      const r = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<OwnerRecord>;
      return typeof r.socket === 'string' && typeof r.token === 'string' && typeof r.window === 'string' ? (r as OwnerRecord) : undefined;
    } catch {
      return undefined;
    }
  }
}

function isStatus(v: unknown): v is SessionStatus {
  const kind = (v as { kind?: unknown } | null)?.kind;
  return typeof kind === 'string' && ['signing-in', 'signed-in', 'reconnecting', 'stopped', 'signed-out'].includes(kind);
}
