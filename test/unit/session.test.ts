// Sign-in sessions: the simulator's dynamic authentication, and the extension's own session
// (sign-in, event long poll, Set-GUID adoption, re-sign-in) against it over HTTPS on loopback.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { AgentSession, DEFAULT_SESSION_TIMING, type SessionStatus } from '../../src/core/sessions/agentSession';
import { connectionSettings } from '../../src/core/wire/connectionSettings';
import type { ConnectionDeps } from '../../src/core/monitor/connectionDeps';
import { GatewayMonitor, type MonitorSettings } from '../../src/core/monitor/gatewayMonitor';
import { createGatewayClient } from '../../src/core/wire/client';
import { GatewayError } from '../../src/core/model/errors';
import type { GatewayClient, GatewayClientOptions, SignInBody } from '../../src/core/wire/types';
import type { AgentId } from '../../src/core/ids/agentId';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { FakeClock, settle } from '../support/fakeClock';
import { sleep, until } from '../support/wait';

const PASSWORD = 'Huawei@123';
const FAST = { eventHoldMs: 150, repollMinMs: 10, repollMaxMs: 30, maxSignInAttempts: 4, backoffMs: 50, maxBackoffMs: 400 };
const id = (s: string) => s as AgentId;

describe('sessions: the simulator in dynamic mode', function () {
  this.timeout(20_000);
  let sim: Simulator;
  afterEach(async () => sim?.stop());

  const put = (path: string, body: unknown, method = 'PUT', guid?: string) => fetchRaw(sim, path, method, body, guid);

  it('signs in with loginex (busy, no auto-answer recorded), rotates the Guid, hands the new one only to the event poll', async () => {
    sim = await startSimulator({ auth: { mode: 2, rotateEveryMs: 200, graceMs: 200, eventHoldMs: 100, defaultPassword: PASSWORD } });
    const client = createGatewayClient({ origin: sim.origin, caPem: sim.caPem, timeoutMs: 2000, onGuidRenewed: (r) => renewals.push(r) });
    const renewals: { sentGuid: string; newGuid: string }[] = [];
    try {
      const body: SignInBody = { password: PASSWORD, status: 3, autoanswer: false, autoenteridle: false, releasephone: true };
      const signedIn = await client.signIn(id('101'), 'loginex', body);
      assert.equal(sim.sessions.stats.signIns[0].variant, 'loginex');
      assert.deepEqual(sim.sessions.stats.signIns[0].body, { status: 3, autoanswer: false, autoenteridle: false, releasephone: true }, 'recorded without the password');
      const events: string[] = [];
      let guid = signedIn.guid;
      for (let i = 0; i < 3; i++) {
        const r = await client.pollEvent(id('101'), guid, 150);
        if (r.event) events.push(r.event.eventType);
      }
      assert.deepEqual(events, ['AgentOther_InService', 'AgentState_Ready', 'AgentState_SetNotReady_Success']);
      await sleep(220);
      assert.equal(await retcode(sim, '101', guid), '0', 'the superseded Guid works during the grace time');
      await client.pollEvent(id('101'), guid, 150);
      assert.equal(renewals.length, 1, 'the event poll answered with Set-GUID');
      assert.equal(renewals[0].sentGuid, guid);
      guid = renewals[0].newGuid;
      assert.equal(await retcode(sim, '101', guid), '0');
      await sleep(450);
      assert.equal(await retcode(sim, '101', signedIn.guid), '000-003', 'after the grace time the old Guid is refused');
    } finally {
      await client.close();
    }
  });

  it('answers every documented sign-in code', async () => {
    sim = await startSimulator({ auth: { mode: 2, passwords: { '101': PASSWORD, '102': PASSWORD }, defaultPassword: PASSWORD, locked: ['103'], expired: ['104'], signInDelayMs: 150 } });
    const login = (agent: string, body: unknown, variant = '') => put(`/agentgateway/resource/onlineagent/${agent}${variant}`, body).then((r) => r.json.retcode);
    assert.equal(await login('101', { password: 'wrong' }), '100-004');
    assert.equal(await login('103', { password: PASSWORD }), '110-016');
    assert.equal(await login('104', { password: PASSWORD }), '100-020');
    assert.equal(await login('101', {}), '100-001');
    const [first, second] = await Promise.all([login('102', { password: PASSWORD }), sleep(30).then(() => login('102', { password: PASSWORD }))]);
    assert.deepEqual([first, second], ['0', '100-021']);
    assert.equal(await login('102', { password: PASSWORD }), '100-002');
    assert.equal(await login('102', { password: PASSWORD }, '/forcelogin'), '0');
  });

  it('the demo gives no calls to an agent signed in busy (the supervisor’s own sign-in), and reads its state as busy', async () => {
    sim = await startSimulator({ auth: { mode: 2, defaultPassword: PASSWORD }, autoCalls: { everyMs: 5, agents: ['101', '102'] } });
    const client = createGatewayClient({ origin: sim.origin, caPem: sim.caPem, timeoutMs: 2000 });
    const calls = (a: string) => {
      const c = sim!.counters(a);
      return c.answernums + c.calloutnums + c.noanswernums + c.intercallnums;
    };
    const signedIn = await client.signIn(id('101'), 'loginex', { password: PASSWORD, status: 3, autoanswer: false, autoenteridle: false, releasephone: true });
    const before = calls('101');
    await until('102 takes calls', () => calls('102') >= 5, { timeoutMs: 5000 });
    assert.equal(calls('101'), before, 'the busy agent was given no call');
    assert.equal(typeof client.agentInfo, 'function', 'the client reads agent states');
    assert.equal((await client.agentInfo!(id('101'), id('101'), signedIn.guid)).presence, 'busy');
  });

  it('signs out an agent whose session stops polling events, and after a logout', async () => {
    sim = await startSimulator({ auth: { mode: 2, idleSignOutMs: 150, defaultPassword: PASSWORD } });
    const r = await put('/agentgateway/resource/onlineagent/101/loginex', { password: PASSWORD });
    const guid = r.setGuid!;
    assert.equal(await retcode(sim, '101', guid), '0');
    await sleep(250);
    assert.equal(await retcode(sim, '101', guid), '000-003', 'idle for longer than MAXTIME: signed out');
    const again = await put('/agentgateway/resource/onlineagent/101/loginex', { password: PASSWORD });
    assert.equal(again.json.retcode, '0');
    const out = await put('/agentgateway/resource/onlineagent/101/logout', undefined, 'DELETE', again.setGuid);
    assert.equal(out.json.retcode, '0');
    assert.deepEqual(sim.sessions.stats.signOuts, ['101']);
  });
});

