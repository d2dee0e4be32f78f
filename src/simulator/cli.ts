// Command-line front end of the CC-Gateway simulator, for demos and scripts (`npm run simulator`):
//   node out/src/simulator/cli.js [--port 8043] [--agents 101,102,103] [--calls-every 3000] [--auth dynamic|static]
//     [--password P] [--ca-dir DIR | --fresh-ca] [--control] [--json]
// Prints the URL, the CA file and the (throwaway, test-only) Guid; with --json a single JSON line
// {"url","caFile","guid","auth","caMessage","pid"} that scripts parse. Dynamic authentication (sign-in
// sessions, as the demo) is the default. The CA is kept in .cache/simulator-ca/ (caCache.ts) unless
// --fresh-ca. --control: commands on stdin, one JSON answer per line (control.ts); the process
// stops by itself when stdin closes, so it never outlives the demo that started it.
import * as path from 'node:path';
import * as readline from 'node:readline';
import { loadOrCreateCa, type CachedCa } from './caCache';
import { SimulatorControl } from './control';
import { startSimulator, type Simulator } from './simulator';

export interface CliOptions {
  port: number;
  agents: string[];
  callsEveryMs: number;
  json: boolean;
  /** AUTHMODE: dynamic (2, the vendor's default: a new Guid every 60 s, handed out to signed-in sessions) or static (1). */
  auth: 'static' | 'dynamic';
  /** The password every agent signs in with. */
  password: string;
  /** Dynamic mode: a new Guid this often (GUIDINTERVAL). */
  rotateEveryMs?: number;
  /** How long an idle event poll is held (about 10 s on a real gateway). */
  eventHoldMs?: number;
  /** Answer 000-007 past 5 counted requests per agent in 2 s (off: the benchmark's ceiling hammers one agent). */
  overloadControl?: boolean;
  /** Where the CA is kept across runs; undefined: a new CA in a temporary folder (--fresh-ca). */
  caDir?: string;
  /** Read control commands from stdin (control.ts) and stop when it closes. */
  control?: boolean;
}

/** The repository's `.cache/simulator-ca/` (gitignored): this file runs from out/src/simulator/. */
export const DEFAULT_CA_DIR = path.resolve(__dirname, '..', '..', '..', '.cache', 'simulator-ca');

/** The demo's password: a throwaway for the simulator only. */
export const DEMO_PASSWORD = 'demo1234';

const USAGE = 'Usage: cli.js [--port 8043] [--agents 101,102,103] [--calls-every 3000] [--auth dynamic|static] [--password P] [--rotate-every ms] [--event-hold ms] [--overload-control] [--ca-dir DIR | --fresh-ca] [--control] [--json]';

/** Parse argv (without node and script). Throws an Error with a usage hint on bad input. */
export function parseArgs(argv: readonly string[]): CliOptions {
  const opts: CliOptions = { port: 0, agents: ['101', '102', '103', '104', '105'], callsEveryMs: 3000, json: false, auth: 'dynamic', password: DEMO_PASSWORD, caDir: DEFAULT_CA_DIR };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(0, eq) : arg;
    const inline = eq >= 0 ? arg.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new Error(`${name} needs a value. ${USAGE}`);
      return v;
    };
    switch (name) {
      case '--port': {
        const p = Number(value());
        if (!Number.isInteger(p) || p < 0 || p > 65535) throw new Error(`--port must be 0..65535. ${USAGE}`);
        opts.port = p;
        break;
      }
      case '--agents': {
        const list = value().split(',').map((s) => s.trim()).filter((s) => s !== '');
        if (list.length === 0 || list.some((a) => !/^[0-9]{1,7}$/.test(a))) throw new Error(`--agents must be digits separated by commas. ${USAGE}`);
        opts.agents = list;
        break;
      }
      case '--calls-every': {
        const ms = Number(value());
        if (!Number.isFinite(ms) || ms < 0) throw new Error(`--calls-every must be milliseconds (0 disables). ${USAGE}`);
        opts.callsEveryMs = ms;
        break;
      }
      case '--json':
        opts.json = true;
        break;
      case '--overload-control':
        opts.overloadControl = true;
        break;
      case '--control':
        opts.control = true;
        break;
      case '--ca-dir':
        opts.caDir = path.resolve(value());
        break;
      case '--fresh-ca':
        opts.caDir = undefined;
        break;
      case '--auth': {
        const v = value();
        if (v !== 'static' && v !== 'dynamic') throw new Error(`--auth must be static or dynamic. ${USAGE}`);
        opts.auth = v;
        break;
      }
      case '--rotate-every':
      case '--event-hold': {
        const ms = Number(value());
        if (!Number.isInteger(ms) || ms < 10 || ms > 3_600_000) throw new Error(`${name} must be milliseconds (10..3600000). ${USAGE}`);
        if (name === '--rotate-every') opts.rotateEveryMs = ms;
        else opts.eventHoldMs = ms;
        break;
      }
      case '--password': {
        const v = value();
        if (v.length > 32) throw new Error(`--password must be at most 32 characters. ${USAGE}`);
        opts.password = v;
        break;
      }
      case '--help':
      case '-h':
        throw new Error(USAGE);
      default:
        throw new Error(`Unknown argument "${arg}". ${USAGE}`);
    }
  }
  return opts;
}

