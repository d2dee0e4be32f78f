// a request waiting for the per-agent budget picks its Guid after the wait,
// so a Guid the gateway renewed meanwhile is the one sent (the old one would be refused, 000-003).
// Against the simulator over loopback; the budget is held open by the test.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { connectionSettings } from '../../src/core/wire/connectionSettings';
import { CredentialRegistry } from '../../src/core/credentials/credentialRegistry';
import { RequestDispatch } from '../../src/core/monitor/requestDispatch';
import { idleSessions } from '../support/idleSessions';
import { createGatewayClient } from '../../src/core/wire/client';
import { gatewayIdOf } from '../../src/core/ids/gatewayId';
import type { AgentId } from '../../src/core/ids/agentId';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';

describe('a Guid renewed while a request waits for its budget', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.stop());

  it('is the Guid the request carries', async () => {
    const gateway = gatewayIdOf(sim.origin);
    const old = sim.guid;
    const sessions = idleSessions(gateway);
    // The store still holds the old Guid: only the registry knows of the renewal.
    const credentials = new CredentialRegistry(gateway, { guid: () => Promise.resolve(old), hasAny: () => Promise.resolve(true) }, sessions);
    let open: () => void = () => undefined;
    let waiting: () => void = () => undefined;
    const inWait = new Promise<void>((resolve) => (waiting = resolve));
    const dispatch = new RequestDispatch(connectionSettings({ origin: sim.origin, caFile: sim.caFile, trustedFingerprints: [], proxy: { strictSSL: true, env: {} }, requestTimeoutMs: 2000 }), {
      loadClientFactory: () => createGatewayClient,
      readTextFile: (p) => readFile(p, 'utf8'),
      log: { info: () => undefined },
      rateLimit: () => {
        waiting();
        return new Promise<() => void>((resolve) => (open = () => resolve(() => undefined)));
      },
      onGuidRenewed: (sent, next) => void credentials.onGuidRenewed(sent, next),
    });
    try {
      sim.resetStats();
      const answer = dispatch.send('101', new AbortController().signal, credentials, (client, guid, signal) => client.statisticsEx('101' as AgentId, guid, signal));
      await inWait;
      // Another answer carried Set-GUID meanwhile: the gateway now accepts only the new Guid.
      const renewed = sim.rotateGuid();
      credentials.onGuidRenewed(old, renewed);
      open();
      const stats = await answer;
      assert.equal(typeof stats.answernums, 'number');
      assert.deepEqual([...sim.stats.guidsSeen], [renewed], 'the renewed Guid was sent, not the one read before the wait');
    } finally {
      dispatch.dispose();
      sessions.dispose();
    }
  });
});
