// The simulator's model of agent states, for the agentbyworkno route:
//   GET /agentgateway/resource/agentgroup/{agentid}/agentbyworkno/{workno}
// States are computed from time, not timers: a call makes the agent "talking" for its
// talk time, then "wrap-up" for a while, then idle again; a rest runs for its length.
// Codes are the gateway's (status) and the platform's (ctiStatus) of docs/agent-state.md.

export const AGENTGROUP_PREFIX = '/agentgateway/resource/agentgroup/';

/** Gateway `status` codes and the `ctiStatus` the platform reports with each. */
export const STATE_CODES = {
  idle: { status: 4, ctiStatus: 1 },
  busy: { status: 3, ctiStatus: 7 },
  wrapUp: { status: 5, ctiStatus: 6 },
  talking: { status: 7, ctiStatus: 5 },
  rest: { status: 8, ctiStatus: 8 },
  signedOut: { status: 2, ctiStatus: 0 },
} as const;
export type SimState = keyof typeof STATE_CODES;

interface Segment {
  readonly state: SimState;
  readonly until: number;
}

/** Parses `{agentid}/agentbyworkno/{workno}` after the prefix; undefined when it is not that route. */
export function parseAgentGroupPath(pathname: string): { caller: string; workno: string } | undefined {
  if (!pathname.startsWith(AGENTGROUP_PREFIX)) return undefined;
  const parts = pathname.slice(AGENTGROUP_PREFIX.length).split('/');
  if (parts.length !== 3 || parts[1] !== 'agentbyworkno' || parts[0] === '' || parts[2] === '') return undefined;
  return { caller: parts[0], workno: parts[2] };
}

export class SimAgentStates {
  /** Per agent: what it is doing now and until when, then what comes next. */
  private readonly plans = new Map<string, Segment[]>();
  private readonly fixed = new Map<string, SimState>();
  /** False: the route answers 404 as on a gateway without the interface. */
  interfaceEnabled = true;

  constructor(private readonly now: () => number = Date.now) {}

  /** Pins an agent's state (tests); `undefined` returns it to the call-driven model. */
  set(agentKey: string, state: SimState | undefined): void {
    if (state === undefined) this.fixed.delete(agentKey);
    else this.fixed.set(agentKey, state);
    this.plans.delete(agentKey);
  }

  /** A call: talking for `talkMs`, then wrap-up for `wrapMs`, then idle. */
  call(agentKey: string, talkMs: number, wrapMs = 15_000): void {
    const now = this.now();
    this.fixed.delete(agentKey);
    this.plans.set(agentKey, [
      { state: 'talking', until: now + talkMs },
      { state: 'wrapUp', until: now + talkMs + wrapMs },
    ]);
  }

  /** A rest of `ms`. */
  rest(agentKey: string, ms: number): void {
    this.fixed.delete(agentKey);
    this.plans.set(agentKey, [{ state: 'rest', until: this.now() + ms }]);
  }

  /** True while the agent is in a call, wrap-up or rest (the demo starts no new call then). */
  isOccupied(agentKey: string): boolean {
    return this.state(agentKey, true) !== 'idle';
  }

  state(agentKey: string, signedIn: boolean): SimState {
    if (!signedIn) return 'signedOut';
    const pinned = this.fixed.get(agentKey);
    if (pinned) return pinned;
    const plan = this.plans.get(agentKey);
    if (!plan) return 'idle';
    const now = this.now();
    const current = plan.find((s) => s.until > now);
    if (!current) {
      this.plans.delete(agentKey);
      return 'idle';
    }
    return current.state;
  }

  /** The answer body for `workno`, as the vendor documents its fields. */
  body(workno: string, signedIn: boolean, busy = false): string {
    const pinned = this.fixed.has(workno);
    const state = busy && signedIn && !pinned ? 'busy' : this.state(workno, signedIn);
    const codes = STATE_CODES[state];
    return JSON.stringify({
      message: '',
      retcode: '0',
      result: {
        workno,
        name: `Agent ${workno}`,
        status: codes.status,
        ctiStatus: codes.ctiStatus,
        groupid: 1,
        groupname: null,
        skilllist: [],
        callids: null,
        mediatype: 'TFF',
      },
    });
  }
}
