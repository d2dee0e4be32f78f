// What windows leave in the shared sessions folder: a window that closes removes its owner record
// (it holds the channel's token), its socket and its locks; the next window to start removes those
// of windows that died, and never what a live window uses. Windows are child processes here, so
// a crash is a real kill -9.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectChannel } from '../../src/core/sessions/channel';
import { leaseName, SessionHost } from '../../src/core/sessions/sessionHost';
import { child, kill } from '../support/childProcess';
import { TEST_LEASE } from '../support/sessionWindow';
import { sleep, until } from '../support/wait';

const tmpDirs: string[] = [];
function sessionsDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-leftovers-'));
  tmpDirs.push(d);
  return path.join(d, 'sessions');
}
/** The stale time and a second: proper-lockfile may set a new lock's time up to a second ahead. */
const STALE_WAIT_MS = TEST_LEASE.timing.staleMs + 1_500;
const list = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []);

/** A window in a child process holding the lease of `key`; prints its window id, then `ready`; `close` on stdin disposes it and exits at once. */
function windowProcess(dir: string, key: string): Promise<ChildProcess> {
  return child(`
    const { SessionHost } = require('./out/src/core/sessions/sessionHost');
    const host = new SessionHost(${JSON.stringify(dir)}, ${JSON.stringify(TEST_LEASE)});
    host.acquire(${JSON.stringify(key)}, () => undefined).then((l) => { if (l) console.log('ready'); });
    process.stdin.on('data', (d) => { if (String(d).includes('close')) { host.dispose(); process.exit(0); } });
    setInterval(() => {}, 1000);`);
}

after(() => {
  for (const d of tmpDirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('session sharing: nothing left behind by windows', function () {
  this.timeout(20_000);
  const children: ChildProcess[] = [];
  const hosts: SessionHost[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) await kill(c);
    for (const h of hosts.splice(0)) h.dispose();
  });
  const host = (dir: string) => {
    const h = new SessionHost(dir, TEST_LEASE);
    hosts.push(h);
    return h;
  };

  it('after a clean close no file of that window remains (record, socket, lock), even when the process exits at once', async function () {
    if (process.platform === 'win32') this.skip();
    const dir = sessionsDir();
    const p = await windowProcess(dir, 'https://gw.example|101');
    children.push(p);
    const name = leaseName('https://gw.example|101');
    assert.deepEqual(list(dir).filter((f) => !f.endsWith('.sock')), [`${name}.json`, `${name}.lock`], 'while it runs: its record and lock');
    assert.equal(list(dir).filter((f) => f.endsWith('.sock')).length, 1, 'and its socket');
    const exited = new Promise((resolve) => p.once('exit', resolve));
    p.stdin?.write('close\n');
    await exited;
    assert.deepEqual(list(dir), [], 'nothing of the closed window is left');
  });

  it('in one process: dispose removes the record and socket at once, and the lock', async () => {
    const dir = sessionsDir();
    const h = host(dir);
    assert.ok(await h.acquire('https://gw.example|102', () => undefined));
    assert.equal(list(dir).length, 3);
    h.dispose();
    assert.deepEqual(list(dir).filter((f) => !f.endsWith('.lock')), [], 'record and socket gone when dispose returns');
    await until('the lock released', () => list(dir).length === 0, { timeoutMs: 2000 });
  });

  it('after a kill -9 the next start removes its record and socket, and its lock once stale (not before)', async function () {
    if (process.platform === 'win32') this.skip();
    const dir = sessionsDir();
    const key = 'https://gw.example|103';
    const name = leaseName(key);
    const p = await windowProcess(dir, key);
    children.push(p);
    await kill(p);
    assert.equal(list(dir).length, 3, 'the crash left record, socket and lock');
    const next = host(dir);
    const early = await next.removeLeftovers();
    assert.deepEqual(list(dir), [`${name}.lock`], 'record and socket of the dead window removed; the lock is not stale yet');
    assert.deepEqual(early, { records: 1, sockets: 1, locks: 0 });
    await sleep(STALE_WAIT_MS);
    const late = await host(dir).removeLeftovers();
    assert.deepEqual(late, { records: 0, sockets: 0, locks: 1 });
    assert.deepEqual(list(dir), [], 'the stale lock removed too');
  });

  it("a live window's record, socket and fresh lease are kept, beside a dead window's that go", async function () {
    if (process.platform === 'win32') this.skip();
    const dir = sessionsDir();
    const live = await windowProcess(dir, 'https://gw.example|104');
    children.push(live);
    const liveFiles = list(dir);
    const dead = await windowProcess(dir, 'https://gw.example|105');
    children.push(dead);
    await kill(dead);
    const deadFiles = list(dir).filter((f) => !liveFiles.includes(f));
    assert.equal(deadFiles.length, 3);
    await sleep(STALE_WAIT_MS);
    const mine = host(dir);
    assert.ok(await mine.acquire('https://gw.example|106', () => undefined));
    const mineFiles = list(dir).filter((f) => !liveFiles.includes(f) && !deadFiles.includes(f));
    assert.deepEqual(await mine.removeLeftovers(), { records: 1, sockets: 1, locks: 1 });
    assert.deepEqual(list(dir), [...liveFiles, ...mineFiles].sort(), "the live window's files and the starting window's own are kept");
    // The live window still answers on its channel with the token of its record.
    const record = JSON.parse(fs.readFileSync(path.join(dir, `${leaseName('https://gw.example|104')}.json`), 'utf8')) as { socket: string; token: string };
    const peer = await connectChannel(record.socket, record.token);
    assert.ok(peer, 'the live window is still reachable');
    peer.close();
  });
});