describe('sessions: the event poll’s wait, timed on the client’s clock', function () {
  this.timeout(20_000);
  let sim: Simulator | undefined;
  let client: GatewayClient | undefined;
  afterEach(async () => {
    await client?.close();
    await sim?.stop();
    client = sim = undefined;
  });

  it('a poll held past hold + timeout ends as undici’s own timeout would; its one timer is cleared on every ending', async () => {
    // The gateway holds idle polls a minute; the client waits hold (100 ms) + timeout (1 s) on a fake clock.
    sim = await startSimulator({ auth: { mode: 2, eventHoldMs: 60_000, rotateEveryMs: 600_000, defaultPassword: PASSWORD } });
    const clock = new FakeClock();
    client = createGatewayClient({ origin: sim.origin, caPem: sim.caPem, timeoutMs: 1000, clock });
    const body: SignInBody = { password: PASSWORD, status: 3, autoanswer: false, autoenteridle: false, releasephone: true };
    const { guid } = await client.signIn(id('101'), 'loginex', body);
    assert.equal(clock.pending, 0, 'no wait timer for a sign-in');

    // The three sign-in events are answered at once: each poll's timer is gone with its answer.
    for (let i = 0; i < 3; i++) {
      assert.ok((await client.pollEvent(id('101'), guid, 100)).event);
      assert.equal(clock.pending, 0, `answered poll ${i + 1} left its wait timer armed`);
    }

    // Held: one timer; nothing happens before hold + timeout, then the request ends with a timeout.
    let settled = false;
    const held = client.pollEvent(id('101'), guid, 100).then(
      () => assert.fail('the held poll was answered'),
      (e: GatewayError) => e,
    ).finally(() => (settled = true));
    await until('the poll is written and its wait armed', () => clock.pending === 1);
    await clock.advance(1099);
    assert.equal(settled, false, 'ended before hold + timeout');
    await clock.advance(1);
    const e = await held;
    assert.equal(e.kind, 'network');
    assert.equal(e.details.code, 'UND_ERR_HEADERS_TIMEOUT');
    assert.match(e.message, /did not answer within 1 s/);
    assert.equal(clock.pending, 0);

    // Cancelled (what disposing the session does): rejected as cancelled, the timer cleared.
    const controller = new AbortController();
    const aborted = client.pollEvent(id('101'), guid, 100, controller.signal).then(
      () => assert.fail('the cancelled poll was answered'),
      (x: GatewayError) => x,
    );
    await until('the second poll is written and its wait armed', () => clock.pending === 1);
    controller.abort();
    assert.equal((await aborted).kind, 'cancelled');
    assert.equal(clock.pending, 0);
  });
});

