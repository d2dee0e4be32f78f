// The transport a window's coordinator uses: the team's (Redis) when one is configured and
// reachable, else the windows of this machine (the local channel), else this window alone.
// The team part is set and unset as the settings change, under one coordinator.
import { systemClock, type Clock } from '../util/clock';
import { Disposable, Emitter, type IDisposable } from '../util/lifecycle';
import { ClaimBoard } from './claimBoard';
import { isNewer, type Published } from './readSlot';
import type { ReadTransport, SharingStatus } from './transport';

export class TeamTransport extends Disposable implements ReadTransport {
  private team: ReadTransport | undefined;
  private teamSubs: IDisposable[] = [];
  private readonly onResultEmitter = this._register(new Emitter<Published>());
  readonly onResult = this.onResultEmitter.event;
  private readonly onStatusEmitter = this._register(new Emitter<SharingStatus>());
  /** The team's status (`alone` without a team). */
  readonly onStatus = this.onStatusEmitter.event;

  /** The newest result of each subject from either side: one that arrives late through the other is dropped. */
  private readonly newest: ClaimBoard;
  /** Until then a claim waits for a team just set to connect, rather than read alone (a start is no burst). */
  private joinBy = 0;

  constructor(
    private readonly local: ReadTransport,
    private readonly clock: Clock = systemClock,
    private readonly joinWaitMs = 2_000,
  ) {
    super();
    this._register(local);
    this.newest = new ClaimBoard(clock);
    this._register(local.onResult((p) => this.arrived(p)));
    this._register({ dispose: () => this.setTeam(undefined) });
  }

  /** The team's transport from now on (the old one is disposed), or none. */
  setTeam(team: ReadTransport | undefined): void {
    const before = this.status;
    for (const d of this.teamSubs.splice(0)) d.dispose();
    this.team?.dispose();
    this.team = team;
    this.joinBy = team ? this.clock.now() + this.joinWaitMs : 0;
    if (team) this.teamSubs.push(team.onResult((p) => this.arrived(p)), team.onStatus(() => this.onStatusEmitter.fire(this.status)));
    if (this.status !== before && !this.isDisposed) this.onStatusEmitter.fire(this.status);
  }

  get hasTeam(): boolean {
    return this.team !== undefined;
  }

  get status(): SharingStatus {
    return this.team ? this.team.status : 'alone';
  }

  private get sharing(): ReadTransport | undefined {
    return this.team?.status === 'shared' ? this.team : undefined;
  }

  now(): number {
    return (this.sharing ?? this.local).now();
  }

  async claim(key: string, ttlMs: number): Promise<boolean | undefined> {
    if (this.team && !this.sharing && this.clock.now() < this.joinBy) await this.joined(this.joinBy - this.clock.now());
    // The machine first: its windows agree on one claimant, and only that one claims among the
    // team's desks. A window just opened, or one whose sibling read this slot while the team was
    // away, then waits for the slot's result instead of winning the team's claim and reading again.
    const mine = await this.local.claim(key, ttlMs);
    if (mine === false) return false;
    const team = this.sharing;
    if (team) {
      const won = await team.claim(key, ttlMs);
      if (won !== undefined) return won;
    }
    return mine;
  }

  private arrived(p: Published): void {
    if (this.newest.keep(p)) this.onResultEmitter.fire(p);
  }

  private joined(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        sub.dispose();
        this.clock.clearTimeout(timer);
        resolve();
      };
      const sub = this.onStatus((s) => s === 'shared' && done());
      const timer = this.clock.setTimeout(done, ms);
    });
  }

  desks(): readonly string[] | undefined {
    return this.team?.desks?.();
  }

  publish(p: Published): void {
    this.local.publish(p);
    this.sharing?.publish(p);
  }

  latest(subject: string): Published | undefined {
    const a = this.team?.latest(subject);
    const b = this.local.latest(subject);
    const c = this.newest.latest(subject);
    return [a, b, c].reduce<Published | undefined>((best, x) => (x && isNewer(x, best) ? x : best), undefined);
  }
}
