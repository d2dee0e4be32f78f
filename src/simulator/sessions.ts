// Sign-in sessions of the simulated gateway: login/loginex/forcelogin/logout, the
// agentevent long poll, and dynamic authentication (AUTHMODE=2) where each session's
// Guid is replaced every GUIDINTERVAL and the new one is handed out only in the
// Set-GUID header of an event-poll answer. Facts: docs/cc-gateway-api.md.
import * as crypto from 'node:crypto';
import type * as http from 'node:http';

export interface AuthOptions {
  /** AUTHMODE: 1 static (the Guid of a session never changes), 2 dynamic. Default 1. */
  readonly mode?: 1 | 2;
  /** GUIDINTERVAL: a new Guid this often (dynamic mode). Default 60 000 ms. */
  readonly rotateEveryMs?: number;
  /** How long a superseded Guid keeps working. Default 60 000 ms (GUIDTIMEOUT 120 s − GUIDINTERVAL). */
  readonly graceMs?: number;
  /** How long an event poll with nothing to report is held. Default 10 000 ms. */
  readonly eventHoldMs?: number;
  /** MAXTIME: a session with no event poll for this long is signed out. Default 120 000 ms. */
  readonly idleSignOutMs?: number;
  /** Per-agent passwords; any other agent signs in with `defaultPassword`, or any non-empty one when that is unset. */
  readonly passwords?: Readonly<Record<string, string>>;
  readonly defaultPassword?: string;
  /** Accounts that answer 110-016 (locked) and 100-020 (password expired). */
  readonly locked?: readonly string[];
  readonly expired?: readonly string[];
  /** A sign-in takes this long; another sign-in of the agent meanwhile gets 100-021. Default 0. */
  readonly signInDelayMs?: number;
}

export interface AuthStats {
  /** Sign-in requests as received, password removed. */
  /** `password`: a short digest of the password sent (never the password), so tests can tell attempts apart. */
  readonly signIns: { readonly variant: SignInVariant; readonly agentId: string; readonly body: Record<string, unknown>; readonly retcode: string; readonly password?: string }[];
  readonly signOuts: string[];
  eventPolls: number;
  /** Most event polls of one agent in flight at once. */
  readonly maxEventPollsInFlight: Map<string, number>;
  /** Guids handed out in Set-GUID (sign-in and rotations). */
  guidsIssued: number;
  /** Those Guids themselves, for leak scans in tests (a throwaway simulator's). */
  readonly issued: string[];
}

export type SignInVariant = 'login' | 'loginex' | 'forcelogin';

interface AgentEvent {
  readonly eventType: string;
  readonly workNo: string;
  readonly content: unknown;
}

interface Session {
  readonly agentKey: string;
  guid: string;
  /** The newest Guid not yet handed to the event poller. */
  undelivered?: string;
  rotatedAt: number;
  readonly loginTime: number;
  lastEventPollAt: number;
  readonly events: AgentEvent[];
  /** A Guid that has been signed out but whose poller is owed the shutdown event. */
  ended?: boolean;
  /** Signed in busy (status 3, what the extension's own sign-in asks for): takes no calls. */
  busy?: boolean;
  /** Signed in with loginex: takes no calls either. */
  loginex?: boolean;
}

interface HeldPoll {
  readonly res: http.ServerResponse;
  readonly timer: NodeJS.Timeout;
  readonly session: Session;
}

const JSON_TYPE = 'application/json;charset=UTF-8';
const MAX_BODY = 64 * 1024;

function newGuid(): string {
  return `${crypto.randomUUID()}.AgentGateway1`;
}

function envelope(retcode: string, message: string, result?: unknown): string {
  return JSON.stringify(result === undefined ? { message, retcode } : { message, retcode, result });
}

const SIGN_IN_MESSAGES: Readonly<Record<string, string>> = {
  '100-001': 'the parameter is empty or invalid',
  '100-002': 'the agent has signed in',
  '100-004': 'the user name or password is wrong',
  '100-020': 'the password has expired',
  '100-021': 'the agent is signing in',
  '110-016': 'the account is locked',
};

/** The sessions of one simulated gateway. Time is read through `now` (real time in the simulator). */
export class SimulatedSessions {
  readonly stats: AuthStats = { signIns: [], signOuts: [], eventPolls: 0, maxEventPollsInFlight: new Map(), guidsIssued: 0, issued: [] };
  private readonly byAgent = new Map<string, Session>();
  private readonly byGuid = new Map<string, { session: Session; expiresAt: number }>();
  private readonly signingIn = new Set<string>();
  private readonly held = new Set<HeldPoll>();
  private readonly pollsInFlight = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  /** Accounts an administrator locked since start (the demo's control): sign-ins answer 110-016. */
  private readonly lockedNow = new Set<string>();
  /** Passwords changed since start (an agent changed it in the workbench). */
  private readonly changedPasswords = new Map<string, string>();
  readonly mode: 1 | 2;
  private rotateEveryMs: number;
  private readonly graceMs: number;
  private readonly eventHoldMs: number;
  private readonly idleSignOutMs: number;