describe('sessions: the extension’s session against the simulator', function () {
  this.timeout(30_000);
  let sim: Simulator;
  let monitor: GatewayMonitor | undefined;
  const logs: string[] = [];
  /** Every Guid a client sent, and the Guids already superseded at that moment. */
  let superseded: Set<string>;
  let staleSends: string[];

  afterEach(async () => {
    await monitor?.shutdown();
    monitor = undefined;
    await sim?.stop();
    logs.length = 0;
  });

  const factory = (options: GatewayClientOptions): GatewayClient => {
    const real = createGatewayClient({
      ...options,
      onGuidRenewed: (r) => {
        superseded.add(r.sentGuid);
        options.onGuidRenewed?.(r);
      },
    });
    const check = (guid: string) => superseded.has(guid) && staleSends.push(guid);
    return {
      origin: real.origin,
      statisticsEx: (a, g, s) => (check(g), real.statisticsEx(a, g, s)),
      statistics: (a, g, s) => (check(g), real.statistics(a, g, s)),
      signIn: (a, v, b, s) => real.signIn(a, v, b, s),
      pollEvent: (a, g, h, s) => (check(g), real.pollEvent(a, g, h, s)),
      signOut: (a, g, s) => (check(g), real.signOut(a, g, s)),
      close: () => real.close(),
    };
  };

  function make(extra: Partial<MonitorSettings> = {}, deps: Partial<ConnectionDeps> = {}, password: string | undefined = PASSWORD): GatewayMonitor {
    superseded = new Set();
    staleSends = [];
    return new GatewayMonitor(
      {
        gatewayUrlText: sim.url,
        agents: ['101', '102'],
        pollIntervalMs: 60,
        connection: connectionSettings({ origin: sim.origin, caFile: sim.caFile, trustedFingerprints: [], proxy: { strictSSL: true, env: {} }, requestTimeoutMs: 2000 }),
        ...extra,
      },
      {
        credentials: {
          guid: () => Promise.resolve(undefined),
          hasAny: () => Promise.resolve(false),
          password: () => Promise.resolve(password),
        },
        loadClientFactory: () => factory,
        readTextFile: (p) => readFile(p, 'utf8'),
        // Every level, debug included: the Guid check below reads all of them.
        log: { info: (m) => logs.push(m), warn: (m) => logs.push(m), debug: (m) => logs.push(m) },
        sessionTiming: FAST,
        jitterRatio: 0,
        ...deps,
      },
    );
  }

  it('stays signed in across rotations: numbers continuous, no request refused, none with a superseded Guid', async () => {
    sim = await startSimulator({ auth: { mode: 2, rotateEveryMs: 250, graceMs: 250, eventHoldMs: 100, idleSignOutMs: 1000, defaultPassword: PASSWORD } });
    monitor = make();
    assert.equal(await monitor.signIn(id('101'), { password: PASSWORD }), true);
    assert.equal(monitor.viewState, 'ready');
    await until('numbers with the session’s Guid', () => monitor!.store.all().every((e) => e.state === 'ok'));
    const refusals: string[] = [];
    monitor.store.onDidChange(() => {
      for (const e of monitor!.store.all()) if (e.state !== 'ok') refusals.push(`${e.agentId} ${e.state} ${e.error?.message}`);
    });
    const issued = sim.sessions.stats.guidsIssued;
    await until('5 rotations adopted', () => sim.sessions.stats.guidsIssued >= issued + 5 && logs.filter((l) => l.startsWith('Guid renewed')).length >= 5, { timeoutMs: 10_000 });
    sim.simulateCall('102', { talkSeconds: 7 });
    await until('fresh numbers after the rotations', () => monitor!.store.get('102')?.stats?.talktime === sim.counters('102').talktime, { timeoutMs: 3000 });
    assert.deepEqual(refusals, [], 'no row ever went stale or refused');
    assert.deepEqual(staleSends, [], 'no request left with a superseded Guid');
    assert.equal(sim.sessions.stats.signIns.length, 1, 'one sign-in for the whole time');
    assert.equal(sim.sessions.stats.maxEventPollsInFlight.get('101'), 1, 'never two event polls of one agent at once');
    // Every Guid the gateway issued, superseded ones included: a log line printing an old one is a leak too.
    assert.ok(sim.sessions.stats.issued.length >= 6);
    for (const guid of sim.sessions.stats.issued) assert.ok(logs.every((l) => !l.includes(guid)), 'no Guid in the log');
  });

  it('a pasted Guid that the gateway stops accepting: signing in lifts the "Guid refused" stop and the session’s Guid serves every agent', async () => {
    sim = await startSimulator({ auth: { mode: 2, rotateEveryMs: 200, graceMs: 200, eventHoldMs: 100, defaultPassword: PASSWORD } });
    const pasted = sim.guid;
    monitor = make({}, { credentials: { guid: () => Promise.resolve(pasted), hasAny: () => Promise.resolve(true), password: () => Promise.resolve(PASSWORD) } });
    await until('numbers with the pasted Guid', () => monitor!.store.all().every((e) => e.state === 'ok'));
    await until('the pasted Guid refused after rotation and grace', () => monitor!.refusedCredentials.length === 1, { timeoutMs: 5000 });
    assert.equal(await monitor.signIn(id('101'), { password: PASSWORD }), true);
    assert.deepEqual(monitor.refusedCredentials, [], 'the banner goes');
    sim.simulateCall('102', { talkSeconds: 4 });
    await until('102 polled again with the session’s Guid', () => monitor!.store.get('102')?.state === 'ok' && monitor!.store.get('102')?.stats?.talktime === sim.counters('102').talktime, { timeoutMs: 5000 });
  });

  it('a lost session (the gateway signed the agent out) signs in again by itself', async () => {
    sim = await startSimulator({ auth: { mode: 2, rotateEveryMs: 60_000, eventHoldMs: 100, defaultPassword: PASSWORD } });
    monitor = make();
    assert.equal(await monitor.signIn(id('101'), { password: PASSWORD }), true);
    await sleep(100);
    sim.sessions.forceSignOut('101');
    await until('signed in again', () => sim.sessions.stats.signIns.length === 2 && monitor!.sessions.get('101')?.kind === 'signed-in', { timeoutMs: 5000 });
    assert.ok(logs.some((l) => /session of agent 101 ended/.test(l)));
  });

  for (const c of [
    { code: '100-004', auth: { passwords: { '101': 'other' } }, failure: 'credentials' },
    { code: '110-016', auth: { locked: ['101'] }, failure: 'credentials' },
    { code: '100-020', auth: { expired: ['101'] }, failure: 'credentials' },
  ] as const) {
    it(`${c.code}: stops with one message and sends no second sign-in`, async () => {
      sim = await startSimulator({ auth: { mode: 2, defaultPassword: PASSWORD, ...c.auth } });
      monitor = make();
      assert.equal(await monitor.signIn(id('101'), { password: PASSWORD }), false);
      const status = monitor.sessions.get('101') as Extract<SessionStatus, { kind: 'stopped' }>;
      assert.equal(status.kind, 'stopped');
      assert.equal(status.failure, c.failure);
      assert.equal(status.retcode, c.code);
      await sleep(600);
      assert.equal(sim.sessions.stats.signIns.length, 1, 'no retry until the user acts');
    });
  }

  it('100-002: says the agent is signed in elsewhere; forcing signs the other client out', async () => {
    sim = await startSimulator({ auth: { mode: 2, eventHoldMs: 100, defaultPassword: PASSWORD } });
    const other = await fetchRaw(sim, '/agentgateway/resource/onlineagent/101/loginex', 'PUT', { password: PASSWORD });
    monitor = make();
    assert.equal(await monitor.signIn(id('101'), { password: PASSWORD }), false);
    assert.equal((monitor.sessions.get('101') as { failure?: string }).failure, 'elsewhere');
    assert.equal(await monitor.signIn(id('101'), { force: true }), true);
    assert.equal(sim.sessions.stats.signIns.at(-1)?.variant, 'forcelogin');
    const poll = await fetchRaw(sim, '/agentgateway/resource/agentevent/101', 'GET', undefined, other.setGuid);
    assert.equal((poll.json.event as { eventType?: string } | undefined)?.eventType, 'AgentOther_ShutdownService', 'the other client learns it was signed out');
  });

  it('100-021: waits for the sign-in in progress instead of repeating it at once', async () => {
    // The other sign-in takes 1.5 s and ours retries for about 3 s: ours arrives during the other's
    // even on a loaded machine (with 200 ms and FAST's 0.4 s of retries it once arrived after it).
    sim = await startSimulator({ auth: { mode: 2, signInDelayMs: 1500, defaultPassword: PASSWORD } });
    monitor = make({}, { sessionTiming: { ...FAST, maxSignInAttempts: 10, backoffMs: 200, maxBackoffMs: 400 } });
    const other = fetchRaw(sim, '/agentgateway/resource/onlineagent/101/loginex', 'PUT', { password: PASSWORD });
    await sleep(50);
    assert.equal(await monitor.signIn(id('101'), { password: PASSWORD }), false);
    await other;
    const codes = sim.sessions.stats.signIns.filter((s) => s.retcode !== '0').map((s) => s.retcode);
    assert.equal(codes[0], '100-021');
    assert.equal(codes.at(-1), '100-002', 'after waiting it finds the agent signed in by the other sign-in');
    assert.equal((monitor.sessions.get('101') as { failure?: string }).failure, 'elsewhere');
  });

  it('a password typed for one gateway is not sent when the connection is now to another (the URL edited during the prompts)', async () => {
    sim = await startSimulator({ auth: { mode: 2, defaultPassword: PASSWORD } });
    monitor = make();
    const typedFor = 'https://gateway-typed-for.example:8043';
    await assert.rejects(monitor.signIn(id('101'), { password: PASSWORD, at: typedFor }), /changed from https:\/\/gateway-typed-for\.example:8043 while you typed; nothing was sent/);
    assert.equal(sim.sessions.stats.signIns.length, 0, 'no sign-in reached the other gateway');
    assert.equal(await monitor.signIn(id('101'), { password: PASSWORD, at: sim.origin }), true, 'typed for this gateway: sent');
    monitor.dispose();
    await assert.rejects(monitor.signIn(id('102'), { password: PASSWORD, at: sim.origin }), /nothing was sent/, 'a monitor that is gone sends nothing');
    assert.equal(sim.sessions.stats.signIns.length, 1);
  });

  it('Sign Out sends the logout and stops the event loop; leaving the gateway signs out there', async () => {
    sim = await startSimulator({ auth: { mode: 2, eventHoldMs: 100, defaultPassword: PASSWORD } });
    monitor = make();
    assert.equal(await monitor.signIn(id('101'), { password: PASSWORD }), true);
    assert.equal(await monitor.signIn(id('102'), { password: PASSWORD }), true);
    await monitor.signOut('101');
    assert.deepEqual(sim.sessions.stats.signOuts, ['101']);
    const polls101 = () => sim.stats.byPath.get('/agentgateway/resource/agentevent/101') ?? 0;
    const polls102 = () => sim.stats.byPath.get('/agentgateway/resource/agentevent/102') ?? 0;
    const [before101, before102] = [polls101(), polls102()];
    await sleep(300);
    assert.equal(polls101(), before101, 'no event poll of 101 after its sign-out');
    assert.ok(polls102() > before102, '102 goes on');
    // The same gateway with another timeout: the session goes on, no sign-out, no sign-in.
    monitor.configure({ ...monitor.settings, connection: connectionSettings({ origin: sim.origin, caFile: sim.caFile, trustedFingerprints: [], proxy: { strictSSL: true, env: {} }, requestTimeoutMs: 3000 }) });
    await sleep(200);
    assert.equal(sim.sessions.stats.signIns.length, 2);
    assert.deepEqual(sim.sessions.stats.signOuts, ['101']);
    assert.equal(monitor.sessions.get('102')?.kind, 'signed-in');
    // Another gateway: signed out at the old one.
    monitor.configure({ ...monitor.settings, gatewayUrlText: 'https://127.0.0.1:9', connection: connectionSettings({ origin: 'https://127.0.0.1:9', trustedFingerprints: [], proxy: { strictSSL: true, env: {} }, requestTimeoutMs: 500 }) });
    await until('signed out at the old gateway', () => sim.sessions.stats.signOuts.includes('102'));
  });
});

