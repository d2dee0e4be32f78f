// The simulator's skill queues and the vendor's overload control.
//
// Queues belong to one VCC (the simulator has one). Callers arrive at random (the demo's
// timer calls tick()); an available member agent answers the longest-waiting caller.
// `queueSize` is the number waiting, `queueTime` how long the oldest has waited.
//
// Overload control (opt-in, `overloadControl` option): more than 5 requests with the same
// `{agentid}` in the path within 2 s across calldata, agentgroup and queuedevice are
// answered 000-007 ("the interface was called repeatedly"). The vendor documents the limit
// but no code of its own for exceeding it; 000-007 is its documented code for being called
// too often, so that is what we answer (docs/queues.md). The log of arrivals per agent is
// kept for tests to prove a client's budget.

export const QUEUEDEVICE_PREFIX = '/agentgateway/resource/queuedevice/';

export interface SimQueue {
  readonly id: number;
  readonly name: string;
  readonly mediatype: number;
  readonly serviceType: number;
  /** 1 real, 0 virtual. */
  readonly realFlag: 0 | 1;
  readonly pilotNbr: string;
  /** Member agents (canonical IDs), unless `everyone`. */
  members: string[];
  /** Every agent of the center is signed in to this queue (a queue set up without members). */
  everyone: boolean;
  /** Arrival times (ms) of the callers waiting, oldest first. */
  readonly waiting: number[];
}

export const DEFAULT_QUEUES: readonly Omit<SimQueue, 'members' | 'waiting' | 'everyone'>[] = [
  { id: 1, name: 'Billing', mediatype: 5, serviceType: 1, realFlag: 1, pilotNbr: '40001' },
  { id: 2, name: 'Sales', mediatype: 5, serviceType: 1, realFlag: 1, pilotNbr: '40002' },
  { id: 3, name: 'Technical support', mediatype: 5, serviceType: 1, realFlag: 1, pilotNbr: '40003' },
  { id: 9, name: 'Overflow (virtual)', mediatype: 5, serviceType: 1, realFlag: 0, pilotNbr: '40009' },
];

export interface OverloadOptions {
  readonly max: number;
  readonly windowMs: number;
}

export class SimQueues {
  private readonly queues = new Map<number, SimQueue>();
  /** Counted requests per path agent: arrival times, all of them (tests read it). */
  readonly log = new Map<string, number[]>();
  /** Requests answered 000-007 by the overload control. */
  overloadAnswers = 0;
  /** Every queryacdstat that reached the queues (path agent, arrival ms, IDs asked), for tests. */
  readonly acdLog: { agent: string; at: number; ids: number }[] = [];
  /** Every agentbyskill answered (path agent, arrival ms, queue), for tests. */
  readonly skillLog: { agent: string; at: number; skill: number }[] = [];

  constructor(
    readonly overload: OverloadOptions | undefined,
    private readonly now: () => number = Date.now,
  ) {
    for (const q of DEFAULT_QUEUES) this.queues.set(q.id, { ...q, members: [], everyone: true, waiting: [] });
  }

  all(): SimQueue[] {
    return [...this.queues.values()];
  }

  get(id: number): SimQueue | undefined {
    return this.queues.get(id);
  }

  /** Replaces the VCC's queues (tests: many queues, or none). */
  setQueues(list: readonly { id: number; name: string; realFlag?: 0 | 1; members?: string[] }[]): void {
    this.queues.clear();
    for (const q of list) this.queues.set(q.id, { id: q.id, name: q.name, mediatype: 5, serviceType: 1, realFlag: q.realFlag ?? 1, pilotNbr: String(40000 + (q.id % 10000)), members: q.members ?? [], everyone: !q.members || q.members.length === 0, waiting: [] });
  }

  /** Sets what a queue shows now: `waiting` callers, the oldest waiting `longestWaitSeconds`. */
  setWaiting(id: number, waiting: number, longestWaitSeconds = 0): void {
    const q = this.queues.get(id);
    if (!q) return;
    const now = this.now();
    q.waiting.length = 0;
    for (let i = 0; i < waiting; i++) q.waiting.push(now - (i === 0 ? longestWaitSeconds * 1000 : Math.floor((longestWaitSeconds * 1000 * (waiting - i)) / waiting)));
  }

  /** `callers` more arrive now (the demo's control: a queue grows); the oldest keeps its wait. */
  addCallers(id: number, callers: number): void {
    const q = this.queues.get(id);
    if (!q) return;
    const now = this.now();
    for (let i = 0; i < callers; i++) q.waiting.push(now);
  }

  /** Which queues an agent serves (agentskills): the queues listing it, else every real one. */
  skillsOf(agent: string): SimQueue[] {
    const real = this.all().filter((q) => q.realFlag === 1);
    const mine = real.filter((q) => !q.everyone && q.members.includes(agent));
    return mine.length > 0 ? mine : real;
  }

  vdnSkillsBody(): string {
    return JSON.stringify({ message: '', retcode: '0', result: this.all().map((q) => ({ name: q.name, id: q.id, mediatype: q.mediatype, serviceType: q.serviceType, realFlag: q.realFlag })) });
  }

  agentSkillsBody(agent: string): string {
    return JSON.stringify({ message: '', retcode: '0', result: this.skillsOf(agent).map((q) => ({ name: q.name, id: q.id, mediatype: q.mediatype })) });
  }

  /** queryacdstat: the queues asked for that exist, in the order asked. */
  acdStatBody(ids: readonly number[], loggedOn: (q: SimQueue) => number, avail: (q: SimQueue) => number): string {
    const now = this.now();
    const result = [];
    for (const id of ids) {
      const q = this.queues.get(id);
      if (!q) continue;
      result.push({
        pilotNbr: q.pilotNbr,
        deviceNo: q.id,
        queueSize: q.waiting.length,
        queueTime: q.waiting.length > 0 ? Math.floor((now - q.waiting[0]) / 1000) : 0,
        loggedOnAgents: loggedOn(q),
        availAgents: avail(q),
        skillDescrip: q.name,
        loadFactor: 0,
        estWaitTime: 0,
      });
    }
    return JSON.stringify({ message: '', retcode: '0', result });
  }

  /** Records a counted request of `agent`; true when it is over the overload control's budget. */
  countAndCheck(agent: string): boolean {
    if (!this.overload) return false;
    const now = this.now();
    let times = this.log.get(agent);
    if (!times) this.log.set(agent, (times = []));
    times.push(now);
    let inWindow = 0;
    for (let i = times.length - 1; i >= 0 && now - times[i] < this.overload.windowMs; i--) inWindow++;
    if (inWindow > this.overload.max) {
      this.overloadAnswers++;
      return true;
    }
    return false;
  }

  /** The most requests of one agent within any window of `windowMs` in the log (tests). */
  maxInWindow(windowMs: number): { agent: string; count: number } {
    let best = { agent: '', count: 0 };
    for (const [agent, times] of this.log) {
      let lo = 0;
      for (let hi = 0; hi < times.length; hi++) {
        while (times[hi] - times[lo] >= windowMs) lo++;
        if (hi - lo + 1 > best.count) best = { agent, count: hi - lo + 1 };
      }
    }
    return best;
  }
}

/** `queuedevice/{agent}/{action}` → its parts, or undefined. */
export function parseQueuePath(pathname: string): { agent: string; action: string } | undefined {
  if (!pathname.startsWith(QUEUEDEVICE_PREFIX)) return undefined;
  const [agent, action, more] = pathname.slice(QUEUEDEVICE_PREFIX.length).split('/');
  if (!agent || !action || more !== undefined) return undefined;
  return { agent, action };
}
