// What the statistics interfaces answer, as every layer sees it (the wire parses it, views render it).

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
