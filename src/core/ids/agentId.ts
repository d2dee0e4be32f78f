import { t } from '../l10n/localize';

/** The documented range of this API edition; later editions allow up to 999999. */
export const AGENT_ID_MIN = 101;
export const DEFAULT_AGENT_ID_MAX = 59999;
export const AGENT_ID_MAX_LIMIT = 999999;

declare const validAgentIdBrand: unique symbol;
/** An agent ID that passed {@link validateAgentId}; the only kind a request URL is built from. */
export type AgentId = string & { readonly [validAgentIdBrand]: true };

export type AgentIdResult = { ok: true; value: AgentId } | { ok: false; message: string };

export function agentIdRangeText(max: number): string {
  return t('Agent ID must be digits between {0} and {1}.', AGENT_ID_MIN, max);
}

/**
 * The one agent-ID check used by settings, commands, the tree and the client.
 * Only surrounding whitespace is forgiven; everything else is refused with the valid range.
 */
export function validateAgentId(input: unknown, max: number = DEFAULT_AGENT_ID_MAX): AgentIdResult {
  const limit = normalizeAgentIdMax(max);
  if (typeof input !== 'string' && typeof input !== 'number') {
    return { ok: false, message: t('{0} Enter an agent ID such as {1}.', agentIdRangeText(limit), AGENT_ID_MIN) };
  }
  const text = String(input).trim();
  if (text === '') return { ok: false, message: t('Enter an agent ID. {0}', agentIdRangeText(limit)) };
  if (!/^[0-9]{1,7}$/.test(text)) {
    return { ok: false, message: t('"{0}" is not an agent ID. {1}', printable(text), agentIdRangeText(limit)) };
  }
  const n = Number(text);
  if (n < AGENT_ID_MIN || n > limit) {
    return { ok: false, message: t('{0} is outside the valid range. {1}', n, agentIdRangeText(limit)) };
  }
  // Canonical form: "0101" and "101" are the same agent.
  return { ok: true, value: String(n) as AgentId };
}

export function isAgentId(value: string, max: number = DEFAULT_AGENT_ID_MAX): value is AgentId {
  const r = validateAgentId(value, max);
  return r.ok && r.value === value;
}

/** Clamp a configured upper bound into the range the API documents. */
export function normalizeAgentIdMax(max: unknown): number {
  if (typeof max !== 'number' || !Number.isInteger(max)) return DEFAULT_AGENT_ID_MAX;
  return Math.min(AGENT_ID_MAX_LIMIT, Math.max(AGENT_ID_MIN, max));
}

/** Echo user text back safely: no control characters, bounded length. */
export function printable(text: string, maxLength = 40): string {
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
  return clean.length > maxLength ? `${clean.slice(0, maxLength)}…` : clean;
}

/**
 * An agent ID read back from somewhere we wrote a checked one (storage, a map key, a session's
 * record): checked again, in canonical form and within the widest range an edition allows.
 * Undefined for anything else, so a tampered or torn entry is skipped, never sent.
 */
export function agentIdOf(text: string | undefined): AgentId | undefined {
  return text !== undefined && isAgentId(text, AGENT_ID_MAX_LIMIT) ? text : undefined;
}

/** {@link agentIdOf} where the text was a checked AgentId on its way in (a request's own agent): a broken invariant throws. */
export function knownAgentId(text: string): AgentId {
  const id = agentIdOf(text);
  if (id === undefined) throw new TypeError(`not a checked agent ID: ${printable(text)}`);
  return id;
}
