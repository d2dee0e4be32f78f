// An HTTPS stand-in for the Huawei CC-Gateway AgentGateway interface (see
// docs/cc-gateway-api.md): the statistics routes, the sign-in route, Guid
// sessions, and a catalogue of faults. Used by unit/integration tests, the
// benchmark and the `simulator` CLI.
//
// Hot path rules (the benchmark drives ~40k req/s over keep-alive): no logging
// (and never the Guid), no per-request allocation beyond the response string
// and a 'close' listener, bodies built by concatenation, headers as flat arrays.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import type * as http from 'node:http';
import * as https from 'node:https';
import type * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { SimAgentStates, parseAgentGroupPath, type AgentGroupRoute } from './agentStates';
import { SimCenter, seededRandom } from './center';
import { generateServerCertificates, type CaMaterial, type CertVariant, type ServerCertificates } from './certs';
import { detailedBody, ZERO_EXTRAS, type DetailedExtras } from './detailedCounters';
import { SimulatedSessions, type AuthOptions, type SignInVariant } from './sessions';
import { parseQueuePath, SimQueues, type OverloadOptions } from './queues';

export type TlsVariant = CertVariant;

export interface SimulatorOptions {
  /** Default 0 (ephemeral); the host is always 127.0.0.1. */
  port?: number;
  /** Default 'valid'. */
  tls?: TlsVariant;
  /** The initial valid Guid; default random `${uuid}.AgentGateway1`. */
  guid?: string;
  /** Default 59999 (valid ids: digits, 101..agentIdMax). */
  agentIdMax?: number;
  /** Default 'all': every valid id counts as signed in. */
  signedInAgents?: string[] | 'all';
  /**
   * A working center (CLI demo): callers arrive in the queues and `agents` answer them, make
   * calls and rest, at a pace of `everyMs` (center.ts). Computed when read, no timer.
   */
  autoCalls?: { everyMs: number; agents: string[]; moves?: boolean };
  /** The center's clock (default Date.now): tests run a simulated hour on a fake one. */
  clock?: () => number;
  /** Seed of the center's random choices (default: a random seed). */
  seed?: number;
  /** Where to write ca.pem; default a fresh mkdtemp under os.tmpdir() (removed at process exit). */
  caDir?: string;
  /** The CA that signs the served certificate (the demo's cached one, caCache.ts); default a new one per start. */
  ca?: CaMaterial;
  /**
   * Sign-in and authentication mode. In dynamic mode (2) the gateway-wide Guid (`guid`,
   * what a person would paste) is replaced every `rotateEveryMs` too, handed to nobody.
   */
  auth?: AuthOptions;
  /**
   * The vendor's overload control — more than 5 counted requests (calldata,
   * agentgroup, queuedevice) per path agent in 2 s are answered 000-007, and every counted
   * arrival is logged (queues.log). Off by default: the benchmark's ceiling hammers one agent.
   */
  overloadControl?: boolean | OverloadOptions;
  /**
   * The overload control's clock (when a counted request arrived); default Date.now. Tests on
   * a fake clock pass theirs: their clients keep the budget in that time, not in wall time.
   */
  overloadClock?: () => number;
}

export interface AgentCounters {
  talktime: number;
  answernums: number;
  calloutnums: number;
  noanswernums: number;
  intercallnums: number;
}

export type Fault =
  | { kind: 'latency'; ms: number }
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'http'; status: number; html?: boolean }
  | { kind: 'malformedJson' }
  | { kind: 'truncatedJson' }
  | { kind: 'oversized'; bytes: number; chunked?: boolean }
  | { kind: 'wrongTypes' }
  | { kind: 'negative' }
  | { kind: 'retcode'; retcode: string; message?: string };

export interface SimulatorStats {
  requests: number;
  byAgent: Map<string, number>;
  byPath: Map<string, number>;
  maxConcurrentPerAgent: Map<string, number>;
  guidsSeen: Set<string>;
  lastHeaders?: Record<string, string | string[] | undefined>;
}

export interface Simulator {
  readonly url: string;
  readonly origin: string;
  readonly port: number;
  readonly caFile: string;
  readonly caPem: string;
  readonly guid: string;
  readonly fingerprint256: string;
  stop(): Promise<void>;
  /** Stops (if running) and listens again on the same port; `forgetSessions`: as a real gateway restart, every sign-in session is gone. */
  restart(options?: { forgetSessions?: boolean }): Promise<void>;
  /** After stop(): listens again on the same port (an outage ends); `forgetSessions` as in restart(). */
  resume(options?: { forgetSessions?: boolean }): Promise<void>;
  /**
   * Presents a newly generated certificate from now on (new key, new fingerprint)
   * and closes open connections so the next request sees it, as after a gateway's
   * certificate renewal. Only variants a client cannot verify anyway: the CA it
   * was given (caPem) stays the same. Resolves to the new fingerprint.
   */
  replaceCertificate(variant?: 'selfSigned' | 'unknownCa'): Promise<string>;
  /** The certificate presented now (PEM). */
  readonly certPem: string;
  simulateCall(agentId: string, c?: { talkSeconds?: number; outbound?: boolean; internal?: boolean; missed?: boolean }): void;
  setCounters(agentId: string, c: Partial<AgentCounters>): void;
  counters(agentId: string): AgentCounters;
  signIn(agentId: string): string;
  signOut(agentId: string): void;
  expireGuid(guid?: string): void;
  rotateGuid(): string;
  setFault(fault: Fault | undefined, agentId?: string): void;
  /** Sign-in sessions, the event long poll and Guid rotation (sessions.ts). */
  readonly sessions: SimulatedSessions;
  readonly stats: SimulatorStats;
  resetStats(): void;
  readonly openSockets: number;
  /** Agent states for the agentgroup routes (src/simulator/agentStates.ts), read from the center. */
  readonly agentStates: SimAgentStates;
  /** The one model of the center: queues, agents, calls (src/simulator/center.ts). */
  readonly center: SimCenter;
  /** Skill queues and the overload control's log (src/simulator/queues.ts). */
  readonly queues: SimQueues;
}