  constructor(
    private readonly options: AuthOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.mode = options.mode ?? 1;
    this.rotateEveryMs = options.rotateEveryMs ?? 60_000;
    this.graceMs = options.graceMs ?? 60_000;
    this.eventHoldMs = options.eventHoldMs ?? 10_000;
    this.idleSignOutMs = options.idleSignOutMs ?? 120_000;
  }

  /** Whether `guid` is a live session Guid (current, or superseded within the grace time). */
  isValid(guid: string): boolean {
    const entry = this.byGuid.get(guid);
    if (!entry) return false;
    this.tick(entry.session);
    const again = this.byGuid.get(guid);
    return !!again && !again.session.ended && again.expiresAt > this.now();
  }

  /** The agent whose live session `guid` is (current or within its grace), else undefined. */
  agentOf(guid: string | undefined): string | undefined {
    if (guid === undefined || !this.isValid(guid)) return undefined;
    return this.byGuid.get(guid)?.session.agentKey;
  }

  /** The agent's session Guid now, for tests (what a workbench that polls would hold). */
  currentGuid(agentKey: string): string | undefined {
    const s = this.byAgent.get(agentKey);
    if (s) this.tick(s);
    return this.byAgent.get(agentKey)?.guid;
  }

  /** Signed in with a session that asked to be busy: such an agent is given no calls. */
  isBusy(agentKey: string): boolean {
    return this.isSignedIn(agentKey) && this.byAgent.get(agentKey)?.busy === true;
  }

  /** Signed in busy or with loginex: the center gives such an agent no calls. */
  takesNoCalls(agentKey: string): boolean {
    const s = this.isSignedIn(agentKey) ? this.byAgent.get(agentKey) : undefined;
    return s?.busy === true || s?.loginex === true;
  }

  isSignedIn(agentKey: string): boolean {
    const s = this.byAgent.get(agentKey);
    if (s) this.tick(s);
    return this.byAgent.has(agentKey);
  }

  /** The gateway signs the agent out (an administrator, another client): its poller gets AgentOther_ShutdownService. */
  forceSignOut(agentKey: string): void {
    const s = this.byAgent.get(agentKey);
    if (!s) return;
    this.end(s, true);
  }

  /** Locks (or unlocks) the account: its next sign-in is refused with 110-016. A session it has goes on. */
  setLocked(agentKey: string, locked: boolean): void {
    if (locked) this.lockedNow.add(agentKey);
    else this.lockedNow.delete(agentKey);
  }

  /** Accounts locked now (options.locked and setLocked). */
  lockedAgents(): string[] {
    return [...new Set([...(this.options.locked ?? []), ...this.lockedNow])];
  }

  /** Agents with a live sign-in session. */
  signedInAgents(): string[] {
    return [...this.byAgent.keys()].filter((a) => this.isSignedIn(a));
  }

  /** The agent changed its password (in the workbench): the old one is refused from now on. */
  setPassword(agentKey: string, password: string): void {
    this.changedPasswords.set(agentKey, password);
  }

  /** Replaces the agent's session Guid now, as a rotation would (the old one lives on for the grace time). */
  rotateNow(agentKey: string): void {
    const s = this.byAgent.get(agentKey);
    if (!s) return;
    s.rotatedAt = Number.NEGATIVE_INFINITY;
    const every = this.rotateEveryMs;
    this.rotateEveryMs = 0;
    this.tick(s);
    this.rotateEveryMs = every;
  }

  /** The gateway restarted: every session and Guid is gone at once, held polls are cut. */
  endAll(): void {
    for (const s of [...this.byAgent.values()]) this.end(s, false);
    this.byGuid.clear();
    this.signingIn.clear();
  }

  /** Queues an event for the agent's poller (for tests). */
  pushEvent(agentKey: string, eventType: string, content: unknown = null): void {
    const s = this.byAgent.get(agentKey);
    if (!s) return;
    s.events.push({ eventType, workNo: agentKey, content });
    this.flushHeld(s);
  }

