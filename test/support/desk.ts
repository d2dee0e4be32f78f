// A desk for credential-lifecycle tests: windows (GatewayMonitor + the extension's own Guid
// and password stores over one in-memory profile) against real simulators, on a fake clock,
// with every request's Guid recorded so invariants can be checked after each step. A desk made
// with a sessions folder gives each window a SessionHost on it and the extension's per-agent
// rate limit, as the extension host builds them (src/extension/gateways/agentMonitor.ts).
import { readFile } from 'node:fs/promises';
import { connectionSettings } from '../../src/core/wire/connectionSettings';
import { GatewayMonitor, type MonitorSettings, type ViewState } from '../../src/core/monitor/gatewayMonitor';
import { createGatewayClient } from '../../src/core/wire/client';
import type { GatewayClient, GatewayClientOptions } from '../../src/core/wire/types';
import { gatewayIdOf } from '../../src/core/ids/gatewayId';
import { PasswordVault } from '../../src/core/credentials/passwordVault';
import { StateStore } from '../../src/core/storage/stateEntries';
import type { AgentId } from '../../src/core/ids/agentId';
import { guidCredentials } from '../../src/core/credentials/credentialSource';
import { GuidStore } from '../../src/core/credentials/guidStore';
import { SessionStore } from '../../src/core/credentials/sessionStore';
import { SessionHost } from '../../src/core/sessions/sessionHost';
import { GATEWAY_AGENT_LIMIT } from '../../src/core/polling/rateLimiter';
import type { Simulator } from '../../src/simulator/simulator';
import { FakeClock } from './fakeClock';
import type { SessionTiming } from '../../src/core/sessions/agentSession';
import { SharedProfile, type WindowState } from './memoryStores';

export const DESK_TIMING = { eventHoldMs: 20, repollMinMs: 5, repollMaxMs: 10, maxSignInAttempts: 3, backoffMs: 50, maxBackoffMs: 200 };
export const INTERVAL_MS = 200;

/** What left a client: where to, with which Guid. */
export interface SentRecord {
  readonly origin: string;
  readonly guid: string;
  readonly kind: 'statistics' | 'event' | 'signOut' | 'state';
  /** Which window sent it (DeskWindow.id). */
  readonly window: number;
  /** The agent a statistics request asked about. */
  readonly agentId?: string;
}

/** Lease timing short enough for tests (proper-lockfile's minimum stale time); retries on the fake clock. */
export const DESK_LEASE = { timing: { staleMs: 2000, heartbeatMs: 1000 }, retryMs: 300 };

export class DeskWindow {
  readonly id: number;
  readonly monitor: GatewayMonitor;
  /** Present when the desk has a sessions folder. */
  readonly host: SessionHost | undefined;
  readonly sessions: SessionStore;
  readonly viewStates: { state: ViewState; signingIn: boolean }[] = [];
  private readonly clients: GatewayClient[] = [];

  constructor(
    readonly desk: Desk,
    readonly kv: WindowState,
    sim: Simulator,
    active = true,
  ) {
    this.id = ++desk.windows;
    desk.open.add(this);
    desk.made.push(this);
    const { secrets } = desk.profile.window();
    const state = new StateStore(kv);
    const guids = new GuidStore(secrets, state, () => desk.clock.now());
    const vault = new PasswordVault(secrets, state, desk.clock);
    this.sessions = new SessionStore(vault, state);
    const log = { info: (m: string) => desk.logs.push(m), warn: (m: string) => desk.logs.push(m), debug: (m: string) => desk.logs.push(m) };
    this.host = desk.sessionsDir ? new SessionHost(desk.sessionsDir, { ...DESK_LEASE, log }) : undefined;
    this.monitor = new GatewayMonitor(this.settingsFor(sim), {
      credentials: guidCredentials(guids, this.sessions),
      loadClientFactory: () => (options) => this.recording(options),
      readTextFile: (p) => readFile(p, 'utf8'),
      log,
      clock: desk.clock,
      jitterRatio: 0,
      sessionTiming: desk.sessionTiming,
      concurrency: 4,
      sessionHost: this.host,
    }, { active, rateLimit: desk.sessionsDir ? GATEWAY_AGENT_LIMIT : undefined });
    this.monitor.onDidChangeViewState((state) => {
      const pending = [...this.monitor.sessions.values()].some((s) => s.kind === 'signing-in' || s.kind === 'reconnecting');
      this.viewStates.push({ state, signingIn: pending });
    });
  }

  settingsFor(sim: Simulator, timeoutMs = 2000): MonitorSettings {
    return {
      gatewayUrlText: sim.url,
      agents: ['101', '102'],
      pollIntervalMs: INTERVAL_MS,
      sessions: this.sessions.remembered(sim.origin),
      connection: connectionSettings({ origin: sim.origin, caFile: sim.caFile, trustedFingerprints: [], proxy: { strictSSL: true, env: {} }, requestTimeoutMs: timeoutMs }),
    };
  }

  /** What Sign In does: the typed password, stored only once the gateway accepted it here. */
  async signIn(agentId: string, password: string): Promise<boolean> {
    const origin = this.monitor.origin;
    if (!origin || this.monitor.sessions.get(agentId)?.kind === 'signed-in') return false;
    const ok = await this.monitor.signIn(agentId as AgentId, { password });
    const now = this.monitor.sessions.get(agentId);
    if (ok && now?.kind === 'signed-in' && !now.elsewhere) await this.sessions.accepted(origin, agentId, password);
    if (ok) await this.sessions.remember(origin, { agentId });
    return ok;
  }