async function main(): Promise<void> {
  let opts: CliOptions;
  try {
    opts = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 2;
    return;
  }
  let cached: CachedCa | undefined;
  if (opts.caDir !== undefined) cached = await loadOrCreateCa(opts.caDir);
  const sim: Simulator = await startSimulator({
    port: opts.port,
    ...(cached ? { ca: cached.ca, caDir: cached.dir } : {}),
    autoCalls: opts.callsEveryMs > 0 ? { everyMs: opts.callsEveryMs, agents: opts.agents } : undefined,
    auth: { mode: opts.auth === 'dynamic' ? 2 : 1, defaultPassword: opts.password, rotateEveryMs: opts.rotateEveryMs, eventHoldMs: opts.eventHoldMs },
    overloadControl: opts.overloadControl,
  });
  // A center to watch: each agent works in one queue, every second one in Billing too.
  if (opts.callsEveryMs > 0) assignQueues(sim, opts.agents);
  // The simulator's timers are unref'd; this keeps the process alive until a signal.
  const keepAlive = setInterval(() => undefined, 1 << 30);

  let stopping = false;
  const shutdown = (why: string): void => {
    if (stopping) return;
    stopping = true;
    clearInterval(keepAlive);
    if (opts.control) process.stdin.destroy();
    if (!opts.json) process.stderr.write(`\n${why}: stopping the simulator\n`);
    sim.stop().then(
      () => {
        process.exitCode = 0;
      },
      (err: unknown) => {
        process.stderr.write(`stop failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);

  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ url: sim.url, caFile: sim.caFile, guid: sim.guid, auth: opts.auth, caMessage: cached?.message ?? 'A new CA for this run only (--fresh-ca).', pid: process.pid })}\n`);
  } else {
    process.stdout.write(
      [
        'CC-Gateway simulator running (test gateway; the Guid below is throwaway)',
        `  URL:     ${sim.url}`,
        `  CA file: ${sim.caFile}`,
        `           ${cached?.message ?? 'A new CA for this run only (--fresh-ca).'}`,
        opts.auth === 'dynamic'
          ? `  Sign in: agent ${opts.agents[0]} (any of ${opts.agents.join(', ')}), password ${opts.password} (dynamic authentication: a pasted Guid dies within 2 minutes)`
          : `  Guid:    ${sim.guid}`,
        `  Agents:  ${opts.agents.join(', ')} (all signed in${opts.callsEveryMs > 0 ? `, simulated calls every ${opts.callsEveryMs} ms` : ''})`,
        opts.control ? '  Control: type a command and Enter (outage, rotate, lock, unlock, queue, move, status); Ctrl+D or Ctrl+C stops.' : '  Press Ctrl+C to stop.',
        '',
      ].join('\n'),
    );
  }
  if (opts.control) {
    const control = new SimulatorControl(sim, opts.agents);
    const lines = readline.createInterface({ input: process.stdin, terminal: false });
    // One command at a time, in order: a restart must finish before the next command sees the state.
    let queue = Promise.resolve();
    lines.on('line', (line) => {
      if (line.trim() === '') return;
      queue = queue.then(async () => {
        const answer = await control.run(line);
        process.stdout.write(`${opts.json ? JSON.stringify(answer) : answer.say}\n`);
      });
    });
    // The parent went away (or Ctrl+D): stop by ourselves.
    lines.once('close', () => void queue.then(() => shutdown('control input closed')));
  }
}

/** Spreads `agents` over the real queues: agent i in queue i mod n, every second one also in the first. */
export function assignQueues(sim: Simulator, agents: readonly string[]): void {
  const real = sim.queues.all().filter((q) => q.realFlag === 1);
  if (real.length === 0) return;
  for (const q of real) {
    q.members = [];
    q.everyone = false;
  }
  agents.forEach((a, i) => {
    real[i % real.length].members.push(a);
    if (i % 2 === 1 && i % real.length !== 0) real[0].members.push(a);
  });
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(`simulator failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
