// Participants in one process sharing one claim board: a window alone (one participant), the
// hub window of the local channel (itself plus the relayed followers), and tests.
import type { Clock } from '../util/clock';
import { Emitter, type IDisposable } from '../util/lifecycle';
import { ClaimBoard } from './claimBoard';
import type { Published } from './readSlot';
import type { ReadTransport, SharingStatus } from './transport';

export class MemoryHub {
  readonly board: ClaimBoard;
  private readonly onResultEmitter = new Emitter<Published>();
  /** Every result the board kept (newest of its subject). */
  readonly onResult = this.onResultEmitter.event;
  private nextOwner = 1;

  constructor(readonly clock: Pick<Clock, 'now'>) {
    this.board = new ClaimBoard(clock);
  }

  /** Keeps and announces `p` when it is the newest of its subject. */
  publish(p: Published): void {
    if (this.board.keep(p)) this.onResultEmitter.fire(p);
  }

  /** A participant of this hub (its claims are told apart by a number of its own). */
  participant(status: SharingStatus = 'shared'): ReadTransport {
    const owner = `m${this.nextOwner++}`;
    const statusEmitter = new Emitter<SharingStatus>();
    const subs: IDisposable[] = [];
    return {
      now: () => this.clock.now(),
      claim: (key, ttlMs) => Promise.resolve(this.board.claim(key, owner, ttlMs)),
      publish: (p) => this.publish(p),
      latest: (subject) => this.board.latest(subject),
      onResult: (l) => {
        const d = this.onResult(l);
        subs.push(d);
        return d;
      },
      status,
      onStatus: statusEmitter.event,
      dispose: () => {
        for (const d of subs.splice(0)) d.dispose();
        statusEmitter.dispose();
      },
    };
  }
}
