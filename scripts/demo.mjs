// `npm run demo`: the extension for real against the built-in CC-Gateway simulator.
// Installs what is missing, builds, starts the simulator in a process of its own (numbers
// grow as simulated calls happen; its CA is kept in .cache/simulator-ca/ across runs), then
// opens a real VS Code with the extension loaded and configured: desktop `code` when it is
// installed, otherwise code-server in the browser.
// The simulator authenticates dynamically by default, as new gateways do (a new Guid every
// minute): sign in from VS Code with the printed throwaway agent and password. `--static`
// runs a legacy static gateway whose printed Guid can be pasted into "Set Guid…".
// Keys in this terminal drive the gateway (scripts/lib/demoScenarios.mjs: outage, Guid
// rotation, a locked account, a growing queue); `--scenario outage|rotation|busy-day` plays
// a scripted one. Ctrl+C, SIGTERM, SIGHUP (its terminal closed) stop everything this script
// started: the workbench server's whole process group, the simulator, any build still
// running (test/demo/stopCheck.mjs checks it with ps).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { KEYS, LEGEND, scenarioFromArgs } from './lib/demoScenarios.mjs';
import { ensurePrereqs, needsNpmCi, repoRoot, runCommand, terminateAllTracked } from './lib/prereqs.mjs';
import { DEMO_CA_DIR, startSimulatorProcess } from './lib/simulatorProcess.mjs';

const args = process.argv.slice(2);
const forceBrowser = args.includes('--browser');
const staticAuth = args.includes('--static');
let scenario;
try {
  scenario = scenarioFromArgs(args);
} catch (e) {
  console.error(`demo: ${e.message}`);
  process.exit(2);
}
const DEMO_PASSWORD = 'demo1234'; // the simulator's throwaway password (src/simulator/cli.ts)
const agents = ['101', '102', '103', '104', '105'];

function say(line) {
  console.log(line);
}

// Everything to stop, newest last. Signals are handled from the start, so a build or a
// server still starting is stopped too; every child runs in a process group of its own
// (prereqs.mjs), which the terminal's SIGHUP does not reach: we end them ourselves.
const cleanups = [];
let stopping = false;
async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const c of cleanups.reverse()) await Promise.resolve(c()).catch(() => undefined);
  await terminateAllTracked(); // the workbench server's group, a build in progress
  process.exit(code);
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stopAll(0));
// A closed terminal makes writes fail (EIO/EPIPE): that must not kill us before the cleanup.
for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);

