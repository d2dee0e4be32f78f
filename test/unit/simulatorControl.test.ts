// The demo's simulator as a process of its own: `cli.js --control` is spawned, commands
// go to its stdin, and their effect is checked where VS Code would see it, at the HTTPS endpoint
// on loopback (certificate verification on, against the CA file the process printed). The
// process stops by itself when its stdin closes.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ControlAnswer } from '../../src/simulator/control';

const CLI = path.join(__dirname, '../../src/simulator/cli.js');
const PASSWORD = 'demo1234';

interface Info {
  url: string;
  caFile: string;
  caMessage: string;
  pid: number;
}

/** A running `cli.js --control --json`: its first line, and one answer per command sent. */
class SimProcess {
  private buffer = '';
  private readonly lines: string[] = [];
  private wake: (() => void) | undefined;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  private constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      this.buffer += d;
      let nl;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        this.lines.push(this.buffer.slice(0, nl));
        this.buffer = this.buffer.slice(nl + 1);
      }
      this.wake?.();
    });
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  static start(args: string[]): SimProcess {
    return new SimProcess(spawn(process.execPath, [CLI, '--json', '--control', ...args], { stdio: ['pipe', 'pipe', 'pipe'] }));
  }

  async nextLine(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length === 0) {
      if (this.child.exitCode !== null) throw new Error(`the simulator exited (${this.child.exitCode})`);
      if (Date.now() > deadline) throw new Error('no line from the simulator in time');
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 100);
      });
    }
    return this.lines.shift()!;
  }

  async info(): Promise<Info> {
    return JSON.parse(await this.nextLine()) as Info;
  }

  async send(command: string): Promise<ControlAnswer> {
    this.child.stdin.write(`${command}\n`);
    return JSON.parse(await this.nextLine()) as ControlAnswer;
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
  setGuid: string | undefined;
}

function call(info: Info, ca: string, pathname: string, method: string, guid?: string, body?: unknown): Promise<Reply> {
  const u = new URL(info.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=UTF-8' };
    if (guid) headers.Guid = guid;
    const req = https.request({ host: u.hostname, port: u.port, path: pathname, method, ca, agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => {
        const raw = res.headers['set-guid'];
        const setGuid = (Array.isArray(raw) ? raw[0] : raw)?.replace(/^JSESSIONID=/, '');
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown>, setGuid });
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const signIn = (info: Info, ca: string, agent = '101') => call(info, ca, `/agentgateway/resource/onlineagent/${agent}/loginex`, 'PUT', undefined, { password: PASSWORD, status: 3 });
const waiting = async (info: Info, ca: string, guid: string, queue: number): Promise<unknown> => {
  const r = await call(info, ca, '/agentgateway/resource/queuedevice/101/queryacdstat', 'POST', guid, { skills: [queue] });
  return (r.body.result as { queueSize: number }[])[0]?.queueSize;
};
const statistics = (info: Info, ca: string, guid: string) => call(info, ca, '/agentgateway/resource/calldata/101/statisticsEx', 'GET', guid);

describe('simulator control (the demo’s simulator process)', function () {
  this.timeout(30_000);
  let dir: string;
  const running: SimProcess[] = [];
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-control-'));
  });
  afterEach(() => {
    for (const p of running.splice(0)) p.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('queue, rotate, lock and outage commands show at the HTTPS endpoint; the process stops when its input closes', async () => {
    const sim = SimProcess.start(['--ca-dir', dir, '--agents', '101,102', '--calls-every', '0', '--event-hold', '200', '--rotate-every', '3600000']);
    running.push(sim);
    const info = await sim.info();
    assert.equal(info.pid, sim.child.pid, 'the simulator runs in a process of its own');
    const ca = fs.readFileSync(info.caFile, 'utf8');

    const first = await signIn(info, ca);
    assert.equal(first.body.retcode, '0');
    const guid = first.setGuid!;
    assert.ok(guid);

    // q: callers join a queue at once.
    assert.equal(await waiting(info, ca, guid, 1), 0);
    const queued = await sim.send('queue 1 5');
    assert.equal(queued.ok, true);
    assert.equal(await waiting(info, ca, guid, 1), 5);

    // r: a new session Guid now, handed out on the next event poll; the old one still works meanwhile.
    assert.equal((await sim.send('rotate')).ok, true);
    const poll = await call(info, ca, '/agentgateway/resource/agentevent/101', 'GET', guid);
    assert.ok(poll.setGuid && poll.setGuid !== guid, 'the event poll hands out a new Guid');
    const rotated = poll.setGuid;
    assert.equal((await statistics(info, ca, rotated)).body.retcode, '0');

    // l: the signed-in account is locked and signed out; its next sign-in is refused until unlocked.
    const locked = await sim.send('lock');
    assert.deepEqual(locked.status.locked, ['101']);
    assert.deepEqual(locked.status.signedIn, []);
    assert.equal((await signIn(info, ca)).body.retcode, '110-016');
    assert.equal((await signIn(info, ca, '102')).body.retcode, '0', 'only the locked account is refused');
    assert.deepEqual((await sim.send('lock')).status.locked, [], 'l again unlocks');
    const again = await signIn(info, ca);
    assert.equal(again.body.retcode, '0');

    // o: an outage, then a restart on the same port that forgets every session.
    const down = await sim.send('outage');
    assert.equal(down.status.up, false);
    await assert.rejects(statistics(info, ca, again.setGuid!), (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED');
    const up = await sim.send('outage');
    assert.equal(up.status.up, true);
    assert.equal(up.status.url, info.url, 'the same port');
    assert.notEqual((await statistics(info, ca, again.setGuid!)).body.retcode, '0', 'the restarted gateway forgot the session');
    assert.equal((await signIn(info, ca)).body.retcode, '0');

    // Bad input is answered, not fatal.
    const bad = await sim.send('explode');
    assert.equal(bad.ok, false);
    assert.match(bad.say, /Unknown command "explode"; commands: outage/);
    assert.match((await sim.send('queue 9')).say, /No real queue 9; queues: 1 Billing, 2 Sales, 3 Technical support/);
    assert.equal((await sim.send('queue 1 0')).ok, false);
    assert.equal((await sim.send('lock abc')).ok, false);

    sim.child.stdin.end();
    const exit = await Promise.race([sim.exited, new Promise((resolve) => setTimeout(resolve, 5000, 'still running'))]);
    assert.deepEqual(exit, { code: 0, signal: null }, 'stops by itself when its input closes');
  });

  it('a second start reuses the cached CA: a CA file trusted after the first run still verifies the second', async () => {
    const one = SimProcess.start(['--ca-dir', dir, '--calls-every', '0']);
    running.push(one);
    const info1 = await one.info();
    assert.match(info1.caMessage, /created/);
    const trusted = fs.readFileSync(info1.caFile, 'utf8');
    one.child.stdin.end();
    assert.equal((await one.exited).code, 0);

    const two = SimProcess.start(['--ca-dir', dir, '--calls-every', '0']);
    running.push(two);
    const info2 = await two.info();
    assert.match(info2.caMessage, /reused/);
    assert.notEqual(info2.url, '', 'serves');
    const r = await signIn(info2, trusted);
    assert.equal(r.body.retcode, '0', 'the first run’s CA file verifies the second run’s certificate');
    two.child.stdin.end();
    assert.equal((await two.exited).code, 0);
  });
});
