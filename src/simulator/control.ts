// The simulator's control channel: one command per line on the CLI's stdin
// (`cli.js --control`), one JSON line back on stdout. `npm run demo` maps its keys and
// scenarios onto these commands, so what the demo shows is what a test can drive:
//   outage | down | up        the gateway stops listening / listens again on the same port
//                             (as after a real restart, every sign-in session is gone)
//   rotate                    every signed-in session gets a new Guid now
//   lock [agent …] | unlock   lock accounts (default: the signed-in ones) and sign them out, so
//                             the next sign-in is refused with 110-016; `lock` alone toggles
//   queue [queueId] [callers] callers arrive at a queue at once (default: Billing, 8)
//   move [agent] [queueId]    an agent leaves its (first) queue for another (default: the
//                             next agent of the center, to the next real queue)
//   status
// Answers never carry a Guid or a password.
import type { Simulator } from './simulator';

export interface ControlStatus {
  readonly up: boolean;
  readonly url: string;
  readonly signedIn: string[];
  readonly locked: string[];
  readonly queues: { id: number; name: string; waiting: number }[];
}

export interface ControlAnswer {
  readonly ok: boolean;
  readonly command: string;
  /** One line for the demo's terminal. */
  readonly say: string;
  readonly status: ControlStatus;
}

export const CONTROL_USAGE = 'commands: outage | down | up | rotate | lock [agent …] | unlock | queue [queueId] [callers] | move [agent] [queueId] | status';

/** Applies control commands to one simulator. `fallbackAgents`: whom `lock` locks when nobody is signed in. */
export class SimulatorControl {
  private up = true;
  /** Which agent `move` without arguments moves next (round robin over the center's agents). */
  private nextMover = 0;

  constructor(
    private readonly sim: Simulator,
    private readonly fallbackAgents: readonly string[],
  ) {}

  status(): ControlStatus {
    return {
      up: this.up,
      url: this.sim.url,
      signedIn: this.sim.sessions.signedInAgents(),
      locked: this.sim.sessions.lockedAgents(),
      queues: this.sim.queues.all().filter((q) => q.realFlag === 1).map((q) => ({ id: q.id, name: q.name, waiting: q.waiting.length })),
    };
  }

  /** Runs one command line; bad input and failures (a port taken meanwhile) are answered ok:false, never thrown. */
  async run(line: string): Promise<ControlAnswer> {
    try {
      return await this.apply(line);
    } catch (err) {
      const command = line.trim().split(/\s+/)[0] ?? '';
      return { ok: false, command, say: `${command} failed: ${err instanceof Error ? err.message : String(err)}`, status: this.status() };
    }
  }

  private async apply(line: string): Promise<ControlAnswer> {
    const [command = '', ...args] = line.trim().split(/\s+/);
    const answer = (ok: boolean, say: string): ControlAnswer => ({ ok, command, say, status: this.status() });
    switch (command) {
      case 'outage':
        return this.apply(this.up ? 'down' : 'up');
      case 'down':
        if (!this.up) return answer(true, 'The gateway is already down.');
        await this.sim.stop();
        this.up = false;
        return answer(true, `Gateway DOWN: ${this.sim.url} refuses connections (an outage). Press o again to bring it back.`);
      case 'up':
        if (this.up) return answer(true, 'The gateway is already up.');
        await this.sim.restart({ forgetSessions: true });
        this.up = true;
        return answer(true, 'Gateway UP again: restarted, so every sign-in session is gone and must sign in again.');
      case 'rotate': {
        const agents = this.sim.sessions.signedInAgents();
        for (const a of agents) this.sim.sessions.rotateNow(a);
        this.sim.rotateGuid();
        return answer(true, agents.length > 0 ? `New session Guid now for agent(s) ${agents.join(', ')} (handed out on the next event poll).` : 'Nobody is signed in: only the gateway-wide Guid was rotated.');
      }
      case 'lock': {
        if (args.some((a) => !/^[0-9]{1,7}$/.test(a))) return answer(false, `lock takes agent IDs (digits). ${CONTROL_USAGE}`);
        if (args.length === 0 && this.sim.sessions.lockedAgents().length > 0) return this.apply('unlock');
        const signedIn = this.sim.sessions.signedInAgents();
        const targets = args.length > 0 ? args : signedIn.length > 0 ? signedIn : this.fallbackAgents.slice(0, 1);
        for (const a of targets) {
          this.sim.sessions.setLocked(a, true);
          this.sim.sessions.forceSignOut(a);
        }
        const out = targets.filter((a) => signedIn.includes(a));
        return answer(true, `Account(s) ${targets.join(', ')} LOCKED${out.length > 0 ? `; ${out.join(', ')} signed out by the gateway` : ''}: the next sign-in is refused (110-016). Press l again to unlock.`);
      }
      case 'unlock': {
        const locked = this.sim.sessions.lockedAgents();
        for (const a of locked) this.sim.sessions.setLocked(a, false);
        return answer(true, locked.length > 0 ? `Account(s) ${locked.join(', ')} unlocked: sign in again from VS Code.` : 'No account is locked.');
      }
      case 'queue': {
        const id = args[0] === undefined ? 1 : Number(args[0]);
        const callers = args[1] === undefined ? 8 : Number(args[1]);
        // Callers wait in real queues only (a virtual one, realFlag 0, holds nobody).
        const q = Number.isInteger(id) ? this.sim.queues.get(id) : undefined;
        if (q?.realFlag !== 1) return answer(false, `No real queue ${args[0] ?? ''}; queues: ${this.sim.queues.all().filter((x) => x.realFlag === 1).map((x) => `${x.id} ${x.name}`).join(', ')}.`);
        if (!Number.isInteger(callers) || callers < 1 || callers > 1000) return answer(false, 'queue: callers must be 1..1000.');
        this.sim.center.addCallers(id, callers);
        return answer(true, `${callers} callers joined ${q.name}: ${q.waiting.length} waiting.`);
      }
      case 'move': {
        const center = this.sim.center;
        const real = this.sim.queues.all().filter((q) => q.realFlag === 1);
        const roster = center.agents;
        if (args.some((a) => !/^[0-9]{1,7}$/.test(a))) return answer(false, `move takes an agent ID and a queue ID (digits). ${CONTROL_USAGE}`);
        const agent = args[0] ?? roster[this.nextMover++ % Math.max(1, roster.length)];
        if (agent === undefined || real.length < 2) return answer(false, 'move: the center needs agents and at least two real queues.');
        const from = center.queuesOf(agent)[0];
        const to = args[1] !== undefined ? real.find((q) => q.id === Number(args[1])) : real[(real.findIndex((q) => q.id === from?.id) + 1) % real.length];
        if (!to) return answer(false, `No real queue ${args[1] ?? ''}; queues: ${real.map((x) => `${x.id} ${x.name}`).join(', ')}.`);
        center.move(agent, to.id, from && from.id !== to.id ? from.id : undefined);
        const count = (id: number) => center.agentsOf(id).length;
        return answer(true, `Agent ${agent} moved ${from ? `from ${from.name} ` : ''}to ${to.name}: ${real.map((q) => `${q.name} ${count(q.id)}`).join(', ')} agents.`);
      }
      case 'status':
        return answer(true, this.up ? 'Gateway up.' : 'Gateway down.');
      default:
        return answer(false, `Unknown command "${command}"; ${CONTROL_USAGE}`);
    }
  }
}
