// The transport a window's coordinator uses: the team's (Redis) when one is configured and
// reachable, else the windows of this machine (the local channel), else this window alone.
// The team part is set and unset as the settings change, under one coordinator.
import { Disposable, Emitter, type IDisposable } from '../util/lifecycle';
import type { Published } from './readSlot';
import type { ReadTransport, SharingStatus } from './transport';

export class TeamTransport extends Disposable implements ReadTransport {
  private team: ReadTransport | undefined;
  private teamSubs: IDisposable[] = [];
  private readonly onResultEmitter = this._register(new Emitter<Published>());
  readonly onResult = this.onResultEmitter.event;
  private readonly onStatusEmitter = this._register(new Emitter<SharingStatus>());
  /** The team's status (`alone` without a team). */
  readonly onStatus = this.onStatusEmitter.event;

  constructor(private readonly local: ReadTransport) {
    super();
    this._register(local);
    this._register(local.onResult((p) => this.onResultEmitter.fire(p)));
    this._register({ dispose: () => this.setTeam(undefined) });
  }

  /** The team's transport from now on (the old one is disposed), or none. */
  setTeam(team: ReadTransport | undefined): void {
    const before = this.status;
    for (const d of this.teamSubs.splice(0)) d.dispose();
    this.team?.dispose();
    this.team = team;
    if (team) this.teamSubs.push(team.onResult((p) => this.onResultEmitter.fire(p)), team.onStatus(() => this.onStatusEmitter.fire(this.status)));
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
    const team = this.sharing;
    if (team) {
      const won = await team.claim(key, ttlMs);
      if (won !== undefined) return won;
    }
    return this.local.claim(key, ttlMs);
  }

  publish(p: Published): void {
    this.local.publish(p);
    this.sharing?.publish(p);
  }

  latest(subject: string): Published | undefined {
    const a = this.team?.latest(subject);
    const b = this.local.latest(subject);
    return !a ? b : !b ? a : a.fetchedAt >= b.fetchedAt ? a : b;
  }
}
