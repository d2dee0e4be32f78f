// Maps that grow with use stay bounded: renewed Guids and Guids sent.
import assert from 'node:assert/strict';
import { CredentialRegistry } from '../../src/core/credentials/credentialRegistry';
import { idleSessions } from '../support/idleSessions';
import { gatewayIdOf } from '../../src/core/ids/gatewayId';
import { BoundedMap } from '../../src/core/util/boundedMap';

describe('bounded bookkeeping', () => {
  it('BoundedMap keeps the newest entries up to its limit', () => {
    const m = new BoundedMap<number, number>(3);
    for (let i = 0; i < 10; i++) m.set(i, i);
    assert.equal(m.size, 3);
    assert.deepEqual([7, 8, 9].map((k) => m.get(k)), [7, 8, 9]);
    assert.equal(m.has(6), false);
    m.set(7, 70); // re-inserting moves it to the newest end
    m.set(10, 10);
    assert.equal(m.has(8), false);
    assert.equal(m.get(7), 70);
    assert.throws(() => new BoundedMap(0), RangeError);
  });

  it('a pasted Guid renewed 500 times: the registry keeps at most 64 renewals and 64 sent Guids, and follows the newest', async () => {
    const gateway = gatewayIdOf('https://gw.example:8043');
    let stored = 'guid-0';
    const renewedTo: string[] = [];
    const sessions = idleSessions(gateway);
    // The store is one renewal behind now and then (a write still on its way): the registry's own chain must cover it.
    const registry = new CredentialRegistry(gateway, { guid: () => Promise.resolve(stored), hasAny: () => Promise.resolve(true), renew: (_ref, g) => Promise.resolve(void renewedTo.push(g)) }, sessions);
    for (let i = 1; i <= 500; i++) {
      const sent = (await registry.prepare('101'))();
      assert.equal(sent.guid, `guid-${i - 1}`, 'the newest Guid is sent');
      registry.onGuidRenewed(sent.guid, `guid-${i}`);
      if (i % 2 === 0) stored = `guid-${i}`;
    }
    assert.ok(registry.sizes.renewed <= 64 && registry.sizes.sentPasted <= 64, JSON.stringify(registry.sizes));
    assert.equal(renewedTo.length, 500, 'every renewal was stored under the credential it renewed');
    sessions.dispose();
  });
});
