// Windows of the session tests in child processes: started with a script, killed like a crashed extension host.
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import * as readline from 'node:readline';

/** A child process running `code` (CommonJS, with `out/` modules at hand); resolves once it printed `ready`. */
export async function child(code: string): Promise<ChildProcess> {
  const p = spawn(process.execPath, ['-e', code], { cwd: path.resolve(__dirname, '../../..'), stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    p.once('exit', (c) => reject(new Error(`child exited early (${c})`)));
    readline.createInterface({ input: p.stdout }).on('line', (l) => l === 'ready' && resolve());
  });
  return p;
}

export function kill(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    p.once('exit', () => resolve());
    p.kill('SIGKILL');
  });
}