// ---------------------------------------------------------------------------
// Constants and precomputed bodies

const HOST = '127.0.0.1';
const CALLDATA_PREFIX = '/agentgateway/resource/calldata/';
const ONLINEAGENT_PREFIX = '/agentgateway/resource/onlineagent/';
const AGENTEVENT_PREFIX = '/agentgateway/resource/agentevent/';
const AGENT_ID_MIN = 101;
const DEFAULT_AGENT_ID_MAX = 59999;
const KEEP_ALIVE_TIMEOUT_MS = 30_000;
const JSON_TYPE = 'application/json;charset=UTF-8';
const HTML_TYPE = 'text/html';

/** Default wording for well-known return codes (the gateway's words, paraphrased). */
const RETCODE_MESSAGES: Readonly<Record<string, string>> = {
  '000-002': 'the parameter or url is invalid',
  '000-003': 'no right to access the interface',
  '000-004': 'the agent is being switched over',
  '000-007': 'the interface is called repeatedly',
  '100-006': 'the agent has not signed in',
  '100-007': 'internal error',
  '999-999': 'unknown error',
};

function envelope(retcode: string, message = RETCODE_MESSAGES[retcode] ?? ''): string {
  return JSON.stringify({ message, retcode });
}

const BODY_NO_RIGHT = envelope('000-003');
/**
 * What agentbyskill/agentbylist answer an asking agent without the permission to answer
 * inbound calls. The vendor names the prerequisite but no code for missing it; 000-003 ("no
 * right to access the interface") is its code for a missing permission (docs/queues.md).
 */
const NO_INBOUND_RIGHT_RETCODE = '000-003';
const BODY_BAD_PARAM = envelope('000-002');
const BODY_NOT_SIGNED_IN = envelope('100-006');
const BODY_NOT_FOUND = JSON.stringify({ message: 'the url is not found', retcode: '000-002' });
const BODY_NOT_ALLOWED = JSON.stringify({ message: 'the method is not allowed', retcode: '000-002' });
const LEN_NO_RIGHT = String(Buffer.byteLength(BODY_NO_RIGHT));
const LEN_BAD_PARAM = String(Buffer.byteLength(BODY_BAD_PARAM));
const LEN_NOT_SIGNED_IN = String(Buffer.byteLength(BODY_NOT_SIGNED_IN));
const LEN_NOT_FOUND = String(Buffer.byteLength(BODY_NOT_FOUND));
const LEN_NOT_ALLOWED = String(Buffer.byteLength(BODY_NOT_ALLOWED));

const HTTP_REASONS: Readonly<Record<number, string>> = {
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

function nslbErrorPage(status: number): string {
  const title = `${status} ${HTTP_REASONS[status] ?? 'Error'}`;
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

const ZERO: Readonly<AgentCounters & Extras> = Object.freeze({
  talktime: 0, answernums: 0, calloutnums: 0, noanswernums: 0, intercallnums: 0, waittime: 0, holdtime: 0,
});

/** Extra counters only the heavy /statistics route reports. */
interface Extras {
  waittime: number;
  holdtime: number;
}
type FullCounters = AgentCounters & Extras;

function exBody(c: Readonly<FullCounters>): string {
  return '{"message":"","retcode":"0","result":{"talktime":' + c.talktime + ',"answernums":' + c.answernums +
    ',"calloutnums":' + c.calloutnums + '}}';
}


/** Canonical agent key ("0101" → "101") if `raw` is a valid id, else undefined. Cheap: no regex. */
function parseAgentId(raw: string, max: number): string | undefined {
  const len = raw.length;
  if (len === 0 || len > 9) return undefined;
  let n = 0;
  for (let i = 0; i < len; i++) {
    const d = raw.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    n = n * 10 + d;
  }
  if (n < AGENT_ID_MIN || n > max) return undefined;
  return raw.charCodeAt(0) === 48 ? String(n) : raw;
}

function newGuid(): string {
  return `${crypto.randomUUID()}.AgentGateway1`;
}

// Temp dirs we created for ca.pem; removed when the process exits.
const tempDirs = new Set<string>();
let exitHookInstalled = false;
function registerTempDir(dir: string): void {
  tempDirs.add(dir);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const d of tempDirs) {
      try {
        fs.rmSync(d, { recursive: true, force: true });
      } catch {
        // best effort
      }
    }
  });
}

type Route = 'ex' | 'full' | SignInVariant | 'logout' | 'event' | 'state' | 'vdnskills' | 'acdstat' | 'skills';

/** agentbyskill answers at most this many agents (agentLimit's upper bound, vendor). */
const SKILL_ANSWER_MAX = 500;

