import type { AgentId } from '../validation/agentId';
import type { AgentInfo } from './agentInfo';

/** The `result` of statisticsEx: counters since the agent signed in. */
export interface AgentStatistics {
  /** Total talking time in seconds. */
  readonly talktime: number;
  readonly answernums: number;
  readonly calloutnums: number;
}

/** The heavier `statistics` call: the same three plus whatever else the gateway sends. */
export interface DetailedStatistics extends AgentStatistics {
  readonly [counter: string]: number;
}

export interface RequestLogEntry {
  readonly agentId: string;
  readonly operation: 'statisticsEx' | 'statistics' | 'agentbyworkno';
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
}

export interface GatewayClient {
  readonly origin: string;
  statisticsEx(agentId: AgentId, guid: string, signal?: AbortSignal): Promise<AgentStatistics>;
  statistics(agentId: AgentId, guid: string, signal?: AbortSignal): Promise<DetailedStatistics>;
  close(): Promise<void>;

  // --- Supervisor view (issue 13): agent state ---------------------------------
  /** `agentgroup/{callerId}/agentbyworkno/{workno}`: another agent's details (state). Optional so fakes need not implement it. */
  agentInfo?(callerId: AgentId, workno: AgentId, guid: string, signal?: AbortSignal): Promise<AgentInfo>;
}

export type CreateGatewayClient = (options: GatewayClientOptions) => GatewayClient;
