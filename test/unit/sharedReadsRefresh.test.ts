// A Refresh clicked again within 2 s of the window's last on-demand read of an agent: one read
// when the next 2 s begin answers every such click, and a click whose request is no longer
// wanted (a newer Refresh aborted it) does not take the others' answer with it.
import assert from 'node:assert/strict';
import { isGatewayError } from '../../src/core/model/errors';
import type { AgentStatistics } from '../../src/core/model/statistics';
import { MemoryHub } from '../../src/core/sharing/memoryHub';
import { ReadCoordinator } from '../../src/core/sharing/readCoordinator';
import { FakeClock } from '../support/fakeClock';

const INTERVAL = 5_000;
const subject = { gateway: 'https://gw.test:8443', kind: 'stats' as const, what: '101' };
const stats = (n: number): AgentStatistics => ({ talktime: n, answernums: n, calloutnums: n });

describe('shared reads: Refresh repeated within 2 s', () => {
  it('a click aborted by a newer one leaves; the newer one still gets numbers read after it', async () => {
    const clock = new FakeClock(1_700_000_000_000);
    const coordinator = new ReadCoordinator(new MemoryHub(clock).participant(), clock);
    const sentAt: number[] = [];
    const send = (signal: AbortSignal) => () => {
      if (signal.aborted) return Promise.reject(new Error('sent although cancelled'));
      sentAt.push(clock.now());
      return Promise.resolve(stats(sentAt.length));
    };
    const ask = () => {
      const controller = new AbortController();
      const read = coordinator.read(subject, { intervalMs: INTERVAL, timeoutMs: 2_000, signal: controller.signal, onDemand: true }, send(controller.signal));
      return { controller, read };
    };
    assert.deepEqual(await ask().read, stats(1));
    // The second click waits for the next 2 s; the third one aborts it (as a new Refresh of the agent does) and waits too.
    await clock.advance(300);
    const second = ask();
    const secondSettled = second.read.then(
      () => 'answered',
      (e: unknown) => (isGatewayError(e) ? e.kind : String(e)),
    );
    await clock.advance(200);
    second.controller.abort();
    const third = ask();
    await clock.advance(2_000);
    assert.equal(await secondSettled, 'cancelled');
    assert.deepEqual(await third.read, stats(2), 'the third click: numbers read after it');
    assert.equal(sentAt.length, 2, 'one more request, in the next 2 s');
    assert.ok(Math.floor(sentAt[1] / 2_000) > Math.floor(sentAt[0] / 2_000));
  });
});
