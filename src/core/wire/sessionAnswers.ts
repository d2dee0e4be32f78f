// Answers of the sign-in, event-poll and sign-out interfaces (docs/cc-gateway-api.md,
// "Signing in", "Events", "Signing out"), and their retcodes in plain words.
import { t } from '../l10n/localize';
import { printable } from '../ids/agentId';
import { errorForRetcode, GatewayError } from '../model/errors';
import { parseEnvelope, type RawAnswer } from './parse';

/** What a sign-in answer tells us besides the Guid (in its Set-GUID header). */
export interface SignInResult {
  readonly guid: string;
  /** The gateway's loginTime, as text. */
  readonly loginTime?: string;
  /** "true": the password must be changed before the account can be used further. */
  readonly mustChangePassword: boolean;
  /** Days until the password expires. */
  readonly passwordDaysLeft?: number;
}

export interface AgentEvent {
  readonly eventType: string;
  readonly workNo?: string;
}

export interface EventPollResult {
  /** Undefined when the poll was held and answered with no event. */
  readonly event?: AgentEvent;
}

/** What the session logic does about a failure: every documented sign-in and session code has one. */
export type SessionFailure =
  | 'lost' // the session is gone: sign in again (with back-off)
  | 'elsewhere' // 100-002: signed in by another client
  | 'credentials' // wrong password, locked, expired: stop until the user acts
  | 'in-progress' // 100-021: a sign-in is under way; wait
  | 'retry' // transient
  | 'invalid'; // bad parameters: stop, say what

/** Sign-in codes, in the words a user can act on. */
export function errorForSignIn(retcode: string, gatewayMessage: unknown, agentId: string, httpStatus?: number): GatewayError {
  const details = { retcode, httpStatus };
  switch (retcode) {
    case '100-001':
      return new GatewayError('invalid-request', t('The gateway refused the sign-in of agent {0} (100-001): the agent ID, password or phone number is empty or invalid.', agentId), details);
    case '100-002':
      return new GatewayError('auth', t('Agent {0} is already signed in elsewhere (100-002).', agentId), details);
    case '100-003':
      return new GatewayError('transient', t('The contact center has no resource free to sign agent {0} in (100-003); try again later.', agentId), details);
    case '100-004':
      return new GatewayError('auth', t('The gateway refused the agent ID or password of agent {0} (100-004).', agentId), details);
    case '100-013':
    case '100-014':
      return new GatewayError('invalid-request', t('The gateway refused the phone number for agent {0} ({1}); leave it empty or use the agent’s own.', agentId, retcode), details);
    case '100-015':
      return new GatewayError('auth', t('Agent {0} is signed in elsewhere and cannot be signed out from here (100-015).', agentId), details);
    case '100-020':
      return new GatewayError('auth', t('The password of agent {0} has expired (100-020); change it in the agent workbench, then sign in again.', agentId), details);
    case '100-021':
      return new GatewayError('transient', t('A sign-in of agent {0} is already in progress (100-021).', agentId), details);
    case '110-016':
      return new GatewayError('auth', t('The account of agent {0} is locked (110-016); ask an administrator to unlock it.', agentId), details);
    default:
      return errorForRetcode(retcode, gatewayMessage, agentId, httpStatus);
  }
}

/** What to do about a failed sign-in or event poll. */
export function sessionFailure(e: GatewayError, during: 'sign-in' | 'event-poll'): SessionFailure {
  switch (e.details.retcode) {
    case '100-002':
    case '100-015':
      return 'elsewhere';
    case '100-004':
    case '100-020':
    case '110-016':
      return 'credentials';
    case '100-021':
      return 'in-progress';
    case '100-001':
    case '100-013':
    case '100-014':
      return 'invalid';
    case '000-003':
    case '100-006':
    case '105-006':
      return during === 'event-poll' ? 'lost' : 'retry';
    default:
      if (e.kind === 'auth') return during === 'event-poll' ? 'lost' : 'credentials';
      return e.kind === 'invalid-request' ? 'invalid' : 'retry';
  }
}

export function parseSignIn(answer: RawAnswer, agentId: string): SignInResult {
  const result = parseEnvelope(answer, agentId, { mapRetcode: errorForSignIn });
  if (!answer.setGuid) throw new GatewayError('protocol', t('The gateway signed agent {0} in but sent no Set-GUID header.', agentId), { httpStatus: answer.status, retcode: '0' });
  const daysLeft = Number(result.timeRemaining);
  return {
    guid: answer.setGuid,
    loginTime: typeof result.loginTime === 'string' ? printable(result.loginTime, 40) : undefined,
    mustChangePassword: String(result.isForceChange) === 'true',
    passwordDaysLeft: Number.isFinite(daysLeft) ? daysLeft : undefined,
  };
}

export function parseEventPoll(answer: RawAnswer, agentId: string): EventPollResult {
  const { event } = parseEnvelope(answer, agentId, { field: 'event' }) as { event?: Record<string, unknown> };
  if (!event || typeof event.eventType !== 'string' || event.eventType === '') return {};
  return { event: { eventType: printable(event.eventType, 80), workNo: typeof event.workNo === 'string' ? printable(event.workNo, 20) : undefined } };
}

export function parseSignOut(answer: RawAnswer, agentId: string): void {
  parseEnvelope(answer, agentId, { field: 'none' });
}