interface HangingRequest {
  readonly res: http.ServerResponse;
  readonly agentKey: string | undefined;
}

// ---------------------------------------------------------------------------

class GatewaySimulator implements Simulator {
  readonly agentStates: SimAgentStates;
  readonly center: SimCenter;
  readonly queues: SimQueues;
  private readonly extras = new Map<string, DetailedExtras>();
  readonly stats: SimulatorStats = {
    requests: 0,
    byAgent: new Map(),
    byPath: new Map(),
    maxConcurrentPerAgent: new Map(),
    guidsSeen: new Set(),
  };

  private server: https.Server | undefined;
  private stopping: Promise<void> | undefined;
  private listenPort = 0;
  private currentGuid: string;
  private readonly validGuids = new Set<string>();
  /** Dynamic mode: when the gateway-wide Guid was last replaced, and until when each superseded one works. */
  private legacyRotatedAt = Date.now();
  private readonly legacyExpiry = new Map<string, number>();
  readonly sessions: SimulatedSessions;
  private readonly agentIdMax: number;
  private readonly allSignedIn: boolean;
  private readonly signedIn = new Set<string>();
  private readonly signedOut = new Set<string>();
  private readonly counterMap = new Map<string, FullCounters>();
  private globalFault: Fault | undefined;
  private readonly agentFaults = new Map<string, Fault>();
  private readonly inFlight = new Map<string, number>();
  private readonly rawSockets = new Set<net.Socket>();
  private readonly tlsSockets = new Set<net.Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly hanging = new Set<HangingRequest>();
  private onDrained: (() => void) | undefined;
  private readonly handler = (req: http.IncomingMessage, res: http.ServerResponse): void => this.onRequest(req, res);

  constructor(
    private certs: ServerCertificates,
    readonly caFile: string,
    private readonly opts: SimulatorOptions,
  ) {
    this.currentGuid = opts.guid ?? newGuid();
    this.validGuids.add(this.currentGuid);
    this.sessions = new SimulatedSessions(opts.auth);
    const overload = opts.overloadControl;
    this.queues = new SimQueues(overload === true ? { max: 5, windowMs: 2000 } : overload || undefined, opts.overloadClock);
    const auto = opts.autoCalls && opts.autoCalls.everyMs > 0 && opts.autoCalls.agents.length > 0 ? { ...opts.autoCalls, agents: opts.autoCalls.agents.map((a) => this.key(a)) } : undefined;
    this.center = new SimCenter(
      this.queues,
      { isSignedIn: (a) => this.isSignedIn(a), takesCalls: (a) => !this.sessions.takesNoCalls(a) },
      opts.clock,
      seededRandom(opts.seed ?? Math.floor(Math.random() * 2 ** 32)),
      auto,
    );
    this.agentStates = new SimAgentStates(this.center);
    this.agentIdMax = opts.agentIdMax ?? DEFAULT_AGENT_ID_MAX;
    const signed = opts.signedInAgents ?? 'all';
    this.allSignedIn = signed === 'all';
    if (signed !== 'all') for (const a of signed) this.signedIn.add(this.key(a));
  }

  get url(): string {
    return `https://${HOST}:${this.listenPort}`;
  }
  get origin(): string {
    return this.url;
  }
  get port(): number {
    return this.listenPort;
  }
  get caPem(): string {
    return this.certs.caPem;
  }
  get guid(): string {
    this.rotateLegacy();
    return this.currentGuid;
  }

  /** Dynamic mode: the pasted kind of Guid dies too, GUIDINTERVAL + grace after it was issued. */
  private rotateLegacy(): void {
    const auth = this.opts.auth;
    if (auth?.mode !== 2) return;
    const now = Date.now();
    const every = auth.rotateEveryMs ?? 60_000;
    if (now - this.legacyRotatedAt < every) return;
    this.legacyRotatedAt = now;
    this.legacyExpiry.set(this.currentGuid, now + (auth.graceMs ?? 60_000));
    this.currentGuid = newGuid();
    this.validGuids.add(this.currentGuid);
    for (const [g, at] of this.legacyExpiry) {
      if (at > now) continue;
      this.legacyExpiry.delete(g);
      this.validGuids.delete(g);
    }
  }

  private isValidGuid(guid: string | undefined): boolean {
    if (guid === undefined) return false;
    this.rotateLegacy();
    if (this.validGuids.has(guid) && (this.legacyExpiry.get(guid) ?? Infinity) > Date.now()) return true;
    return this.sessions.isValid(guid);
  }
  get fingerprint256(): string {
    return this.certs.fingerprint256;
  }
  get certPem(): string {
    return this.certs.certPem;
  }
  get openSockets(): number {
    return this.rawSockets.size;
  }

  // -- lifecycle ------------------------------------------------------------

