// Checks that `npm run demo` leaves no process behind when it is stopped: starts
// scripts/demo.mjs (code-server mode) in its own process group, waits until it prints the
// workbench URL, opens it in a headless Chromium (so the server also runs an extension host
// and a pty host, as when someone uses the demo), records every process the demo started
// (its descendants and their process groups), sends the signal, and lists, with `ps`,
// whatever of those is still alive.
//   node test/demo/stopCheck.mjs [SIGTERM|SIGHUP|SIGINT ...]   (default: SIGTERM SIGHUP)
// SIGHUP goes to the demo's whole process group, as a closing terminal sends it; the
// others to the demo process alone, as `kill <pid>` does. Exit code 1 when anything is left.
// It also checks that the simulator runs as a process of its own (cli.js --control, which the
// demo's keys and --scenario drive) and that a bad --scenario is refused with the choices.
import { spawn, spawnSync } from 'node:child_process';
import * as path from 'node:path';
import process from 'node:process';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../../scripts/lib/codeServer.mjs';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const signals = process.argv.slice(2).length ? process.argv.slice(2) : ['SIGTERM', 'SIGHUP'];

/** pid → { pgid, ppid, args } of every process now. */
function processes() {
  const out = spawnSync('ps', ['-eo', 'pid=,pgid=,ppid=,args='], { encoding: 'utf8' }).stdout;
  const map = new Map();
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (m) map.set(Number(m[1]), { pgid: Number(m[2]), ppid: Number(m[3]), args: m[4] });
  }
  return map;
}

/** The process `root` and all its descendants, with their groups. */
function tree(root) {
  const all = processes();
  const found = new Map();
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift();
    const p = all.get(pid);
    if (!p || found.has(pid)) continue;
    found.set(pid, p);
    for (const [child, c] of all) if (c.ppid === pid) queue.push(child);
  }
  return found;
}

async function check(signal) {
  const demo = spawn(process.execPath, [path.join(repoRoot, 'scripts', 'demo.mjs'), '--browser', '--scenario', 'outage'], { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  demo.stdout.setEncoding('utf8').on('data', (d) => (output += d));
  demo.stderr.setEncoding('utf8').on('data', (d) => (output += d));
  const exited = new Promise((resolve) => demo.on('exit', (code, sig) => resolve({ code, sig })));
  const deadline = Date.now() + 240_000;
  while (!output.includes('Press Ctrl+C')) {
    if (Date.now() > deadline) throw new Error(`the demo did not get ready within 240 s:\n${output.slice(-2000)}`);
    if (demo.exitCode !== null) throw new Error(`the demo exited early (${demo.exitCode}):\n${output.slice(-2000)}`);
    await delay(250);
  }
  const url = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\S*)$/m.exec(output)?.[1];
  if (!url) throw new Error(`no workbench URL in the demo's output:\n${output.slice(-2000)}`);
  const browser = await launchBrowser();
  await browser.page.goto(url, { timeout: 60_000 });
  await browser.page.locator('.part.activitybar').waitFor({ state: 'visible', timeout: 60_000 });
  await delay(3000); // the extension host and the pty host start once a window connects
  const started = tree(demo.pid);
  const groups = new Set([...started.values()].map((p) => p.pgid));
  const names = [...started.values()].map((p) => p.args.split(' ').slice(0, 2).join(' ').slice(0, 90));
  console.log(`${signal}: the demo (pid ${demo.pid}) runs ${started.size} process(es) in ${groups.size} group(s): ${[...new Set(names)].join(', ')}`);
  if (![...started.values()].some((p) => /code-server|entry\.js/.test(p.args))) throw new Error('no code-server process found under the demo');
  if (![...started.values()].some((p) => /simulator[/\\]cli\.js .*--control/.test(p.args))) throw new Error('no simulator process (cli.js --control) found under the demo');
  if (!/Scenario outage: /.test(output)) throw new Error(`the demo did not announce its scenario:\n${output.slice(-2000)}`);

  if (signal === 'SIGHUP') process.kill(-demo.pid, signal); // a closing terminal signals the foreground group
  else process.kill(demo.pid, signal);
  const result = await Promise.race([exited, delay(30_000).then(() => undefined)]);
  await browser.close();
  await delay(1000);
  const now = processes();
  const left = [...now].filter(([pid, p]) => started.has(pid) || groups.has(p.pgid));
  for (const [pid, p] of left) console.log(`  left behind: ${pid} (group ${p.pgid}) ${p.args.slice(0, 160)}`);
  // Clean up whatever a failed check left, so the next check (and the machine) starts clean.
  for (const g of groups) {
    try {
      process.kill(-g, 'SIGKILL');
    } catch {
      // gone
    }
  }
  if (!result) console.log(`  the demo did not exit within 30 s of ${signal}`);
  else console.log(`  the demo exited (${result.code ?? result.sig}); ${left.length} process(es) left`);
  return result !== undefined && left.length === 0;
}

let ok = true;
const bad = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'demo.mjs'), '--scenario', 'nope'], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 });
if (bad.status !== 2 || !/--scenario needs one of: outage, rotation, busy-day/.test(bad.stderr)) {
  console.log(`a bad --scenario: exit ${bad.status}, ${bad.stderr.trim()} (expected exit 2 and the choices)`);
  ok = false;
} else console.log('a bad --scenario is refused with the choices');
for (const s of signals) ok = (await check(s)) && ok;
console.log(ok ? 'demo stop check: nothing left behind' : 'demo stop check: FAILED');
process.exit(ok ? 0 : 1);
