// A lease per agent session in a folder shared by the windows of one user (the extension's
// global storage): the window holding it runs the session. proper-lockfile does the locking
// (atomic mkdir of `<name>.lock`, an mtime heartbeat, a lock whose heartbeat stopped is stale
// and may be taken). No vscode here: the folder and the timing are injected.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as lockfile from 'proper-lockfile';

export interface LeaseTiming {
  /** A lease whose heartbeat is older than this is stale and may be taken over (proper-lockfile's minimum is 2 000 ms). */
  readonly staleMs: number;
  /** Heartbeat period (at most half of staleMs, at least 1 000 ms). */
  readonly heartbeatMs: number;
}

export const DEFAULT_LEASE_TIMING: LeaseTiming = { staleMs: 12_000, heartbeatMs: 3_000 };

export interface Lease {
  readonly name: string;
  /** Lost without release(): the heartbeat failed or another process took the lease (this one was considered stale). */
  onLost(listener: (reason: string) => void): void;
  /** Gives the lease up; idempotent. */
  release(): Promise<void>;
  /** Gives the lease up before returning (a closing window: the process may end right after). */
  releaseNow(): void;
  readonly released: boolean;
}

/** Creates `dir` (and its parents) and makes it owner-only (0700): what is inside is for this OS user. */
export function ensurePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (process.platform !== 'win32') fs.chmodSync(dir, 0o700);
}

/** Leases in one folder. */
export class LeaseDir {
  constructor(
    readonly dir: string,
    private readonly timing: LeaseTiming = DEFAULT_LEASE_TIMING,
  ) {}

  /** The lease `name`, or undefined while another holder keeps it fresh. */
  async tryAcquire(name: string): Promise<Lease | undefined> {
    ensurePrivateDir(this.dir);
    const file = path.join(this.dir, name);
    let lost: ((reason: string) => void)[] = [];
    let released = false;
    let release: () => Promise<void>;
    try {
      release = await lockfile.lock(file, {
        realpath: false,
        stale: this.timing.staleMs,
        update: this.timing.heartbeatMs,
        retries: 0,
        // The default throws from a timer; here it only ends this holder's run.
        onCompromised: (err) => {
          if (released) return;
          released = true;
          for (const l of lost) l(err.message);
          lost = [];
        },
      });
    } catch (e) {
      if ((e as { code?: string }).code === 'ELOCKED') return undefined;
      throw e;
    }
    return {
      name,
      onLost: (l) => void lost.push(l),
      get released() {
        return released;
      },
      release: async () => {
        if (released) return;
        released = true;
        lost = [];
        await release().catch(() => undefined);
      },
      releaseNow: () => {
        if (released) return;
        released = true;
        lost = [];
        try {
          lockfile.unlockSync(file, { realpath: false });
        } catch {
          // Not ours any more (taken as stale): nothing to give up.
        }
      },
    };
  }

  /**
   * Removes the lock `name` when its heartbeat is older than the stale time (a window that
   * crashed), through the lock itself: a fresh lock, or one a window takes meanwhile, stays.
   */
  async removeIfStale(name: string): Promise<boolean> {
    let mtime: number;
    try {
      mtime = fs.statSync(path.join(this.dir, `${name}.lock`)).mtimeMs;
    } catch {
      return false;
    }
    if (Date.now() - mtime <= this.timing.staleMs) return false;
    const lease = await this.tryAcquire(name).catch(() => undefined);
    if (!lease) return false;
    await lease.release();
    return true;
  }

  /** Whether someone holds `name` with a fresh heartbeat. */
  isHeld(name: string): Promise<boolean> {
    return lockfile.check(path.join(this.dir, name), { realpath: false, stale: this.timing.staleMs }).catch(() => false);
  }
}