describe('sessions: back-off on a fake clock', () => {
  it('signs in again a bounded number of times, with growing waits, then stops with one status', async () => {
    const clock = new FakeClock();
    const attempts: number[] = [];
    const client = {
      signIn: () => {
        attempts.push(clock.now());
        return Promise.reject(new GatewayError('transient', 'no resource (100-003)', { retcode: '100-003' }));
      },
    } as unknown as GatewayClient;
    const statuses: string[] = [];
    const session = new AgentSession(id('101'), {
      client: () => Promise.resolve(client),
      password: () => Promise.resolve(PASSWORD),
      variant: 'loginex',
      clock,
      random: () => 0.5, // no jitter
      timing: { ...DEFAULT_SESSION_TIMING, maxSignInAttempts: 5, backoffMs: 1000, maxBackoffMs: 5000 },
      log: { info: () => undefined, warn: () => undefined },
    });
    session.onDidChange((s) => statuses.push(s.kind));
    const done = session.start({ status: 3, autoanswer: false, autoenteridle: false, releasephone: true });
    for (let i = 0; i < 20; i++) await clock.advance(1000);
    assert.equal(await done, false);
    const t0 = attempts[0];
    assert.deepEqual(attempts.map((t) => t - t0), [0, 1000, 3000, 7000, 12000], 'waits of 1, 2, 4, then capped at 5 s');
    assert.equal(session.status.kind, 'stopped');
    assert.equal((session.status as { failure: string }).failure, 'gave-up');
    await clock.advance(60_000);
    assert.equal(attempts.length, 5, 'nothing after giving up');
    assert.deepEqual(statuses.filter((s) => s === 'stopped'), ['stopped'], 'one final status, for one message');
    session.dispose();
    await settle();
  });
});

async function retcode(sim: Simulator, agent: string, guid: string): Promise<string> {
  const r = await fetchRaw(sim, `/agentgateway/resource/calldata/${agent}/statisticsEx`, 'GET', undefined, guid);
  return String(r.json.retcode);
}

/** One request with node's https (not our client), for driving the simulator directly. */
async function fetchRaw(sim: Simulator, path: string, method: string, body?: unknown, guid?: string): Promise<{ json: Record<string, unknown>; setGuid?: string }> {
  const https = await import('node:https');
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=UTF-8' };
    if (guid) headers.Guid = guid;
    const req = https.request({ host: '127.0.0.1', port: sim.port, path, method, ca: sim.caPem, agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const raw = res.headers['set-guid'];
        resolve({ json: JSON.parse(text) as Record<string, unknown>, setGuid: typeof raw === 'string' ? raw.replace(/^JSESSIONID=/, '') : undefined });
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}