  stop(): void {
    for (const h of this.held) {
      clearTimeout(h.timer);
      if (!h.res.writableEnded) h.res.destroy();
    }
    this.held.clear();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** A gateway restart: every session and its Guids are gone, without an event to anyone. */
  forgetAll(): void {
    for (const session of [...this.byAgent.values()]) this.end(session, false);
    this.byGuid.clear();
  }

  /** PUT …/onlineagent/{id}[/loginex|/forcelogin]. */
  signIn(variant: SignInVariant, req: http.IncomingMessage, res: http.ServerResponse, agentKey: string | undefined): void {
    readBody(req, (text, tooBig) => {
      let body: Record<string, unknown> | undefined;
      try {
        const parsed: unknown = tooBig ? undefined : JSON.parse(text);
        body = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
      } catch {
        body = undefined;
      }
      if (agentKey === undefined || !body) return send(res, envelope('000-002', 'the parameter or url is invalid'));
      const { password, ...rest } = body;
      const record = (retcode: string) => this.stats.signIns.push({ variant, agentId: agentKey, body: rest, retcode, ...(typeof password === 'string' ? { password: digest(password) } : {}) });
      const fail = (retcode: string) => (record(retcode), send(res, envelope(retcode, SIGN_IN_MESSAGES[retcode] ?? '')));
      if (typeof password !== 'string' || password === '' || password.length > 32) return fail('100-001');
      if (this.options.locked?.includes(agentKey) || this.lockedNow.has(agentKey)) return fail('110-016');
      const expected = this.changedPasswords.get(agentKey) ?? this.options.passwords?.[agentKey] ?? this.options.defaultPassword;
      if (expected !== undefined && password !== expected) return fail('100-004');
      if (this.options.expired?.includes(agentKey)) return fail('100-020');
      if (this.signingIn.has(agentKey)) return fail('100-021');
      const existing = this.byAgent.get(agentKey);
      if (existing) this.tick(existing);
      if (this.byAgent.has(agentKey) && variant !== 'forcelogin') return fail('100-002');
      this.signingIn.add(agentKey);
      const finish = () => {
        this.signingIn.delete(agentKey);
        const old = this.byAgent.get(agentKey);
        if (old) this.end(old, true); // forcelogin: the other client is signed out
        const session = this.start(agentKey, body.status === 3, variant === 'loginex');
        record('0');
        const loginTime = new Date(session.loginTime).toISOString().replace('T', ' ').slice(0, 19);
        send(res, envelope('0', 'success', { vdnid: 1, workno: agentKey, mediatype: '', loginTime, isForceChange: 'false', serverName: 'simulator', timeRemaining: 30 }), ['Set-GUID', `JSESSIONID=${session.guid}`]);
      };
      const delay = this.options.signInDelayMs ?? 0;
      if (delay <= 0) return finish();
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        if (!res.destroyed) finish();
        else this.signingIn.delete(agentKey);
      }, delay);
      this.timers.add(timer);
    });
  }

  /** DELETE …/onlineagent/{id}/logout with the session's Guid. */
  /** True when a session was signed out. */
  signOut(res: http.ServerResponse, agentKey: string | undefined, guid: string | undefined): boolean {
    const entry = guid === undefined ? undefined : this.byGuid.get(guid);
    if (agentKey === undefined) return (send(res, envelope('000-002', 'the parameter or url is invalid')), false);
    if (!entry || entry.session.agentKey !== agentKey || !this.isValid(guid!)) return (send(res, envelope('000-003', 'no right to access the interface')), false);
    this.stats.signOuts.push(agentKey);
    // A self-initiated sign-out may produce no event; the Guid dies at once.
    this.end(entry.session, false);
    send(res, envelope('0', 'success', {}));
    return true;
  }

  /** GET …/agentevent/{id}: one event, or none after the hold; Set-GUID carries a rotated Guid. */
  pollEvent(res: http.ServerResponse, agentKey: string | undefined, guid: string | undefined): void {
    this.stats.eventPolls++;
    if (agentKey === undefined) return send(res, envelope('000-002', 'the parameter or url is invalid'));
    const entry = guid === undefined ? undefined : this.byGuid.get(guid);
    const session = entry?.session;
    if (!session || session.agentKey !== agentKey) return send(res, envelope('000-003', 'no right to access the interface'));
    if (session.ended) {
      // The poller of a session that was signed out learns it once.
      const shutdown = session.events.shift();
      this.byGuid.delete(guid!);
      if (shutdown) return send(res, JSON.stringify({ message: '', retcode: '0', event: shutdown }));
      return send(res, envelope('100-006', 'the agent has not signed in'));
    }
    if (!this.isValid(guid!)) return send(res, envelope('000-003', 'no right to access the interface'));
    session.lastEventPollAt = this.now();
    const n = (this.pollsInFlight.get(agentKey) ?? 0) + 1;
    this.pollsInFlight.set(agentKey, n);
    if (n > (this.stats.maxEventPollsInFlight.get(agentKey) ?? 0)) this.stats.maxEventPollsInFlight.set(agentKey, n);
    res.once('close', () => {
      const left = (this.pollsInFlight.get(agentKey) ?? 1) - 1;
      if (left <= 0) this.pollsInFlight.delete(agentKey);
      else this.pollsInFlight.set(agentKey, left);
    });
    if (session.events.length > 0 || session.undelivered) return this.answerPoll(res, session);
    const timer = setTimeout(() => {
      this.held.delete(poll);
      this.answerPoll(res, session);
    }, this.eventHoldMs);
    const poll: HeldPoll = { res, timer, session };
    this.held.add(poll);
    res.once('close', () => {
      clearTimeout(timer);
      this.held.delete(poll);
    });
  }

  private answerPoll(res: http.ServerResponse, session: Session): void {
    if (res.writableEnded || res.destroyed) return;
    session.lastEventPollAt = this.now();
    this.tick(session);
    const event = session.events.shift() ?? null;
    const extra: string[] = [];
    if (session.undelivered) {
      extra.push('Set-GUID', `JSESSIONID=${session.undelivered}`);
      session.undelivered = undefined;
    }
    send(res, JSON.stringify({ message: '', retcode: '0', event }), extra);
  }

  private flushHeld(session: Session): void {
    for (const h of [...this.held]) {
      if (h.session !== session) continue;
      clearTimeout(h.timer);
      this.held.delete(h);
      this.answerPoll(h.res, session);
    }
  }

  private start(agentKey: string, busy: boolean, loginex = false): Session {
    const now = this.now();
    const session: Session = { agentKey, guid: newGuid(), rotatedAt: now, loginTime: now, lastEventPollAt: now, events: [], busy, loginex };
    this.stats.guidsIssued++;
    this.stats.issued.push(session.guid);
    this.byAgent.set(agentKey, session);
    this.byGuid.set(session.guid, { session, expiresAt: Number.POSITIVE_INFINITY });
    session.events.push({ eventType: 'AgentOther_InService', workNo: agentKey, content: null }, { eventType: 'AgentState_Ready', workNo: agentKey, content: null });
    if (busy) session.events.push({ eventType: 'AgentState_SetNotReady_Success', workNo: agentKey, content: null });
    return session;
  }

  /** Ends a session; `notify` leaves the shutdown event for its poller. */
  private end(session: Session, notify: boolean): void {
    if (this.byAgent.get(session.agentKey) === session) this.byAgent.delete(session.agentKey);
    session.ended = true;
    session.events.length = 0;
    for (const [g, e] of this.byGuid) {
      if (e.session !== session) continue;
      if (notify && g === session.guid) continue; // kept so its poller can be told
      this.byGuid.delete(g);
    }
    if (notify) {
      session.events.push({ eventType: 'AgentOther_ShutdownService', workNo: session.agentKey, content: { loginTime: session.loginTime } });
      this.flushHeld(session);
    } else {
      this.byGuid.delete(session.guid);
      for (const h of [...this.held]) {
        if (h.session !== session) continue;
        clearTimeout(h.timer);
        this.held.delete(h);
        h.res.destroy();
      }
    }
  }

  /** Time passes lazily: idle sign-out, rotation, expiry of superseded Guids. */
  private tick(session: Session): void {
    if (session.ended) return;
    const now = this.now();
    const polling = [...this.held].some((h) => h.session === session);
    if (!polling && now - session.lastEventPollAt > this.idleSignOutMs) {
      this.end(session, true);
      return;
    }
    if (this.mode === 2 && now - session.rotatedAt >= this.rotateEveryMs) {
      const old = this.byGuid.get(session.guid);
      if (old) old.expiresAt = now + this.graceMs;
      session.guid = newGuid();
      session.undelivered = session.guid;
      session.rotatedAt = now;
      this.stats.guidsIssued++;
      this.stats.issued.push(session.guid);
      this.byGuid.set(session.guid, { session, expiresAt: Number.POSITIVE_INFINITY });
    }
    for (const [g, e] of this.byGuid) if (e.session === session && e.expiresAt <= now) this.byGuid.delete(g);
  }
}

/** A short digest of a password for the test log: tells attempts apart without keeping the password. */
function digest(password: string): string {
  return crypto.createHash('sha256').update(password).digest('hex').slice(0, 12);
}

function send(res: http.ServerResponse, body: string, extra: string[] = []): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(200, ['Content-Type', JSON_TYPE, 'Content-Length', String(Buffer.byteLength(body)), ...extra]);
  res.end(body);
}

function readBody(req: http.IncomingMessage, done: (text: string, tooBig: boolean) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY) chunks.push(chunk);
  });
  req.on('end', () => done(Buffer.concat(chunks).toString('utf8'), size > MAX_BODY));
}
