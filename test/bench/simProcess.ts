// The simulator as a child process on loopback, for the bench (its CPU is measured apart from ours).
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';

export interface Sim {
  url: string;
  caFile: string;
  guid: string;
  child: ChildProcess;
}

export async function startSimProcess(extra: string[] = []): Promise<Sim> {
  const cli = path.join(__dirname, '..', '..', 'src', 'simulator', 'cli.js');
  // Static Guids and a CA of its own unless told otherwise (the CLI's defaults are the demo's: sessions, the cached CA).
  const child = spawn(process.execPath, [cli, '--json', '--calls-every', '0', '--auth', 'static', '--fresh-ca', ...extra], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
    setTimeout(() => reject(new Error('simulator did not start within 20 s')), 20_000).unref();
  });
  const info = JSON.parse(line) as { url: string; caFile: string; guid: string };
  return { ...info, child };
}

