import { t } from '../l10n/localize';

/**
 * What a supervisor needs to know about an agent right now, from the gateway's
 * `agentbyworkno` answer (see docs/agent-state.md for the fields and codes relied on).
 */
export type Presence = 'idle' | 'busy' | 'talking' | 'wrapUp' | 'rest' | 'signedOut' | 'unknown';

export const PRESENCES: readonly Presence[] = ['talking', 'wrapUp', 'busy', 'rest', 'idle', 'signedOut', 'unknown'];

/** The gateway's agent state codes (`status`), documented 0–9. */
const STATUS: Readonly<Record<number, Presence>> = {
  0: 'unknown',
  1: 'idle', // "signed in (reserved)": signed in, nothing more known; shown as idle
  2: 'signedOut',
  3: 'busy',
  4: 'idle',
  5: 'wrapUp',
  6: 'idle', // "idle (reserved)"
  7: 'talking',
  8: 'rest',
  9: 'rest', // "about to rest": the rest was requested and starts after the call
};

/**
 * The platform's codes (`ctiStatus`), documented 0–10. Used only where `status`
 * says nothing (0 or missing): the gateway state is the one the agent sees.
 */
const CTI_STATUS: Readonly<Record<number, Presence>> = {
  0: 'signedOut', // not signed in
  1: 'idle',
  2: 'busy', // preoccupied: a call is being routed to the agent
  3: 'busy', // occupied
  4: 'talking', // answering (ringing, being answered)
  5: 'talking',
  6: 'wrapUp', // working: after-call work
  7: 'busy',
  8: 'rest',
  9: 'rest', // study
  10: 'busy', // adjusting
};

/** Maps the two documented codes to a presence; unknown or missing codes give 'unknown'. */
export function presenceOf(status: unknown, ctiStatus?: unknown): Presence {
  const s = toCode(status);
  if (s !== undefined && s !== 0 && STATUS[s]) return STATUS[s];
  const c = toCode(ctiStatus);
  if (c !== undefined && CTI_STATUS[c]) return CTI_STATUS[c];
  return 'unknown';
}

function toCode(v: unknown): number | undefined {
  // Editions send ints; some proxies stringify numbers: accept "7" but nothing else.
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^[0-9]{1,2}$/.test(v)) return Number(v);
  return undefined;
}

/** One reading of an agent's state. */
export interface AgentPresence {
  readonly presence: Presence;
  /** The gateway's codes as answered, for the tooltip. */
  readonly status?: number;
  readonly ctiStatus?: number;
  /** The agent's name as the gateway knows it (plain text, at most 64 characters). */
  readonly name?: string;
  readonly at: number;
}

/** The state in words (a function, not a table: the words depend on the display language). */
export function presenceLabel(p: Presence): string {
  switch (p) {
    case 'idle':
      return t('idle');
    case 'busy':
      return t('busy');
    case 'talking':
      return t('talking');
    case 'wrapUp':
      return t('wrap-up');
    case 'rest':
      return t('rest');
    case 'signedOut':
      return t('signed out');
    case 'unknown':
      return t('state unknown');
  }
}

/** Codicon and theme colour per state (the colours are chart/list colours every theme defines). */
export const PRESENCE_ICON: Readonly<Record<Presence, { icon: string; color?: string }>> = {
  idle: { icon: 'circle-large-outline', color: 'charts.green' },
  busy: { icon: 'circle-slash', color: 'charts.orange' },
  talking: { icon: 'call-incoming', color: 'charts.blue' },
  wrapUp: { icon: 'edit', color: 'charts.purple' },
  rest: { icon: 'coffee', color: 'charts.yellow' },
  signedOut: { icon: 'debug-disconnect', color: 'disabledForeground' },
  unknown: { icon: 'person' },
};