  /** What deactivate() does after the sign-outs: the monitor goes, then the host (its leases are handed over). */
  async close(): Promise<void> {
    this.desk.open.delete(this);
    this.monitor.dispose();
    this.host?.dispose();
    await Promise.all(this.clients.map((c) => c.close()));
  }

  private recording(options: GatewayClientOptions): GatewayClient {
    const real = createGatewayClient(options);
    const sent = this.desk.sent;
    const o = options.origin;
    const window = this.id;
    const polls = this.desk.eventPolls;
    const client: GatewayClient = {
      origin: real.origin,
      statisticsEx: (id, guid, signal) => {
        // A held request has its Guid already: it reaches the gateway when the gate opens.
        const gate = this.desk.gate;
        if (gate) this.desk.held++;
        return gate ? gate.then(() => (sent.push({ origin: o, guid, kind: 'statistics', window, agentId: String(id) }), real.statisticsEx(id, guid, signal))) : (sent.push({ origin: o, guid, kind: 'statistics', window, agentId: String(id) }), real.statisticsEx(id, guid, signal));
      },
      statistics: (id, guid, signal) => (sent.push({ origin: o, guid, kind: 'statistics', window, agentId: String(id) }), real.statistics(id, guid, signal)),
      agentInfo: real.agentInfo && ((a, b, guid, signal) => (sent.push({ origin: o, guid, kind: 'state', window }), real.agentInfo!(a, b, guid, signal))),
      signIn: (id, variant, body, signal) => {
        // Another open window runs this agent's session here: this window should follow it, not sign in a second time.
        for (const other of this.desk.open) {
          const s = other !== this && other.monitor.origin === o ? other.monitor.sessions.get(String(id)) : undefined;
          if (s?.kind === 'signed-in' && !s.elsewhere) this.desk.doubleSignIns.push(`window ${window} signed agent ${id} in while window ${other.id} ran its session`);
        }
        return real.signIn(id, variant, body, signal);
      },
      pollEvent: (id, guid, hold, signal) => {
        sent.push({ origin: o, guid, kind: 'event', window });
        // Another window's poll of this agent still on the wire: two windows run its session.
        const key = `${o}|${id}`;
        const others = polls.inFlight.filter((p) => p.key === key && p.window !== window);
        if (others.length > 0) polls.overlaps.push(`windows ${window} and ${others[0].window} polled the events of agent ${id} at once`);
        const entry = { key, window };
        polls.inFlight.push(entry);
        const done = () => polls.inFlight.splice(polls.inFlight.indexOf(entry), 1);
        const answer = real.pollEvent(id, guid, hold, signal);
        answer.then(done, done);
        return answer;
      },
      signOut: (id, guid, signal) => (sent.push({ origin: o, guid, kind: 'signOut', window }), real.signOut(id, guid, signal)),
      close: () => real.close(),
    };
    this.clients.push(client);
    return client;
  }
}

export class Desk {
  /** Windows made so far (their ids). */
  windows = 0;
  /** Every window made, closed or not. */
  readonly made: DeskWindow[] = [];
  /** Windows not closed yet. */
  readonly open = new Set<DeskWindow>();
  /** Every sign-in a window sent while another window ran that agent's session. */
  readonly doubleSignIns: string[] = [];
  /** Event polls on the wire now, and every time two windows had one of the same agent out at once. */
  readonly eventPolls = { inFlight: [] as { key: string; window: number }[], overlaps: [] as string[] };
  constructor(
    /** The windows' shared sessions folder: with it each window has a SessionHost and the rate limit. */
    readonly sessionsDir?: string,
  ) {}

  readonly profile = new SharedProfile();
  readonly clock = new FakeClock();
  /** The sessions' timing for windows made from now on (the desk's short one, or the extension's own). */
  sessionTiming: SessionTiming = DESK_TIMING;
  readonly logs: string[] = [];
  readonly sent: SentRecord[] = [];
  /** Steps a model-based run took (for its report line). */
  steps = 0;
  /** While set, statistics requests wait here after their Guid was picked (a slow network on the way out). */
  gate: Promise<void> | undefined;
  /** Statistics requests that reached the gate since the last hold(), each with its Guid picked. */
  held = 0;

  /** Holds statistics requests on their way out until the returned function is called. */
  hold(): () => void {
    let open!: () => void;
    this.held = 0;
    this.gate = new Promise<void>((r) => (open = r));
    return () => {
      this.gate = undefined;
      open();
    };
  }

  /** `active`: focused and showing numbers (an inactive window polls no statistics). */
  window(sim: Simulator, active = true): DeskWindow {
    return new DeskWindow(this, this.profile.window().kv, sim, active);
  }

  /** Lets fake time pass in slices, with real time in between for the loopback I/O. */
  async run(fakeMs: number, slices = 8, realMs = 2): Promise<void> {
    for (let i = 0; i < slices; i++) {
      await this.clock.advance(fakeMs / slices);
      await new Promise((r) => setTimeout(r, realMs));
    }
  }
}

export const gw = (sim: Simulator) => gatewayIdOf(sim.origin);
