// The agent index the day series count with: every ID keeps its own index (leading zeros, IDs
// that are not digits), through growth and copies; and a series counts such agents apart.
import assert from 'node:assert/strict';
import { agentCode, AgentIndex } from '../../src/core/history/agentIndex';
import { DaySeries, mergeSeries } from '../../src/core/history/daySeries';
import { buildTrend } from '../../src/core/history/trend';

describe('agent index', () => {
  it('codes digit IDs apart, leading zeros included, and nothing else', () => {
    const ids = ['1', '01', '001', '10', '100', '101', '0101', '00101', '9999999', '0000000'];
    const codes = ids.map(agentCode);
    assert.equal(new Set(codes).size, ids.length);
    for (const c of codes) assert.ok(c > 0);
    for (const id of ['', 'a1', '1 ', '-1', '12345678', '1.5']) assert.equal(agentCode(id), -1, id);
  });

  it('gives each agent its index through growth, for digit and other IDs; a copy grows apart', () => {
    const ids = Array.from({ length: 3000 }, (_, i) => (i % 7 === 0 ? `agent-${i}` : i % 5 === 0 ? `0${i}` : String(i)));
    const index = new AgentIndex(ids.slice(0, 10));
    for (const id of ids.slice(10)) index.add(id);
    assert.equal(index.size, ids.length);
    ids.forEach((id, i) => assert.equal(index.get(id), i, id));
    assert.equal(index.get('99999'), -1);
    assert.equal(index.get('agent-1'), -1);
    const copy = index.copy();
    assert.equal(copy.add('99999'), ids.length);
    assert.equal(copy.get('99999'), ids.length);
    assert.equal(index.get('99999'), -1, 'the original does not see what the copy added');
    assert.equal(new AgentIndex(['7', '7', '8']).size, 2, 'an agent named twice is indexed once');
  });

  it('a day series counts agents whose IDs differ only by leading zeros apart, as buildTrend does', () => {
    const start = new Date(2025, 2, 10).getTime();
    const at = (h: number) => start + h * 3600_000;
    const records = [
      { t: at(9), agentId: '101', answernums: 1, calloutnums: 0, talktime: 10 },
      { t: at(9), agentId: '0101', answernums: 5, calloutnums: 0, talktime: 50 },
      { t: at(10), agentId: '101', answernums: 2, calloutnums: 0, talktime: 20 },
      { t: at(10), agentId: '0101', answernums: 9, calloutnums: 1, talktime: 90 },
      { t: at(11), agentId: 'x', answernums: 1, calloutnums: 0, talktime: 1 },
      { t: at(12), agentId: 'x', answernums: 3, calloutnums: 0, talktime: 2 },
    ];
    for (const agents of [undefined, ['101', '0101', 'x'], ['0101']]) {
      const series = DaySeries.of(records, start, agents);
      assert.deepEqual(mergeSeries([series], start, 15 * 60_000), buildTrend(records, agents && new Set(agents), start), String(agents));
    }
  });
});
