// Agent states as the agentgroup interfaces answer them:
//   GET /agentgateway/resource/agentgroup/{agentid}/agentbyworkno/{workno}
//   GET /agentgateway/resource/agentgroup/{agentid}/agentbyskill/{skillid}
//   GET /agentgateway/resource/agentgroup/{agentid}/agentbylist   (body: agentList)
// The states themselves come from the center (center.ts). Codes are the gateway's (status)
// and the platform's (ctiStatus) of docs/agent-state.md.
import type { SimCenter } from './center';

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

export type AgentGroupRoute =
  | { kind: 'workno'; caller: string; workno: string }
  | { kind: 'skill'; caller: string; skill: string }
  | { kind: 'list'; caller: string };

/** Parses `{agentid}/agentbyworkno/{workno}`, `{agentid}/agentbyskill/{skillid}` or `{agentid}/agentbylist` after the prefix; undefined for anything else. */
export function parseAgentGroupPath(pathname: string): AgentGroupRoute | undefined {
  if (!pathname.startsWith(AGENTGROUP_PREFIX)) return undefined;
  const parts = pathname.slice(AGENTGROUP_PREFIX.length).split('/');
  const [caller, action, arg] = parts;
  if (!caller) return undefined;
  if (parts.length === 2 && action === 'agentbylist') return { kind: 'list', caller };
  if (parts.length !== 3 || !arg) return undefined;
  if (action === 'agentbyworkno') return { kind: 'workno', caller, workno: arg };
  if (action === 'agentbyskill') return { kind: 'skill', caller, skill: arg };
  return undefined;
}

/** One agent object as the agentgroup interfaces answer it (agentbyworkno's `result`, an entry of agentbyskill's and agentbylist's). */
export interface SimAgentObject {
  workno: string;
  name: string;
  status: number | string;
  ctiStatus: number | string;
  groupid: number;
  groupname: null;
  skilllist: { id: number; name: string }[];
  callids: null;
  mediatype: string;
  currentstatetime?: number;
  logindate?: number;
}

/**
 * The agentgroup interfaces' view of the center (center.ts): states come from the one model;
 * `set`, `call` and `rest` place an agent by hand (tests).
 */
export class SimAgentStates {
  /** False: the agentgroup routes answer 404 as on a gateway without the interface. */
  interfaceEnabled = true;
  /** False: agentbylist alone answers 404 (an edition without the batch interface). */
  listEnabled = true;
  /** False: agentbyskill alone answers 404. */
  skillEnabled = true;
  /** Asking agents without the permission to answer inbound calls: agentbyskill and agentbylist refuse them. */
  readonly noInboundRight = new Set<string>();
  /** Agents with the permission to reject inbound calls: left out of agentbyskill's answer (vendor). */
  readonly rejectsInbound = new Set<string>();

  routeEnabled(kind: AgentGroupRoute['kind']): boolean {
    return kind === 'workno' || (kind === 'list' ? this.listEnabled : this.skillEnabled);
  }

  constructor(private readonly center: SimCenter) {}

  /** Pins an agent's state (tests); `undefined` returns it to the call-driven model. */
  set(agentKey: string, state: SimState | undefined): void {
    this.center.pin(agentKey, state);
  }

  /** A call: talking for `talkMs`, then wrap-up for `wrapMs`, then idle. */
  call(agentKey: string, talkMs: number, wrapMs = 15_000): void {
    this.center.call(agentKey, talkMs, wrapMs);
  }

  /** A rest of `ms`. */
  rest(agentKey: string, ms: number): void {
    this.center.rest(agentKey, ms);
  }

  /** True while the agent is in a call, wrap-up, rest or not ready. */
  isOccupied(agentKey: string): boolean {
    return this.center.state(agentKey) !== 'idle';
  }

  state(agentKey: string, signedIn: boolean): SimState {
    if (!signedIn) return 'signedOut';
    return this.center.state(agentKey);
  }

  /** The agent object for `workno`; `busy`: signed in busy (not ready) unless the model has it in a call or a test pinned it. */
  object(workno: string, signedIn: boolean, busy = false, strings = false): SimAgentObject {
    const modelled = this.state(workno, signedIn);
    const state = busy && modelled === 'idle' ? 'busy' : modelled;
    const codes = STATE_CODES[state];
    return {
      workno,
      name: `Agent ${workno}`,
      // The vendor's examples of agentbyskill quote these; agentbyworkno's table says int.
      status: strings ? String(codes.status) : codes.status,
      ctiStatus: strings ? String(codes.ctiStatus) : codes.ctiStatus,
      groupid: 1,
      groupname: null,
      skilllist: [],
      callids: null,
      mediatype: 'TFF',
      ...(signedIn ? { currentstatetime: this.center.secondsInState(workno), logindate: this.center.loginDate(workno) } : {}),
    };
  }

  /** The agentbyworkno answer body for `workno`. */
  body(workno: string, signedIn: boolean, busy = false): string {
    return JSON.stringify({ message: '', retcode: '0', result: this.object(workno, signedIn, busy) });
  }
}