async function main() {
  const t0 = Date.now();
  const why = needsNpmCi();
  if (why) {
    say(`Installing npm dependencies (npm ci: ${why})…`);
    await runCommand('npm', ['ci', '--no-audit', '--no-fund'], { timeoutMs: 600_000 });
  }
  say('Building the extension and the simulator…');
  await runCommand('npm', ['run', '--silent', 'build'], { timeoutMs: 300_000 });
  await runCommand('npx', ['tsc', '-p', '.'], { timeoutMs: 300_000 });

  // Queues come with the simulator; the overload control answers 000-007 as a gateway would.
  const simArgs = ['--agents', agents.join(','), '--auth', staticAuth ? 'static' : 'dynamic', '--password', DEMO_PASSWORD, '--overload-control', '--ca-dir', DEMO_CA_DIR];
  const simProcess = await startSimulatorProcess([...simArgs, ...(scenario?.simulatorArgs ?? [])]);
  cleanups.push(() => simProcess.stop());
  const sim = simProcess.info;
  const settings = { 'ccGateway.gatewayUrl': sim.url, 'ccGateway.tls.caFile': sim.caFile, 'ccGateway.agents': agents, 'ccGateway.pollIntervalSeconds': 5 };

  const hasDesktopCode = !forceBrowser && spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
  say('');
  say(`CC-Gateway simulator: ${sim.url}   (agents ${agents.join(', ')}; process ${simProcess.pid})`);
  say(`CA file:              ${sim.caFile}`);
  say(`                      ${sim.caMessage}`);
  if (staticAuth) say(`Guid for the demo:    ${sim.guid}   (static gateway: paste it into "Set Guid…")`);
  else say(`Sign in as:           agent 101 (or 102…105), password ${DEMO_PASSWORD}   (dynamic gateway: the Guid changes every minute)`);
  say('');
  if (hasDesktopCode) {
    const workspace = fs.mkdtempSync(path.join(repoRoot, '.vscode-test', 'demo-'));
    fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify(settings, null, 2));
    const child = spawn('code', ['--new-window', `--extensionDevelopmentPath=${repoRoot}`, workspace], { stdio: 'inherit' });
    child.on('error', () => undefined);
    say(`Opened desktop VS Code with the extension. In it: CC-Gateway view → ${staticAuth ? '"Set Guid…" → paste the Guid above' : '"Sign In…" → agent and password above'}.`);
  } else {
    const { startCodeServer } = await import('./lib/codeServer.mjs');
    await ensurePrereqs({ needBrowser: false, log: (l) => say(`  ${l}`) });
    const server = await startCodeServer({ userSettings: settings });
    cleanups.push(() => server.stop());
    say('Open this URL in a browser on this machine (or forward the port):');
    say(`  ${server.url()}`);
    say(`In it: the CC-Gateway icon in the activity bar → ${staticAuth ? '"Set Guid…" → paste the Guid above' : '"Sign In…" → agent and password above'}.`);
  }
  say('Queues (Billing, Sales, Technical support) show in the Queues view once an agent is signed in: the gateway answers queue numbers to a signed-in agent only.');
  simProcess.onAnswer((a) => a.command !== 'status' && say(`  [gateway] ${a.say}`));
  simProcess.exited.then(({ code, signal }) => {
    if (!stopping) say(`  [gateway] the simulator process ended (${code ?? signal}); restart the demo.`);
  });
  listenToKeys(simProcess);
  if (scenario) void playScenario(simProcess, scenario);
  say(`Ready after ${Math.round((Date.now() - t0) / 1000)} s. Press Ctrl+C to stop the simulator and the server.`);
  await new Promise(() => undefined); // runs until a signal arrives
}

/** The keys of LEGEND, read raw from this terminal (no Enter needed); Ctrl+C and Ctrl+D stop. */
function listenToKeys(simProcess) {
  if (!process.stdin.isTTY) {
    say('(Not a terminal: the gateway keys are off; --scenario still plays.)');
    return;
  }
  say(LEGEND);
  process.stdin.setRawMode(true);
  cleanups.unshift(() => process.stdin.isTTY && process.stdin.setRawMode(false)); // runs last
  process.stdin.setEncoding('utf8').on('data', (text) => {
    for (const key of text) {
      if (key === '\u0003' || key === '\u0004') return void stopAll(0); // raw mode: Ctrl+C arrives as a byte
      const command = KEYS[key.toLowerCase()];
      if (command === 'status') void simProcess.send(command).then((a) => say(`  [gateway] ${describe(a)}`));
      else if (command) void simProcess.send(command);
      else if (key.trim() !== '') say(`  ${LEGEND}`);
    }
  });
}

async function playScenario(simProcess, { name, about, steps }) {
  say(`Scenario ${name}: ${about}. It starts when somebody signs in${staticAuth ? ' (with --static: in 30 s)' : ''}.`);
  const waitUntil = Date.now() + 30_000;
  for (;;) {
    if (stopping) return;
    const a = await simProcess.send('status');
    if (a.status === undefined) return;
    if (a.status.signedIn.length > 0 || (staticAuth && Date.now() > waitUntil)) break;
    await sleep(2000);
  }
  let elapsed = 0;
  for (const step of steps) {
    await sleep(step.afterMs - elapsed);
    elapsed = step.afterMs;
    if (stopping) return;
    say(`Scenario ${name}, ${Math.round(step.afterMs / 1000)} s: ${step.command}. Watch: ${step.watch}.`);
    await simProcess.send(step.command);
  }
  say(`Scenario ${name} done; the keys still work.`);
}

function describe({ say: line, status }) {
  if (!status) return line;
  const list = (xs) => (xs.length ? xs.join(', ') : 'nobody');
  return `${status.up ? 'up' : 'DOWN'} · signed in: ${list(status.signedIn)} · locked: ${list(status.locked)} · waiting: ${status.queues.map((q) => `${q.name} ${q.waiting}`).join(', ')}`;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

main().catch((e) => {
  console.error(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
  void stopAll(1);
});
