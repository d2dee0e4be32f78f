// The demo's CC-Gateway simulator as a child process of its own (out/src/simulator/cli.js
// --control --json), so the demo can stop and restart the gateway, rotate Guids, lock
// accounts and fill queues while VS Code talks to it. Commands go to the child's stdin, one
// JSON answer per line comes back (src/simulator/control.ts). The child stops by itself when
// its stdin closes, so it never outlives the demo, even one killed with SIGKILL.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { repoRoot } from './prereqs.mjs';

/** The CA kept across demo runs (gitignored), so a CA file trusted once stays valid. */
export const DEMO_CA_DIR = path.join(repoRoot, '.cache', 'simulator-ca');

/**
 * Starts the simulator process; resolves once it serves, with its first JSON line as `info`
 * ({ url, caFile, guid, auth, caMessage, pid }). `args`: further cli.js arguments.
 */
export async function startSimulatorProcess(args = [], { startTimeoutMs = 30_000 } = {}) {
  const cli = path.join(repoRoot, 'out', 'src', 'simulator', 'cli.js');
  const child = spawn(process.execPath, [cli, '--json', '--control', ...args], { cwd: repoRoot, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.on('error', () => undefined); // a child that died: its answer says so
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const waiting = []; // resolvers of sent commands, oldest first
  const listeners = [];
  let info;
  let partial = '';
  let resolveInfo;
  const ready = new Promise((resolve) => (resolveInfo = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk) => {
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.trim() === '') continue;
      let message;
      try {
        message = JSON.parse(line);
      } catch {
        continue;
      }
      if (!info) {
        info = message;
        resolveInfo();
        continue;
      }
      waiting.shift()?.(message);
      for (const l of listeners) l(message);
    }
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const failed = exited.then(({ code, signal }) => {
    for (const w of waiting.splice(0)) w({ ok: false, say: `the simulator process has exited (${code ?? signal})`, status: undefined });
    if (!info) throw new Error(`the simulator process exited (${code ?? signal}) before it served:\n${stderr}`);
  });
  await Promise.race([ready, failed, delay(startTimeoutMs).then(() => Promise.reject(new Error(`the simulator did not start within ${startTimeoutMs / 1000} s:\n${stderr}`)))]).catch((err) => {
    child.kill('SIGKILL');
    throw err;
  });
  return {
    info,
    pid: child.pid,
    exited,
    /** Sends one control command; resolves with its answer { ok, command, say, status }. */
    send(command) {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ ok: false, say: 'the simulator process has exited', status: undefined });
      return new Promise((resolve) => {
        waiting.push(resolve);
        child.stdin.write(`${command}\n`);
      });
    },
    onAnswer(listener) {
      listeners.push(listener);
    },
    /** Closes its stdin (it stops by itself), SIGKILL after `graceMs`. */
    async stop(graceMs = 5000) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.stdin.end();
      const done = await Promise.race([exited.then(() => true), delay(graceMs).then(() => false)]);
      if (!done) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
