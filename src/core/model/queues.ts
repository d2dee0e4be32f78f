// A skill queue and its figures as every layer sees them; the wire (wire/queues.ts) parses them.
import type { Presence } from '../supervisor/agentState';

/** A skill queue of the VCC (agentvdnskill) or of the asking agent (agentskills). */
export interface SkillQueue {
  readonly id: number;
  readonly name: string;
  readonly mediatype?: number;
  readonly serviceType?: number;
  /** realFlag 1; agentskills does not say, and lists the agent's real queues. */
  readonly real: boolean;
}

/** One queue's numbers now (queryacdstat); loadFactor and estWaitTime are unused by the vendor and ignored. */
export interface QueueStats {
  /** deviceNo: the skill queue ID. */
  readonly id: number;
  readonly pilotNbr?: string;
  /** queueSize: calls waiting now. */
  readonly waiting: number;
  /** queueTime: seconds the longest-waiting call has waited. */
  readonly longestWaitSeconds: number;
  readonly loggedOnAgents: number;
  readonly availAgents: number;
  readonly description?: string;
}

/** A queue ID as the gateway and the setting know it: a whole number (0 to 2^31 - 1). */
export function isQueueId(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 2_147_483_647;
}

/** One agent signed in to a queue (agentbyskill) or one listed agent (agentbylist), as read. */
export interface QueueAgent {
  /** The agent ID (workno), digits. */
  readonly workno: string;
  readonly presence: Presence;
  readonly status?: number;
  readonly ctiStatus?: number;
  readonly name?: string;
  /** currentstatetime: seconds in the current state when the answer was made. */
  readonly secondsInState?: number;
}

/** A queue's agents as one agentbyskill answer gave them. */
export interface QueueAgents {
  readonly agents: readonly QueueAgent[];
  /** Entries without a usable workno or state, left out. */
  readonly skipped: number;
  /** The answer held as many agents as asked at most: there may be more. */
  readonly cut: boolean;
}