  async start(port: number): Promise<void> {
    // The CA file may have been removed by a cleanup between stop and restart.
    await fsp.mkdir(path.dirname(this.caFile), { recursive: true });
    await fsp.writeFile(this.caFile, this.certs.caPem);
    const server = https.createServer(
      { cert: this.certs.certPem, key: this.certs.keyPem, noDelay: true, keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS },
      this.handler,
    );
    server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
    server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 5_000;
    server.on('connection', (socket: net.Socket) => this.track(this.rawSockets, socket));
    server.on('secureConnection', (socket: net.Socket) => this.track(this.tlsSockets, socket));
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error): void => reject(err);
      server.once('error', onError);
      server.listen(port, HOST, () => {
        server.off('error', onError);
        resolve();
      });
    });
    // Keep an 'error' listener so a late server error never crashes the host process.
    server.on('error', () => undefined);
    const address = server.address();
    this.listenPort = typeof address === 'object' && address !== null ? address.port : port;
    this.server = server;
  }

  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    const server = this.server;
    if (!server) return Promise.resolve();
    this.server = undefined;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.sessions.stop();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // The server's close callback can run before the sockets' own 'close' events:
    // wait for those too, so openSockets is 0 and no handle is left when stop() resolves.
    const drained = new Promise<void>((resolve) => {
      this.onDrained = resolve;
      this.checkDrained();
    });
    for (const s of this.tlsSockets) s.destroy();
    for (const s of this.rawSockets) s.destroy();
    this.hanging.clear();
    this.stopping = Promise.all([closed, drained]).then(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  private track(set: Set<net.Socket>, socket: net.Socket): void {
    set.add(socket);
    socket.once('close', () => {
      set.delete(socket);
      this.checkDrained();
    });
  }

  private checkDrained(): void {
    if (this.onDrained && this.rawSockets.size === 0 && this.tlsSockets.size === 0) {
      const done = this.onDrained;
      this.onDrained = undefined;
      done();
    }
  }

  async restart(options: { forgetSessions?: boolean } = {}): Promise<void> {
    await this.stop();
    await this.resume(options);
  }

  async resume(options: { forgetSessions?: boolean } = {}): Promise<void> {
    if (options.forgetSessions) this.sessions.forgetAll();
    await this.start(this.listenPort);
  }

  async replaceCertificate(variant: 'selfSigned' | 'unknownCa' = 'selfSigned'): Promise<string> {
    const next = await generateServerCertificates(variant);
    this.certs = { ...next, caPem: this.certs.caPem };
    this.server?.setSecureContext({ cert: next.certPem, key: next.keyPem });
    for (const s of this.tlsSockets) s.destroy();
    return next.fingerprint256;
  }

  // -- state API ------------------------------------------------------------

  private key(agentId: string): string {
    return parseAgentId(agentId, Number.MAX_SAFE_INTEGER) ?? agentId;
  }

  private mutable(agentId: string): FullCounters {
    const k = this.key(agentId);
    let c = this.counterMap.get(k);
    if (!c) {
      c = { ...ZERO };
      this.counterMap.set(k, c);
    }
    return c;
  }

  simulateCall(agentId: string, c: { talkSeconds?: number; outbound?: boolean; internal?: boolean; missed?: boolean } = {}): void {
    const k = this.mutable(agentId);
    const talk = Math.max(0, Math.round(c.talkSeconds ?? 30));
    if (c.missed) {
      k.noanswernums += 1;
      k.waittime += 15;
      return;
    }
    k.talktime += talk;
    if (c.internal) {
      k.intercallnums += 1;
    } else if (c.outbound) {
      k.calloutnums += 1;
    } else {
      k.answernums += 1;
      k.waittime += 3;
    }
  }

  setCounters(agentId: string, c: Partial<AgentCounters>): void {
    const k = this.mutable(agentId);
    if (c.talktime !== undefined) k.talktime = c.talktime;
    if (c.answernums !== undefined) k.answernums = c.answernums;
    if (c.calloutnums !== undefined) k.calloutnums = c.calloutnums;
    if (c.noanswernums !== undefined) k.noanswernums = c.noanswernums;
    if (c.intercallnums !== undefined) k.intercallnums = c.intercallnums;
  }

  counters(agentId: string): AgentCounters {
    const c = this.modelCounters(this.key(agentId));
    return {
      talktime: c.talktime,
      answernums: c.answernums,
      calloutnums: c.calloutnums,
      noanswernums: c.noanswernums,
      intercallnums: c.intercallnums,
    };
  }

  signIn(agentId: string): string {
    const k = this.key(agentId);
    this.markSignedIn(k);
    const g = newGuid();
    this.validGuids.add(g);
    return g;
  }

  private markSignedIn(k: string): void {
    this.signedOut.delete(k);
    this.signedIn.add(k);
    // A sign-in signs the agent in to its queues too (busy or loginex: it takes no calls there).
    this.center.enrol(k, true);
  }

  /** The counters set by hand (setCounters, simulateCall) plus what the center's calls added. */
  private modelCounters(k: string): FullCounters {
    const base = this.counterMap.get(k) ?? ZERO;
    if (!this.center.isEnrolled(k)) return base;
    const m = this.center.countersOf(k);
    return {
      talktime: base.talktime + Math.floor(m.talkMs / 1000),
      answernums: base.answernums + m.answernums,
      calloutnums: base.calloutnums + m.calloutnums,
      noanswernums: base.noanswernums + m.noanswernums,
      intercallnums: base.intercallnums + m.intercallnums,
      waittime: base.waittime + m.waittime,
      holdtime: base.holdtime,
    };
  }

  signOut(agentId: string): void {
    const k = this.key(agentId);
    this.signedIn.delete(k);
    this.signedOut.add(k);
  }

  private isSignedIn(k: string): boolean {
    return this.allSignedIn ? !this.signedOut.has(k) : this.signedIn.has(k);
  }

  expireGuid(guid: string = this.currentGuid): void {
    this.validGuids.delete(guid);
  }

  rotateGuid(): string {
    this.validGuids.delete(this.currentGuid);
    this.currentGuid = newGuid();
    this.validGuids.add(this.currentGuid);
    return this.currentGuid;
  }

  setFault(fault: Fault | undefined, agentId?: string): void {
    if (fault) validateFault(fault);
    if (agentId === undefined) this.globalFault = fault;
    else if (fault) this.agentFaults.set(this.key(agentId), fault);
    else this.agentFaults.delete(this.key(agentId));
    // Requests held by a 'hang' that no longer applies are cut off.
    for (const h of this.hanging) {
      if (this.faultFor(h.agentKey)?.kind !== 'hang') {
        this.hanging.delete(h);
        h.res.destroy();
      }
    }
  }

  private faultFor(agentKey: string | undefined): Fault | undefined {
    if (agentKey !== undefined && this.agentFaults.size > 0) {
      const f = this.agentFaults.get(agentKey);
      if (f) return f;
    }
    return this.globalFault;
  }

  resetStats(): void {
    this.stats.requests = 0;
    this.stats.byAgent.clear();
    this.stats.byPath.clear();
    this.stats.maxConcurrentPerAgent.clear();
    this.stats.guidsSeen.clear();
    this.stats.lastHeaders = undefined;
  }

  // -- request handling -----------------------------------------------------

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const stats = this.stats;
    stats.requests++;
    const headers = req.headers;
    stats.lastHeaders = headers;
    const guidHeader = headers.guid;
    const guid = typeof guidHeader === 'string' ? guidHeader : undefined;
    if (guid !== undefined) stats.guidsSeen.add(guid);

    const rawUrl = req.url ?? '/';
    const q = rawUrl.indexOf('?');
    const pathname = q === -1 ? rawUrl : rawUrl.slice(0, q);
    stats.byPath.set(pathname, (stats.byPath.get(pathname) ?? 0) + 1);

    let route: Route | undefined;
    let rawAgent = '';
    if (pathname.startsWith(CALLDATA_PREFIX)) {
      const slash = pathname.indexOf('/', CALLDATA_PREFIX.length);
      if (slash > CALLDATA_PREFIX.length) {
        const tail = pathname.slice(slash + 1);
        if (tail === 'statisticsEx') route = 'ex';
        else if (tail === 'statistics') route = 'full';
        if (route) rawAgent = pathname.slice(CALLDATA_PREFIX.length, slash);
      }
    } else if (parseAgentGroupPath(pathname) && this.agentStates.interfaceEnabled && this.agentStates.routeEnabled(parseAgentGroupPath(pathname)!.kind)) {
      // Keyed (byAgent, in-flight) by the caller, like the other routes.
      route = 'state';
      rawAgent = parseAgentGroupPath(pathname)!.caller;
    } else if (parseQueuePath(pathname)) {
      const q = parseQueuePath(pathname)!;
      rawAgent = q.agent;
      route = q.action === 'agentvdnskill' ? 'vdnskills' : q.action === 'queryacdstat' ? 'acdstat' : undefined;
    } else if (pathname.startsWith(ONLINEAGENT_PREFIX)) {
      const [agent, action, more] = pathname.slice(ONLINEAGENT_PREFIX.length).split('/');
      rawAgent = agent ?? '';
      if (rawAgent.length > 0 && more === undefined) {
        route = action === undefined ? 'login' : action === 'loginex' ? 'loginex' : action === 'forcelogin' ? 'forcelogin' : action === 'logout' ? 'logout' : action === 'agentskills' ? 'skills' : undefined;
      }
    } else if (pathname.startsWith(AGENTEVENT_PREFIX)) {
      rawAgent = pathname.slice(AGENTEVENT_PREFIX.length);
      if (rawAgent.length > 0 && !rawAgent.includes('/')) route = 'event';
    }
    if (route === undefined) {
      res.writeHead(404, ['Content-Type', JSON_TYPE, 'Content-Length', LEN_NOT_FOUND]);
      res.end(BODY_NOT_FOUND);
      return;
    }

    // The event long poll is the session's business, counted there: it would swamp the per-agent statistics counts.
    if (route === 'event') {
      if (req.method !== 'GET') {
        res.writeHead(405, ['Allow', 'GET', 'Content-Type', JSON_TYPE, 'Content-Length', LEN_NOT_ALLOWED]);
        res.end(BODY_NOT_ALLOWED);
        return;
      }
      this.sessions.pollEvent(res, parseAgentId(rawAgent, this.agentIdMax), guid);
      return;
    }
    // Per-agent bookkeeping (keyed by the id as sent), incl. in-flight concurrency.
    stats.byAgent.set(rawAgent, (stats.byAgent.get(rawAgent) ?? 0) + 1);
    const inFlight = (this.inFlight.get(rawAgent) ?? 0) + 1;
    this.inFlight.set(rawAgent, inFlight);
    if (inFlight > (stats.maxConcurrentPerAgent.get(rawAgent) ?? 0)) stats.maxConcurrentPerAgent.set(rawAgent, inFlight);
    this.handleAgentRequest(req, res, route, rawAgent, guid);
    // Answered at once (the usual case): done. Otherwise (latency, hang, sign-in body) it stays in flight until closed.
    if (res.writableEnded) this.leaveFlight(rawAgent);
    else res.once('close', () => this.leaveFlight(rawAgent));
  }

  private leaveFlight(rawAgent: string): void {
    const n = (this.inFlight.get(rawAgent) ?? 1) - 1;
    if (n <= 0) this.inFlight.delete(rawAgent);
    else this.inFlight.set(rawAgent, n);
  }

  private handleAgentRequest(req: http.IncomingMessage, res: http.ServerResponse, route: Route, rawAgent: string, guid: string | undefined): void {
    const method = req.method;
    if (route === 'login' || route === 'loginex' || route === 'forcelogin' || route === 'logout') {
      const allowed = route === 'logout' ? 'DELETE' : 'PUT';
      if (method !== allowed) {
        res.writeHead(405, ['Allow', allowed, 'Content-Type', JSON_TYPE, 'Content-Length', LEN_NOT_ALLOWED]);
        res.end(BODY_NOT_ALLOWED);
        return;
      }
      const agentKey = parseAgentId(rawAgent, this.agentIdMax);
      if (route === 'logout') {
        if (this.sessions.signOut(res, agentKey, guid)) this.signOut(agentKey!);
        return;
      }
      // A session makes the agent signed in for the statistics interfaces too.
      res.once('finish', () => agentKey !== undefined && this.sessions.isSignedIn(agentKey) && this.markSignedIn(agentKey));
      this.sessions.signIn(route, req, res, agentKey);
      return;
    }
    if (route === 'vdnskills' || route === 'acdstat' || route === 'skills') {
      this.handleQueueRequest(req, res, route, rawAgent, guid);
      return;
    }
    if (method !== 'GET') {
      res.writeHead(405, ['Allow', 'GET', 'Content-Type', JSON_TYPE, 'Content-Length', LEN_NOT_ALLOWED]);
      res.end(BODY_NOT_ALLOWED);
      return;
    }
    // The overload control counts calldata and agentgroup requests per path agent.
    if (this.queues.overload && this.queues.countAndCheck(parseAgentId(rawAgent, this.agentIdMax) ?? rawAgent)) {
      this.sendBody(res, 200, JSON_TYPE, envelope('000-007'));
      return;
    }

    // The gateway reports errors inside the envelope with HTTP 200.
    if (!this.isValidGuid(guid)) {
      res.writeHead(200, ['Content-Type', JSON_TYPE, 'Content-Length', LEN_NO_RIGHT]);
      res.end(BODY_NO_RIGHT);
      return;
    }
    const agentKey = parseAgentId(rawAgent, this.agentIdMax);
    if (agentKey === undefined) {
      res.writeHead(200, ['Content-Type', JSON_TYPE, 'Content-Length', LEN_BAD_PARAM]);
      res.end(BODY_BAD_PARAM);
      return;
    }
    if (!this.isSignedIn(agentKey)) {
      res.writeHead(200, ['Content-Type', JSON_TYPE, 'Content-Length', LEN_NOT_SIGNED_IN]);
      res.end(BODY_NOT_SIGNED_IN);
      return;
    }
    if (route === 'state') {
      const r = parseAgentGroupPath(req.url?.split('?')[0] ?? '');
      if (r?.kind === 'workno') {
        const workno = parseAgentId(r.workno, this.agentIdMax);
        if (workno === undefined) this.sendBody(res, 200, JSON_TYPE, BODY_BAD_PARAM);
        else this.sendBody(res, 200, JSON_TYPE, this.agentStates.body(workno, this.isSignedIn(workno), this.sessions.takesNoCalls(workno)));
      } else if (r) {
        this.answerAgentGroupBatch(req, res, r, agentKey);
      }
      return;
    }
    const full = route === 'full';
    const fault = this.faultFor(agentKey);
    if (fault !== undefined) {
      this.applyFault(fault, res, agentKey, full);
      return;
    }
    this.sendSuccess(res, agentKey, full);
  }

  /**
   * Agentvdnskill (GET), queryacdstat (POST, at most 100 IDs), agentskills (GET).
   * Only a live session Guid of the path's own agent is accepted (a gateway-wide pasted
   * Guid gets 000-003): the vendor documents these for "the signed-in agent".
   */
  private handleQueueRequest(req: http.IncomingMessage, res: http.ServerResponse, route: 'vdnskills' | 'acdstat' | 'skills', rawAgent: string, guid: string | undefined): void {
    const allowed = route === 'acdstat' ? 'POST' : 'GET';
    if (req.method !== allowed) {
      this.sendBody(res, 405, JSON_TYPE, BODY_NOT_ALLOWED, ['Allow', allowed]);
      return;
    }
    const agentKey = parseAgentId(rawAgent, this.agentIdMax);
    if (route !== 'skills' && this.queues.countAndCheck(agentKey ?? rawAgent)) {
      this.sendBody(res, 200, JSON_TYPE, envelope('000-007'));
      return;
    }
    if (agentKey === undefined) {
      this.sendBody(res, 200, JSON_TYPE, BODY_BAD_PARAM);
      return;
    }
    if (this.sessions.agentOf(guid) !== agentKey) {
      this.sendBody(res, 200, JSON_TYPE, this.isSignedIn(agentKey) || this.isValidGuid(guid) ? BODY_NO_RIGHT : BODY_NOT_SIGNED_IN);
      return;
    }
    const fault = this.faultFor(agentKey);
    if (fault?.kind === 'retcode' || fault?.kind === 'http' || fault?.kind === 'malformedJson') {
      this.applyFault(fault, res, agentKey, false);
      return;
    }
    if (route === 'vdnskills') return this.sendBody(res, 200, JSON_TYPE, this.queues.vdnSkillsBody());
    if (route === 'skills') return this.sendBody(res, 200, JSON_TYPE, this.queues.agentSkillsBody(agentKey));
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= 64 * 1024) chunks.push(c);
    });
    req.on('end', () => {
      if (res.destroyed || res.writableEnded) return;
      let ids: unknown;
      try {
        ids = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { skills?: unknown }).skills;
      } catch {
        ids = undefined;
      }
      if (!Array.isArray(ids) || ids.length === 0 || ids.length > 100 || !ids.every((x) => Number.isInteger(x))) {
        this.sendBody(res, 200, JSON_TYPE, envelope('000-002', 'skills must be a list of 1 to 100 skill IDs'));
        return;
      }
      this.queues.acdLog.push({ agent: agentKey, at: Date.now(), ids: ids.length });
      this.center.sync();
      this.sendBody(res, 200, JSON_TYPE, this.queues.acdStatBody(
        ids as number[],
        (q) => this.center.figures(q).loggedOn,
        (q) => this.center.figures(q).avail,
      ));
    });
  }

  /**
   * agentbyskill (the agents signed in to one queue, at most agentLimit of agentStatus when
   * both are given, else at most 500) and agentbylist (up to 100 listed agents): GETs with a
   * body, read from the center.
   */
  private answerAgentGroupBatch(req: http.IncomingMessage, res: http.ServerResponse, r: Exclude<AgentGroupRoute, { kind: 'workno' }>, caller: string): void {
    readJsonBody(req, (body) => {
      if (res.destroyed || res.writableEnded) return;
      if (this.agentStates.noInboundRight.has(caller)) {
        this.sendBody(res, 200, JSON_TYPE, envelope(NO_INBOUND_RIGHT_RETCODE, 'the agent has no permission to answer inbound calls'));
        return;
      }
      const object = (a: string) => this.agentStates.object(a, this.isSignedIn(a), this.sessions.takesNoCalls(a), true);
      if (r.kind === 'skill') {
        const skill = /^[0-9]{1,9}$/.test(r.skill) ? Number(r.skill) : NaN;
        const limit = body?.agentLimit;
        const states = body?.agentStatus;
        if (!Number.isInteger(skill) || (limit !== undefined) !== (states !== undefined) || (limit !== undefined && !(Number.isInteger(limit) && (limit as number) >= 1 && (limit as number) <= SKILL_ANSWER_MAX))) {
          this.sendBody(res, 200, JSON_TYPE, BODY_BAD_PARAM);
          return;
        }
        const wanted = Array.isArray(states) ? new Set(states.map((x) => String(x))) : undefined;
        const agents = this.center.agentsOf(skill).filter((a) => !this.agentStates.rejectsInbound.has(a)).map(object).filter((o) => !wanted || wanted.has(String(o.status)));
        this.queues.skillLog.push({ agent: caller, at: Date.now(), skill });
        this.sendBody(res, 200, JSON_TYPE, JSON.stringify({ message: '', retcode: '0', result: agents.slice(0, typeof limit === 'number' ? limit : SKILL_ANSWER_MAX) }));
        return;
      }
      const raw = body?.agentList;
      const list = (Array.isArray(raw) ? raw.map((x) => String(x)) : typeof raw === 'string' ? raw.split(',') : []).map((x) => x.trim()).filter((x) => x !== '');
      if (list.length === 0 || list.length > 100) {
        this.sendBody(res, 200, JSON_TYPE, envelope('000-002', 'agentList must list 1 to 100 agent IDs'));
        return;
      }
      const keys = list.map((a) => parseAgentId(a, this.agentIdMax)).filter((a): a is string => a !== undefined);
      this.sendBody(res, 200, JSON_TYPE, JSON.stringify({ message: '', retcode: '0', result: keys.map(object) }));
    });
  }

  private successBody(agentKey: string, full: boolean): string {
    const c = this.modelCounters(agentKey);
    return full ? detailedBody(c, this.modelExtras(agentKey)) : exBody(c);
  }

  private modelExtras(k: string): DetailedExtras {
    const base = this.extras.get(k) ?? ZERO_EXTRAS;
    if (!this.center.isEnrolled(k)) return base;
    const m = this.center.countersOf(k);
    return { ...base, restnums: base.restnums + m.restnums, resttime: base.resttime + Math.floor(m.restMs / 1000), busynums: base.busynums + m.busynums };
  }

  private sendSuccess(res: http.ServerResponse, agentKey: string, full: boolean): void {
    const body = this.successBody(agentKey, full);
    res.writeHead(200, ['Content-Type', JSON_TYPE, 'Content-Length', String(Buffer.byteLength(body))]);
    res.end(body);
  }

  private sendBody(res: http.ServerResponse, status: number, type: string, body: string, extra: string[] = []): void {
    res.writeHead(status, ['Content-Type', type, 'Content-Length', String(Buffer.byteLength(body)), ...extra]);
    res.end(body);
  }

  private applyFault(fault: Fault, res: http.ServerResponse, agentKey: string, full: boolean): void {
    switch (fault.kind) {
      case 'latency': {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          if (!res.destroyed && !res.writableEnded) this.sendSuccess(res, agentKey, full);
        }, Math.max(0, fault.ms));
        this.timers.add(timer);
        res.once('close', () => {
          clearTimeout(timer);
          this.timers.delete(timer);
        });
        return;
      }
      case 'hang': {
        const entry: HangingRequest = { res, agentKey };
        this.hanging.add(entry);
        res.once('close', () => this.hanging.delete(entry));
        return;
      }
      case 'reset': {
        const body = this.successBody(agentKey, full);
        res.writeHead(200, ['Content-Type', JSON_TYPE, 'Content-Length', String(Buffer.byteLength(body))]);
        // Headers and half the body reach the client, then the connection dies.
        res.write(body.slice(0, Math.floor(body.length / 2)), () => res.destroy());
        return;
      }
      case 'http': {
        const status = fault.status;
        if (fault.html === false) {
          this.sendBody(res, status, JSON_TYPE, envelope('100-007', HTTP_REASONS[status] ?? `HTTP ${status}`));
        } else {
          this.sendBody(res, status, HTML_TYPE, nslbErrorPage(status));
        }
        return;
      }
      case 'malformedJson': {
        const c = this.counterMap.get(agentKey) ?? ZERO;
        // Trailing comma and an unquoted key: looks like JSON, is not.
        this.sendBody(res, 200, JSON_TYPE,
          `{"message":"","retcode":"0","result":{talktime:${c.talktime},"answernums":${c.answernums},"calloutnums":${c.calloutnums},}}`);
        return;
      }
      case 'truncatedJson': {
        const body = this.successBody(agentKey, full);
        // A complete HTTP message whose JSON stops half way.
        this.sendBody(res, 200, JSON_TYPE, body.slice(0, Math.floor(body.length * 0.6)));
        return;
      }
      case 'oversized': {
        const c = this.counterMap.get(agentKey) ?? ZERO;
        const tail = '","retcode":"0","result":{"talktime":' + c.talktime + ',"answernums":' + c.answernums +
          ',"calloutnums":' + c.calloutnums + '}}';
        const head = '{"message":"';
        const pad = Math.max(0, Math.floor(fault.bytes) - head.length - tail.length);
        const body = head + ' '.repeat(pad) + tail;
        if (fault.chunked) {
          res.writeHead(200, ['Content-Type', JSON_TYPE]);
          res.end(body);
        } else {
          this.sendBody(res, 200, JSON_TYPE, body);
        }
        return;
      }
      case 'wrongTypes': {
        const c = this.counterMap.get(agentKey) ?? ZERO;
        this.sendBody(res, 200, JSON_TYPE, JSON.stringify({
          message: '', retcode: '0',
          result: { talktime: String(c.talktime), answernums: String(c.answernums), calloutnums: null },
        }));
        return;
      }
      case 'negative':
        this.sendBody(res, 200, JSON_TYPE, '{"message":"","retcode":"0","result":{"talktime":-42,"answernums":-1,"calloutnums":-7}}');
        return;
      case 'retcode':
        this.sendBody(res, 200, JSON_TYPE, envelope(fault.retcode, fault.message));
        return;
    }
  }
}

