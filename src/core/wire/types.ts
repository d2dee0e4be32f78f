import type { AgentId } from '../ids/agentId';
import type { EventPollResult, SignInResult } from './sessionAnswers';
import type { AgentInfo } from './agentInfo';
import type { Clock } from '../util/clock';
import type { QueueAgents, QueueStats, SkillQueue } from '../model/queues';
import type { AgentStatistics, DetailedStatistics } from '../model/statistics';

export type Operation = 'statisticsEx' | 'statistics' | 'agentbyworkno' | 'agentbyskill' | 'agentbylist' | SignInVariant | 'logout' | 'agentevent' | QueueOperation;

/** The skill-queue interfaces (queues.ts). */
export type QueueOperation = 'agentvdnskill' | 'agentskills' | 'queryacdstat';

/** `login` takes calls and a licence; `loginex` signs in to the CTI platform only (no licence); `forcelogin` signs another client out. */
export type SignInVariant = 'login' | 'loginex' | 'forcelogin';

export interface SignInBody {
  readonly password: string;
  readonly phonenum?: string;
  /** State after sign-in: 3 busy, 4 idle, 5 wrap-up. */
  readonly status: 3 | 4 | 5;
  readonly autoanswer: boolean;
  readonly autoenteridle: boolean;
  readonly releasephone: boolean;
}

export interface RequestLogEntry {
  readonly agentId: string;
  readonly operation: Operation;
  readonly httpStatus?: number;
  readonly retcode?: string;
  readonly durationMs: number;
  readonly outcome: string;
}

export interface GatewayClientOptions {
  /** `https://host:port`, from parseGatewayUrl. */
  readonly origin: string;
  /** Extra PEM trust (private CA or self-signed cert), added to the default roots. */
  readonly caPem?: string;
  /** The setting caPem came from, named in certificate messages. Default: `ccGateway.tls.caFile`. */
  readonly caFileSetting?: string;
  /**
   * Also trust the operating system's CAs (VS Code's http.systemCertificates), read when
   * the client is created: on Linux SSL_CERT_FILE / SSL_CERT_DIR or the distribution's
   * bundle and directories. Added to Node's roots and caPem, never instead. Default false.
   */
  readonly systemCertificates?: boolean;
  /**
   * SHA-256 fingerprints of certificates the user trusted for this origin
   * ("Trust This Certificate"): accepted when verification fails, nothing else is.
   */
  readonly trustedFingerprints?: readonly string[];
  readonly timeoutMs: number;
  /** Answers larger than this are refused; statisticsEx answers are under 200 bytes. */
  readonly maxBodyBytes?: number;
  /** Connections kept alive in the pool for this origin. */
  readonly connections?: number;
  readonly onRequest?: (entry: RequestLogEntry) => void;
  /**
   * An answer to a request sent with `sentGuid` carried a new Guid (`Set-GUID`). Called
   * before the request's promise settles, so the caller can adopt it before anything else is sent.
   */
  readonly onGuidRenewed?: (renewal: { readonly agentId: string; readonly sentGuid: string; readonly newGuid: string }) => void;
  /** Tunnel through this HTTP(S) proxy (CONNECT); TLS to the gateway stays end to end and verified. */
  readonly proxy?: {
    readonly url: string;
    /** Proxy-Authorization value: a credential, never logged. */
    readonly authorization?: string;
    /** host:port for messages. */
    readonly display: string;
    /** http.proxyStrictSSL: only about an https:// proxy's own certificate, never the gateway's. */
    readonly strictSSL: boolean;
  };
  /** Times the event poll's wait (the one timer of the client's own); a fake clock in tests. Default: the system's. */
  readonly clock?: Clock;
}

export interface GatewayClient {
  readonly origin: string;
  statisticsEx(agentId: AgentId, guid: string, signal?: AbortSignal): Promise<AgentStatistics>;
  statistics(agentId: AgentId, guid: string, signal?: AbortSignal): Promise<DetailedStatistics>;
  /** PUT …/onlineagent/{id}[/loginex|/forcelogin]: a new session; the Guid comes from Set-GUID. */
  signIn(agentId: AgentId, variant: SignInVariant, body: SignInBody, signal?: AbortSignal): Promise<SignInResult>;
  /** GET …/agentevent/{id}: held by the gateway up to `holdMs` when there is no event. */
  pollEvent(agentId: AgentId, guid: string, holdMs: number, signal?: AbortSignal): Promise<EventPollResult>;
  /** DELETE …/onlineagent/{id}/logout. */
  signOut(agentId: AgentId, guid: string, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;

  // --- Supervisor view: agent state ---------------------------------
  /** `agentgroup/{callerId}/agentbyworkno/{workno}`: another agent's details (state). Optional so fakes need not implement it. */
  agentInfo?(callerId: AgentId, workno: AgentId, guid: string, signal?: AbortSignal): Promise<AgentInfo>;
  /** `agentgroup/{callerId}/agentbyskill/{queueId}`: the agents signed in to one queue, with their states. */
  queueAgents?(callerId: AgentId, queueId: number, guid: string, signal?: AbortSignal): Promise<QueueAgents>;
  /** `agentgroup/{callerId}/agentbylist`: the states of up to 100 listed agents. */
  agentList?(callerId: AgentId, ids: readonly string[], guid: string, signal?: AbortSignal): Promise<QueueAgents>;

  // --- Queues; `callerId` is the signed-in agent asking, with its own session's Guid ---
  /** `queuedevice/{callerId}/agentvdnskill`: the skill queues of the caller's VCC. */
  skillQueues?(callerId: AgentId, guid: string, signal?: AbortSignal): Promise<{ queues: SkillQueue[]; skipped: number }>;
  /** `onlineagent/{callerId}/agentskills`: the caller's own queues. */
  agentSkills?(callerId: AgentId, guid: string, signal?: AbortSignal): Promise<{ queues: SkillQueue[]; skipped: number }>;
  /** POST `queuedevice/{callerId}/queryacdstat` with at most 100 IDs. */
  queueStats?(callerId: AgentId, ids: readonly number[], guid: string, signal?: AbortSignal): Promise<{ stats: QueueStats[]; skipped: number }>;
}

export type CreateGatewayClient = (options: GatewayClientOptions) => GatewayClient;
