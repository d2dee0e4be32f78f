// The claims and latest results one hub keeps (the local hub, or a window alone): claims
// expire after their time to live; results are kept newest-first per subject, bounded.
import type { Clock } from '../util/clock';
import { isNewer, type Published } from './readSlot';

/** Subjects whose latest result is kept (300 agents × stats and state, and queues, with room to spare). */
const MAX_RESULTS = 20_000;

export class ClaimBoard {
  private readonly claims = new Map<string, { owner: string; until: number }>();
  private readonly results = new Map<string, Published>();
  private lastPrune = 0;

  constructor(private readonly clock: Pick<Clock, 'now'>) {}

  /** True when `owner` now holds `key` (it was free, expired, or already its own). */
  claim(key: string, owner: string, ttlMs: number): boolean {
    const now = this.clock.now();
    this.prune(now);
    const held = this.claims.get(key);
    if (held && held.until > now && held.owner !== owner) return false;
    this.claims.set(key, { owner, until: now + ttlMs });
    return true;
  }

  /** Keeps `result` if it is the newest of its subject; returns whether it was. */
  keep(result: Published): boolean {
    const old = this.results.get(result.subject);
    if (!isNewer(result, old)) return false;
    this.results.delete(result.subject);
    this.results.set(result.subject, result);
    if (this.results.size > MAX_RESULTS) this.results.delete(this.results.keys().next().value!);
    return true;
  }

  latest(subject: string): Published | undefined {
    return this.results.get(subject);
  }

  /** The results fetched at or after `since` (what a window joining the hub is told first). */
  *since(since: number): Iterable<Published> {
    for (const r of this.results.values()) if (r.fetchedAt >= since) yield r;
  }

  get size(): { claims: number; results: number } {
    return { claims: this.claims.size, results: this.results.size };
  }

  private prune(now: number): void {
    if (now - this.lastPrune < 1_000) return;
    this.lastPrune = now;
    for (const [k, c] of this.claims) if (c.until <= now) this.claims.delete(k);
  }
}
