// A SessionRegistry that never signs anyone in: for tests of the credential registry and the
// request path with pasted Guids only.
import { DEFAULT_SESSION_TIMING } from '../../src/core/sessions/agentSession';
import { SessionRegistry } from '../../src/core/sessions/sessionRegistry';
import type { GatewayId } from '../../src/core/ids/gatewayId';
import { FakeClock } from './fakeClock';

export function idleSessions(gateway: GatewayId): SessionRegistry {
  return new SessionRegistry({
    gateway,
    client: () => Promise.reject(new Error('no sessions in this test')),
    password: () => Promise.resolve(undefined),
    passwordRefused: () => undefined,
    variant: () => 'loginex',
    clock: new FakeClock(),
    random: () => 0.5,
    timing: DEFAULT_SESSION_TIMING,
    log: { info: () => undefined, warn: () => undefined },
  });
}
