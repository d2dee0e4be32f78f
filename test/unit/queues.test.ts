// The skill-queue answers (every field, wrong types, the 100-ID split) and the queue thresholds.
import assert from 'node:assert/strict';
import { GatewayError } from '../../src/core/model/errors';
import { chunkQueueIds, parseAgentSkills, parseQueueStats, parseSkillQueues, queueStatsBody } from '../../src/core/wire/queues';
import type { QueueEntry } from '../../src/core/monitor/queueMonitor';
import { formatWait, queueAttention } from '../../src/core/supervisor/queueThresholds';

const ok = (result: unknown) => ({ status: 200, contentType: 'application/json', body: JSON.stringify({ message: '', retcode: '0', result }) });

describe('queues: parsing the gateway answers', () => {
  it('queryacdstat: every documented field; loadFactor and estWaitTime ignored; digit strings accepted', () => {
    const { stats, skipped } = parseQueueStats(
      ok([
        { pilotNbr: '40001', deviceNo: 1, queueSize: 12, queueTime: 754, loggedOnAgents: 8, availAgents: 0, skillDescrip: 'Billing', loadFactor: 3, estWaitTime: 99 },
        { pilotNbr: 40002, deviceNo: '2', queueSize: '0', queueTime: 0, loggedOnAgents: 3, availAgents: 2, skillDescrip: 'Sales\u0007' },
      ]),
      '101',
    );
    assert.equal(skipped, 0);
    assert.deepEqual(stats, [
      { id: 1, pilotNbr: '40001', waiting: 12, longestWaitSeconds: 754, loggedOnAgents: 8, availAgents: 0, description: 'Billing' },
      { id: 2, pilotNbr: '40002', waiting: 0, longestWaitSeconds: 0, loggedOnAgents: 3, availAgents: 2, description: 'Sales?' },
    ]);
  });

  it('queryacdstat: entries with wrong types are skipped and counted, the others kept', () => {
    const good = { deviceNo: 5, queueSize: 1, queueTime: 2, loggedOnAgents: 3, availAgents: 1 };
    const bad = [
      { ...good, deviceNo: 'x' },
      { ...good, deviceNo: -1 },
      { ...good, queueSize: -3 },
      { ...good, queueTime: 1.5 },
      { ...good, loggedOnAgents: null },
      { ...good, availAgents: true },
      { ...good, queueSize: undefined },
      'not an object',
      [1, 2],
      null,
    ];
    const { stats, skipped } = parseQueueStats(ok([...bad, good]), '101');
    assert.equal(skipped, bad.length);
    assert.deepEqual(stats.map((s) => s.id), [5]);
  });

  it('a result that is not a list, a failure retcode, HTML: clear errors, no crash', () => {
    assert.throws(() => parseQueueStats(ok({ deviceNo: 1 }), '101'), (e: GatewayError) => e.kind === 'protocol' && /not a list/.test(e.message));
    assert.throws(() => parseQueueStats({ status: 200, body: JSON.stringify({ retcode: '100-006', message: 'x' }) }, '101'), (e: GatewayError) => e.details.retcode === '100-006');
    assert.throws(() => parseQueueStats({ status: 200, body: JSON.stringify({ retcode: '000-007', message: '' }) }, '101'), (e: GatewayError) => e.details.slowDown === true);
    assert.throws(() => parseSkillQueues({ status: 502, contentType: 'text/html', body: '<html>bad gateway</html>' }, '101'), (e: GatewayError) => e.kind === 'transient');
    assert.deepEqual(parseQueueStats(ok(null), '101'), { stats: [], skipped: 0 }, 'no result: no queues');
  });

  it('agentvdnskill: name, id, mediatype, serviceType, realFlag; a missing name says which queue; bad IDs skipped', () => {
    const { queues, skipped } = parseSkillQueues(
      ok([
        { name: 'Billing', id: 1, mediatype: 5, serviceType: 1, realFlag: 1 },
        { name: 'Overflow', id: 9, mediatype: 5, serviceType: 1, realFlag: 0 },
        { id: '4', realFlag: '1' },
        { name: 'No id' },
        { name: 'Bad id', id: 'abc' },
      ]),
      '101',
    );
    assert.equal(skipped, 2);
    assert.deepEqual(queues, [
      { id: 1, name: 'Billing', mediatype: 5, serviceType: 1, real: true },
      { id: 9, name: 'Overflow', mediatype: 5, serviceType: 1, real: false },
      { id: 4, name: 'Queue 4', real: true },
    ]);
  });

  it('agentskills: the agent\'s queues (name, id, mediatype), all real', () => {
    const { queues } = parseAgentSkills(ok([{ name: 'Sales', id: 2, mediatype: 5 }]), '101');
    assert.deepEqual(queues, [{ id: 2, name: 'Sales', mediatype: 5, real: true }]);
  });

  it('more than 100 IDs go in calls of at most 100, each ID once; the body refuses 0 or 101', () => {
    const ids = Array.from({ length: 250 }, (_, i) => i + 1);
    const chunks = chunkQueueIds([...ids, 1, 2]);
    assert.deepEqual(chunks.map((c) => c.length), [100, 100, 50]);
    assert.deepEqual(chunks.flat(), ids);
    assert.deepEqual(chunkQueueIds([]), []);
    assert.equal(queueStatsBody([3, 4]), '{"skills":[3,4]}');
    assert.throws(() => queueStatsBody([]), /1 to 100/);
    assert.throws(() => queueStatsBody(ids.slice(0, 101)), /1 to 100/);
  });
});

describe('queues: thresholds and the wait as a wallboard shows it', () => {
  const entry = (waiting: number, longest: number, state: QueueEntry['state'] = 'ok'): QueueEntry => ({ id: 1, name: 'Billing', state, stats: { id: 1, waiting, longestWaitSeconds: longest, loggedOnAgents: 4, availAgents: 0 } });

  it('m:ss under an hour, h:mm:ss from an hour on', () => {
    assert.deepEqual([0, 5, 65, 599, 3599, 3600, 3725, 86399].map(formatWait), ['0:00', '0:05', '1:05', '9:59', '59:59', '1:00:00', '1:02:05', '23:59:59']);
    assert.equal(formatWait(-4), '0:00');
  });

  it('waiting calls and the longest wait at or over their thresholds need attention; 0 is off', () => {
    const th = { waitingCalls: 10, longestWaitSeconds: 120 };
    assert.deepEqual(queueAttention(entry(9, 119), th), []);
    assert.equal(queueAttention(entry(10, 0), th).length, 1);
    assert.match(queueAttention(entry(10, 0), th)[0], /10 calls waiting/);
    assert.match(queueAttention(entry(0, 120), th)[0], /longest wait 2:00/);
    assert.equal(queueAttention(entry(50, 900), th).length, 2);
    assert.deepEqual(queueAttention(entry(50, 900), { waitingCalls: 0, longestWaitSeconds: 0 }), []);
  });

  it('old numbers raise no alarm: a stale or missing row needs no attention', () => {
    const th = { waitingCalls: 1, longestWaitSeconds: 1 };
    assert.deepEqual(queueAttention(entry(50, 900, 'stale'), th), []);
    assert.deepEqual(queueAttention(undefined, th), []);
  });
});