/** Reads a small JSON object body (GETs with a body); undefined when absent or not an object. */
function readJsonBody(req: http.IncomingMessage, done: (body: Record<string, unknown> | undefined) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size <= 64 * 1024) chunks.push(c);
  });
  req.on('end', () => {
    try {
      const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      done(parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined);
    } catch {
      done(undefined);
    }
  });
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Refuse faults that would make the request handler throw (and crash the host process). */
function validateFault(fault: Fault): void {
  const bad = (what: string): never => {
    throw new RangeError(`Invalid ${fault.kind} fault: ${what}`);
  };
  switch (fault.kind) {
    case 'latency':
      if (!Number.isFinite(fault.ms) || fault.ms < 0 || fault.ms > MAX_TIMER_MS) bad(`ms=${String(fault.ms)}`);
      break;
    case 'http':
      if (!Number.isInteger(fault.status) || fault.status < 200 || fault.status > 599) bad(`status=${String(fault.status)} (200..599)`);
      break;
    case 'oversized':
      if (!Number.isFinite(fault.bytes) || fault.bytes < 0 || fault.bytes > 512 * 1024 * 1024) bad(`bytes=${String(fault.bytes)}`);
      break;
    case 'retcode':
      if (typeof fault.retcode !== 'string') bad('retcode must be a string');
      break;
    default:
      break;
  }
}

/** Start a simulator on 127.0.0.1 (ephemeral port unless `opts.port`). */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const port = opts.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`Invalid port: ${String(port)}`);
  if (opts.agentIdMax !== undefined && (!Number.isInteger(opts.agentIdMax) || opts.agentIdMax < AGENT_ID_MIN)) {
    throw new RangeError(`Invalid agentIdMax: ${String(opts.agentIdMax)}`);
  }
  const certs = await generateServerCertificates(opts.tls ?? 'valid', opts.ca);
  let dir = opts.caDir;
  if (dir === undefined) {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'ccgw-sim-'));
    registerTempDir(dir);
  }
  const sim = new GatewaySimulator(certs, path.join(dir, 'ca.pem'), opts);
  await sim.start(port);
  return sim;
}
