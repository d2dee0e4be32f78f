// What a GatewayConnection is made of and reports: the dependencies its owner hands it (the
// extension's adapters among them) and the shapes of its polling state and outcomes.
import type { RequestLogEntry, CreateGatewayClient, SignInVariant } from '../wire/types';
import type { CredentialSource } from '../credentials/credentialRegistry';
import type { PollOutcome } from '../polling/scheduler';
import type { SessionHost } from '../sessions/sessionHost';
import type { SessionTiming } from '../sessions/agentSession';
import type { Clock } from '../util/clock';
import type { ReadCoordinator } from '../sharing/readCoordinator';

export interface ConnectionLog {
  info(message: string): void;
  warn(message: string): void;
  debug?(message: string): void;
}

export interface ConnectionDeps {
  readonly credentials: CredentialSource;
  /** The client factory; loaded on the first request (a separate bundle). */
  readonly loadClientFactory: () => CreateGatewayClient;
  readonly readTextFile: (path: string) => Promise<string>;
  readonly log: ConnectionLog;
  readonly onRequest?: (entry: RequestLogEntry) => void;
  readonly clock?: Clock;
  readonly random?: () => number;
  readonly concurrency?: number;
  readonly jitterRatio?: number;
  readonly maxBackoffMs?: number;
  /** Keep-alive connections in the client's pool (the client's default when unset). */
  readonly poolConnections?: number;
  /** How this gateway is signed in to (a setting, read when signing in): `loginex` takes no calls and no licence. */
  readonly signInVariant?: () => Exclude<SignInVariant, 'forcelogin'>;
  readonly sessionTiming?: SessionTiming;
  /** Shares sessions with the other windows of this machine (one runs each agent's session); none: this window runs its own. */
  readonly sessionHost?: SessionHost;
  /**
   * Waits for `{agentid}`'s slot under the vendor's overload control (calldata,
   * agentgroup, queuedevice: every request sent through send() or sendAsSession()). Awaited
   * before the Guid is picked, so a renewal that arrives during the wait is used; the
   * returned function is called when the request has settled (the slot counts until then).
   */
  readonly rateLimit?: (origin: string, agentId: string, signal: AbortSignal) => Promise<() => void>;
  /** Claims each scheduled read before it is sent and shares results (other windows, a team); none: this window reads alone. */
  readonly reads?: ReadCoordinator;
}

export interface PollingState {
  readonly agents: readonly string[];
  readonly intervalMs: number;
  readonly active: boolean;
  readonly paused: boolean;
}

export interface ConnectionOutcome {
  readonly agentId: string;
  readonly outcome: PollOutcome;
  readonly at: number;
}
