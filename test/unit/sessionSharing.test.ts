// One session owner per agent across windows: the lease in the shared folder,
// the owner-only channel with its token, and windows made of the real core classes (in this
// process, or in a child process that can be killed like a crashed extension host) against the
// simulator over loopback.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { SessionStatus } from '../../src/core/sessions/agentSession';
import type { GatewayMonitor } from '../../src/core/monitor/gatewayMonitor';
import { ChannelServer, connectChannel, newToken, socketPathFor } from '../../src/core/sessions/channel';
import { LeaseDir } from '../../src/core/sessions/lease';
import type { SessionHost } from '../../src/core/sessions/sessionHost';
import type { AgentId } from '../../src/core/ids/agentId';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { child, kill } from '../support/childProcess';
import { makeWindow, type WindowConfig } from '../support/sessionWindow';
import { sleep, until } from '../support/wait';

const PASSWORD = 'Huawei@123';
const id = (s: string) => s as AgentId;
const mode = (file: string) => fs.statSync(file).mode & 0o777;
const tmpDirs: string[] = [];
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-share-'));
  tmpDirs.push(d);
  return d;
}

/** Every file under `dir` (sockets and folders aside) whose bytes contain one of `needles`. */
/** The bytes of a regular file, or undefined when `f` is something else or no longer exists. */
function readFileIfThere(f: string): Buffer | undefined {
  try {
    return fs.lstatSync(f).isFile() ? fs.readFileSync(f) : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function filesContaining(dirs: readonly string[], needles: Iterable<string>): string[] {
  const hits: string[] = [];
  const list = [...needles].filter(Boolean).map((n) => Buffer.from(n));
  for (const dir of dirs) {
    if (!fs.existsSync(dir)) continue;
    for (const rel of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
      const f = path.join(dir, rel);
      // A lease lock released while the folder is read (a disposed window lets go of it
      // asynchronously) is gone by the time it is looked at: nothing left to hold a Guid.
      const bytes = readFileIfThere(f);
      if (bytes && list.some((n) => bytes.includes(n))) hits.push(f);
    }
  }
  return hits;
}

after(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('session sharing: the lease', function () {
  this.timeout(20_000);

  it('two holders cannot hold one lease at once; released, it is free again', async () => {
    const dir = tmp();
    const a = new LeaseDir(dir, { staleMs: 2000, heartbeatMs: 1000 });
    const b = new LeaseDir(dir, { staleMs: 2000, heartbeatMs: 1000 });
    const first = await a.tryAcquire('x');
    assert.ok(first);
    assert.equal(await b.tryAcquire('x'), undefined, 'the second window does not get it');
    assert.equal(await a.tryAcquire('x'), undefined, 'nor does the same folder asked again');
    assert.equal(mode(dir), 0o700, 'the lease folder is owner-only');
    await first.release();
    const second = await b.tryAcquire('x');
    assert.ok(second, 'free after release');
    await second.release();
  });

  it('a holder in another process keeps it with its heartbeat; killed, it is taken over after the stale time and not before', async () => {
    const dir = tmp();
    const p = await child(`
      const { LeaseDir } = require('./out/src/core/sessions/lease');
      new LeaseDir(${JSON.stringify(dir)}, { staleMs: 2000, heartbeatMs: 1000 }).tryAcquire('x').then((l) => { if (l) console.log('ready'); });
      setInterval(() => {}, 1000);`);
    const mine = new LeaseDir(dir, { staleMs: 2000, heartbeatMs: 1000 });
    try {
      for (let i = 0; i < 6; i++) {
        assert.equal(await mine.tryAcquire('x'), undefined, `still held at ${i * 500} ms (the heartbeat keeps it past the 2 s stale time)`);
        await sleep(500);
      }
      await kill(p);
      const killedAt = Date.now();
      assert.equal(await mine.tryAcquire('x'), undefined, 'not taken at once: the holder might only be slow');
      const lease = await until('the stale lease taken over', () => mine.tryAcquire('x'), { timeoutMs: 6000, everyMs: 100 });
      const after = Date.now() - killedAt;
      assert.ok(after >= 1000 && after < 4500, `taken over ${after} ms after the heartbeat stopped`);
      await lease.release();
    } finally {
      await kill(p);
    }
  });
});

describe('session sharing: the channel', function () {
  this.timeout(10_000);

  it('listens owner-only (folder 0700, socket 0600) and refuses a wrong token', async function () {
    if (process.platform === 'win32') this.skip();
    const dir = path.join(tmp(), 'sessions');
    const { socketPath, cleanup } = socketPathFor(dir, 'w1');
    assert.equal(path.dirname(socketPath), dir, 'under the shared folder when the path fits');
    const token = newToken();
    const received: unknown[] = [];
    const server = await ChannelServer.listen(socketPath, token, (peer) => peer.onMessage((m) => received.push(m)));
    try {
      assert.equal(mode(dir), 0o700);
      assert.ok(fs.lstatSync(socketPath).isSocket());
      assert.equal(mode(socketPath), 0o600, 'only this OS user can connect');
      assert.equal(await connectChannel(socketPath, newToken()), undefined, 'a wrong token is refused');
      assert.equal(await connectChannel(socketPath, ''), undefined, 'no token is refused');
      assert.equal(server.refused, 2);
      const peer = await connectChannel(socketPath, token);
      assert.ok(peer, 'the right token is welcome');
      peer.send({ type: 'ping' });
      await until('the message', () => received.length === 1);
      peer.close();
    } finally {
      await server.close();
      cleanup();
    }
  });

  it('a folder too deep for a socket address falls back to a private folder in the temp dir', async function () {
    if (process.platform === 'win32') this.skip();
    const deep = path.join(tmp(), 'x'.repeat(60), 'y'.repeat(60));
    const { socketPath, cleanup } = socketPathFor(deep, 'w2');
    let server: ChannelServer | undefined;
    try {
      assert.ok(!socketPath.startsWith(deep));
      assert.equal(mode(path.dirname(socketPath)), 0o700);
      server = await ChannelServer.listen(socketPath, newToken(), () => undefined);
      assert.equal(mode(socketPath), 0o600);
    } finally {
      await server?.close();
      cleanup();
    }
    assert.equal(fs.existsSync(path.dirname(socketPath)), false, 'removed on cleanup');
  });
});

describe('session sharing: windows against the simulator', function () {
  this.timeout(40_000);
  let sim: Simulator;
  const windows: { monitor: GatewayMonitor; host: SessionHost }[] = [];
  const children: ChildProcess[] = [];
  const guids = new Set<string>();
  const leaks = new Set<string>();
  let watcher: NodeJS.Timeout | undefined;
  let dir: string;

  async function start(options: { rotateEveryMs?: number; graceMs?: number } = {}): Promise<void> {
    sim = await startSimulator({ auth: { mode: 2, rotateEveryMs: options.rotateEveryMs ?? 700, graceMs: options.graceMs ?? 700, eventHoldMs: 300, idleSignOutMs: 20_000, defaultPassword: PASSWORD } });
    dir = path.join(tmp(), 'globalStorage', 'sessions');
    // Every Guid the gateway hands out, and the shared folder looked through for them all along
    // (a file written and overwritten meanwhile counts too).
    let ticks = 0;
    watcher = setInterval(() => {
      const g = sim.sessions.currentGuid('101');
      if (g) guids.add(g);
      if (++ticks % 5 === 0) for (const f of filesContaining([dir], guids)) leaks.add(f);
    }, 20);
  }
  const config = (extra: Partial<WindowConfig> = {}): WindowConfig => ({ dir, url: sim.url, origin: sim.origin, caFile: sim.caFile, agents: ['101', '102'], agent: '101', password: PASSWORD, ...extra });
  const open = (extra: Partial<WindowConfig> = {}) => {
    const w = makeWindow(config(extra));
    windows.push(w);
    return w;
  };
  const status = (w: { monitor: GatewayMonitor }): SessionStatus | undefined => w.monitor.sessions.get('101');
  const numbers = (w: { monitor: GatewayMonitor }) => w.monitor.store.all().every((e) => e.state === 'ok');
  const polls = () => sim.stats.byPath.get('/agentgateway/resource/agentevent/101') ?? 0;

  afterEach(async () => {
    if (watcher) clearInterval(watcher);
    for (const c of children.splice(0)) await kill(c);
    for (const w of windows.splice(0)) {
      w.monitor.dispose();
      w.host.dispose();
    }
    let issued = 0;
    let found: string[] = [];
    try {
      // Every Guid the gateway handed out, not only those the watcher happened to sample.
      for (const g of sim?.sessions.stats.issued ?? []) guids.add(g);
      for (const f of filesContaining([dir], guids)) leaks.add(f);
      issued = guids.size;
      found = [...leaks];
    } finally {
      guids.clear();
      leaks.clear();
      // Stopped whatever the checks say: a simulator left listening keeps mocha from exiting.
      await sim?.stop();
    }
    assert.ok(issued > 0);
    assert.deepEqual(found, [], 'no Guid in any file of the shared folder, at any time');
  });

  it('one event loop for two windows, both show numbers with its Guid; the closing owner hands over without signing out, and the session goes on', async () => {
    // The vendor's ratio: a superseded Guid works for as long again as the interval (60 s + 60 s), so the handed-over one still does.
    await start({ rotateEveryMs: 1500, graceMs: 1500 });
    const a = open();
    const b = open();
    assert.equal(await a.monitor.signIn(id('101'), { password: PASSWORD }), true);
    assert.equal(await b.monitor.signIn(id('101'), { password: PASSWORD }), true, 'the second window follows');
    const followed = status(b);
    assert.equal(followed?.kind === 'signed-in' && followed.elsewhere, true, 'shown as signed in in another window');
    assert.equal(status(a)?.kind === 'signed-in' && !status(a)?.['elsewhere' as never], true);
    await until('numbers in both windows', () => numbers(a) && numbers(b), { timeoutMs: 8000 });
    const rotations = sim.sessions.stats.guidsIssued;
    await until('two rotations', () => sim.sessions.stats.guidsIssued >= rotations + 2, { timeoutMs: 10_000 });
    sim.simulateCall('102', { talkSeconds: 4 });
    await until('fresh numbers in the follower after the rotations', () => b.monitor.store.get('102')?.stats?.talktime === sim.counters('102').talktime, { timeoutMs: 5000 });
    assert.equal(sim.sessions.stats.signIns.length, 1, 'one sign-in for both windows');
    assert.equal(sim.sessions.stats.maxEventPollsInFlight.get('101'), 1, 'never two event polls at once');

    // The owner's window closes (deactivate): a window waits, so no logout.
    await a.monitor.shutdown();
    a.host.dispose();
    const closedAt = Date.now();
    assert.deepEqual(sim.sessions.stats.signOuts, [], 'not signed out: another window takes over');
    const before = polls();
    await until('the follower runs the session', () => status(b)?.kind === 'signed-in' && !(status(b) as { elsewhere?: boolean }).elsewhere && polls() > before + 2, { timeoutMs: 8000, diagnostics: () => JSON.stringify(status(b)) });
    console.log(`      handed over in ${Date.now() - closedAt} ms`);
    sim.simulateCall('102', { talkSeconds: 2 });
    await until('numbers after the handover', () => b.monitor.store.get('102')?.stats?.talktime === sim.counters('102').talktime, { timeoutMs: 5000 });
    assert.equal(sim.sessions.stats.signIns.length, 1, 'no second sign-in: the Guid it was given goes on');
    assert.equal(sim.sessions.stats.maxEventPollsInFlight.get('101'), 1, 'still never two event polls at once');
    assert.equal(sim.sessions.isSignedIn('101'), true);

    // The last window closes: nobody waits, so it signs out.
    await b.monitor.shutdown();
    assert.deepEqual(sim.sessions.stats.signOuts, ['101']);
  });

  it('an owner whose process dies is taken over once its heartbeat is stale, with the Guid it handed out (no second sign-in)', async () => {
    // As on a gateway with defaults (a new Guid every 60 s, the old one good for 60 s more, takeover within about 15 s):
    // the last Guid handed out still works when the heartbeat has gone stale.
    await start({ rotateEveryMs: 2000, graceMs: 4000 });
    const p = spawn(process.execPath, [path.resolve(__dirname, '../support/sessionWindow.js'), JSON.stringify(config())], { stdio: ['pipe', 'pipe', 'inherit'] });
    children.push(p);
    const lines: { signedIn?: boolean }[] = [];
    readline.createInterface({ input: p.stdout }).on('line', (l) => lines.push(JSON.parse(l) as { signedIn?: boolean }));
    await until('the other process signed in', () => lines.some((l) => l.signedIn === true), { timeoutMs: 10_000 });
    const b = open();
    assert.equal(await b.monitor.signIn(id('101'), { password: PASSWORD }), true);
    assert.equal((status(b) as { elsewhere?: boolean }).elsewhere, true);
    await until('numbers in the follower', () => numbers(b), { timeoutMs: 8000 });
    await kill(p);
    const killedAt = Date.now();
    await until('taken over', () => status(b)?.kind === 'signed-in' && !(status(b) as { elsewhere?: boolean }).elsewhere, { timeoutMs: 10_000 });
    const ms = Date.now() - killedAt;
    console.log(`      taken over ${ms} ms after the owner died`);
    assert.ok(ms >= 1000, 'not before the heartbeat is stale');
    const before = polls();
    await until('its event loop runs', () => polls() > before + 2, { timeoutMs: 5000 });
    assert.equal(sim.sessions.stats.signIns.length, 1, 'no second sign-in');
    assert.equal(sim.sessions.stats.maxEventPollsInFlight.get('101'), 1, 'never two event polls at once');
    assert.deepEqual(sim.sessions.stats.signOuts, []);
  });

  it('a window that takes over a session the gateway ended and cannot read the password says the session lapsed', async () => {
    await start();
    const a = open();
    const b = open({ password: undefined });
    assert.equal(await a.monitor.signIn(id('101'), { password: PASSWORD }), true);
    assert.equal(await b.monitor.signIn(id('101')), true);
    await until('numbers in the follower', () => numbers(b), { timeoutMs: 8000 });
    await a.monitor.shutdown();
    sim.sessions.forceSignOut('101');
    const s = await until('stopped', () => (status(b)?.kind === 'stopped' ? status(b) : undefined), { timeoutMs: 8000 });
    assert.match(s.kind === 'stopped' ? s.reason : '', /lapsed/);
    assert.equal(sim.sessions.stats.signIns.length, 1, 'no sign-in without a password');
  });

  it('Sign Out in the following window signs the agent out for every window', async () => {
    await start();
    const a = open();
    const b = open();
    assert.equal(await a.monitor.signIn(id('101'), { password: PASSWORD }), true);
    assert.equal(await b.monitor.signIn(id('101'), { password: PASSWORD }), true);
    await until('numbers in the follower', () => numbers(b), { timeoutMs: 8000 });
    await b.monitor.signOut('101');
    assert.deepEqual(sim.sessions.stats.signOuts, ['101']);
    await until('signed out in the owner window too', () => status(a)?.kind === 'signed-out' || status(a) === undefined);
    const before = polls();
    await sleep(800);
    assert.equal(polls(), before, 'no event poll after the sign-out');
  });
});
