// Scripted scenarios of `npm run demo -- --scenario <name>`: timed control commands
// (src/simulator/control.ts) with a line that says what to watch in VS Code. A scenario
// starts when somebody signs in (or after 30 s with --static, where nobody signs in).

/** The keys of the demo terminal and the control command each sends. */
export const KEYS = {
  o: 'outage',
  r: 'rotate',
  l: 'lock',
  q: 'queue 1 8',
  m: 'move',
  s: 'status',
};
export const LEGEND = 'Keys: o gateway down/up (outage) · r rotate session Guids now · l lock/unlock the signed-in account · q 8 callers join Billing · m move an agent to another queue · s status · Ctrl+C stop';

export const SCENARIOS = {
  outage: {
    about: 'the gateway goes down for a minute, then restarts and forgets every session',
    simulatorArgs: [],
    steps: [
      { afterMs: 20_000, command: 'down', watch: 'agent rows turn stale; Total, teams and the status bar say the numbers are not current; the session row says reconnecting' },
      { afterMs: 80_000, command: 'up', watch: 'the extension signs in again by itself and the numbers come back, with no notification asking for a Guid' },
    ],
  },
  rotation: {
    about: 'the gateway hands out a new session Guid every 20 s (a real one: every 60 s)',
    simulatorArgs: [],
    steps: [20_000, 40_000, 60_000, 80_000].map((afterMs) => ({ afterMs, command: 'rotate', watch: 'nothing should change on screen: the new Guid arrives with the next event poll and the old one keeps working meanwhile' })),
  },
  'busy-day': {
    about: 'calls every second and callers piling up in the queues',
    simulatorArgs: ['--calls-every', '1000'],
    steps: [
      { afterMs: 10_000, command: 'queue 1 6', watch: 'Billing waiting calls grow in the Queues view' },
      { afterMs: 30_000, command: 'queue 3 5', watch: 'Technical support grows too; a crossed queue threshold shows ⚠' },
      { afterMs: 50_000, command: 'queue 1 12', watch: 'the longest wait climbs while the free agents work the queue down' },
    ],
  },
};

/** The scenario named in argv (`--scenario name` or `--scenario=name`); throws with the choices on a bad one. */
export function scenarioFromArgs(args) {
  const i = args.findIndex((a) => a === '--scenario' || a.startsWith('--scenario='));
  if (i < 0) return undefined;
  const name = args[i].includes('=') ? args[i].slice('--scenario='.length) : args[i + 1];
  if (!name || !Object.hasOwn(SCENARIOS, name)) {
    throw new Error(`--scenario needs one of: ${Object.keys(SCENARIOS).join(', ')} (got ${name ? `"${name}"` : 'nothing'})`);
  }
  return { name, ...SCENARIOS[name] };
}
