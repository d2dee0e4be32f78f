// A real redis-server (Debian's package, installed by `npm test`'s prerequisites) on a loopback
// port, for the team transport's tests and the benchmark: started and stopped by the test,
// no persistence, a password so the client's AUTH is exercised. Stop, pause (SIGSTOP) and
// restart on the same port play a Redis outage.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePortNumber } from './ports';

export const REDIS_SERVER = process.env.CCGW_REDIS_SERVER ?? '/usr/bin/redis-server';

export function redisServerAvailable(): boolean {
  return spawnSync(REDIS_SERVER, ['--version'], { encoding: 'utf8' }).status === 0;
}

export class RedisServer {
  private proc: ChildProcess | undefined;
  readonly password = `team-${Math.random().toString(36).slice(2)}`;

  private constructor(readonly port: number) {}

  /** Started for a test suite, or an error that says how to get the server. */
  static async required(): Promise<RedisServer> {
    if (!redisServerAvailable()) throw new Error(`${REDIS_SERVER} is missing: npm test installs Debian's redis-server (scripts/lib/prereqs.mjs)`);
    return RedisServer.start();
  }

  static async start(): Promise<RedisServer> {
    const s = new RedisServer(await freePortNumber());
    await s.up();
    return s;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.proc !== undefined;
  }

  /** Starts (again) on the same port; resolves once it accepts connections. */
  up(): Promise<void> {
    if (this.proc) return Promise.resolve();
    const proc = spawn(REDIS_SERVER, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--requirepass', this.password, '--loglevel', 'notice'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    return new Promise((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`redis-server did not start on ${this.port}: ${out}`)), 10_000);
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once('exit', (code) => {
        if (this.proc === proc) this.proc = undefined;
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}): ${out}`));
      });
    });
  }

  /** Stops it (SIGKILL when `crash`); resolves once the process is gone. */
  down(crash = false): Promise<void> {
    const proc = this.proc;
    if (!proc) return Promise.resolve();
    this.proc = undefined;
    return new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill(crash ? 'SIGKILL' : 'SIGTERM');
    });
  }

  /** SIGSTOP / SIGCONT: a Redis that hangs without closing its connections. */
  pause(): void {
    this.proc?.kill('SIGSTOP');
  }

  resume(): void {
    this.proc?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    this.resume();
    await this.down();
  }
}
