// Teams (validation, grouping, totals), sort orders and thresholds, in plain node.
import assert from 'node:assert/strict';
import { totals, type AgentEntry } from '../../src/core/monitor/statsStore';
import type { Presence } from '../../src/core/supervisor/agentState';
import { attentionReasons, groups, parseTeams, shownPresence, sortAgents, SORT_KEYS, watchedAgents } from '../../src/core/supervisor/supervisor';
import type { AgentId } from '../../src/core/ids/agentId';

const entry = (agentId: string, answernums: number, calloutnums: number, talktime: number, state: AgentEntry['state'] = 'ok'): AgentEntry => ({ agentId, state, stats: { answernums, calloutnums, talktime } });

describe('Supervisor view: teams, sorting, thresholds', () => {
  describe('ccGateway.teams validation', () => {
    it('keeps valid teams, canonical IDs once each; reports every bad entry with the team named', () => {
      const { teams, problems } = parseTeams({ ' Hotline ': ['101', ' 0102 ', '101'], Sales: ['abc', '99', '103'], '': ['104'], Bad: '105', hotline: ['106'] }, 59999);
      assert.deepEqual(teams, [{ name: 'Hotline', agents: ['101', '102'] }, { name: 'Sales', agents: ['103'] }]);
      assert.equal(problems.length, 5, JSON.stringify(problems));
      assert.match(problems[0].message, /Team "Sales": "abc" is not an agent ID/);
      assert.match(problems[1].message, /Team "Sales": 99 is outside the valid range/);
      assert.match(problems[2].message, /must be 1 to 40 printable characters/);
      assert.match(problems[3].message, /The team "Bad" must list agent IDs/);
      assert.match(problems[4].message, /The team "hotline" is defined twice/);
    });
    it('refuses a non-object, long names, control characters and IDs over agentIdMax', () => {
      assert.equal(parseTeams(['101'], 59999).problems.length, 1);
      assert.equal(parseTeams(undefined, 59999).teams.length, 0);
      assert.equal(parseTeams({ ['x'.repeat(41)]: ['101'] }, 59999).problems.length, 1);
      assert.equal(parseTeams({ 'a\u0007b': ['101'] }, 59999).problems.length, 1);
      assert.deepEqual(parseTeams({ A: ['60000'] }, 59999).teams, [{ name: 'A', agents: [] }]);
      assert.deepEqual(parseTeams({ A: ['60000'] }, 999999).teams, [{ name: 'A', agents: ['60000'] }]);
    });
  });

  describe('grouping and totals', () => {
    const teams = [{ name: 'A', agents: ['101', '102'] as AgentId[] }, { name: 'B', agents: ['102', '103'] as AgentId[] }];
    it('team members are watched; groups list each team, then Other for the rest', () => {
      const watched = watchedAgents(['104', '101'] as AgentId[], teams);
      assert.deepEqual(watched, ['104', '101', '102', '103']);
      assert.deepEqual(groups(watched, teams), [{ team: 'A', agents: ['101', '102'] }, { team: 'B', agents: ['102', '103'] }, { agents: ['104'] }]);
      assert.deepEqual(groups(['101', '102'], teams), [{ team: 'A', agents: ['101', '102'] }, { team: 'B', agents: ['102'] }], 'no Other when every agent is in a team');
    });
    it('team totals add the members; the overall total counts an agent in two teams once', () => {
      const e: Record<string, AgentEntry> = { '101': entry('101', 5, 1, 600), '102': entry('102', 3, 2, 300), '103': entry('103', 1, 0, 60), '104': entry('104', 0, 4, 100) };
      const sum = (ids: string[]) => totals(ids.map((id) => e[id]));
      const [a, b, other] = groups(['101', '102', '103', '104'], teams);
      assert.deepEqual([sum(a.agents).answernums, sum(a.agents).calloutnums, sum(a.agents).talktime], [8, 3, 900]);
      assert.deepEqual([sum(b.agents).answernums, sum(b.agents).talktime], [4, 360]);
      assert.deepEqual([sum(other.agents).calloutnums], [4]);
      assert.deepEqual([sum(['101', '102', '103', '104']).answernums, sum(['101', '102', '103', '104']).talktime], [9, 1060]);
    });
  });

  describe('sort orders', () => {
    const e: Record<string, AgentEntry> = {
      '101': entry('101', 5, 0, 1000), // avg 200
      '102': entry('102', 8, 3, 800), // avg 100
      '103': entry('103', 2, 9, 2000), // avg 1000
      '104': { agentId: '104', state: 'loading' },
      '110': entry('110', 8, 1, 400), // avg 50
    };
    const p: Record<string, Presence | undefined> = { '101': 'idle', '102': 'talking', '103': 'rest', '104': undefined, '110': 'wrapUp' };
    const ids = ['110', '104', '103', '102', '101'];
    const sort = (key: (typeof SORT_KEYS)[number]) => sortAgents(ids, key, (id) => e[id], (id) => p[id]);
    it('agent ID ascending (numerically)', () => assert.deepEqual(sort('agentId'), ['101', '102', '103', '104', '110']));
    it('answered, outbound, talk time, average: most first, ties by agent ID, no numbers last', () => {
      assert.deepEqual(sort('answered'), ['102', '110', '101', '103', '104']);
      assert.deepEqual(sort('outbound'), ['103', '102', '110', '101', '104']);
      assert.deepEqual(sort('talkTime'), ['103', '101', '102', '110', '104']);
      assert.deepEqual(sort('averageTalk'), ['103', '101', '102', '110', '104']);
    });
    it('state: talking, wrap-up, busy, rest, idle, signed out, unknown; no state last', () => assert.deepEqual(sort('state'), ['102', '110', '103', '101', '104']));
    it('"not signed in" from the statistics call shows as signed out whatever the last state read said', () => {
      assert.equal(shownPresence({ agentId: '1', state: 'offline' }, { presence: 'talking', at: 0 }), 'signedOut');
      assert.equal(shownPresence({ agentId: '1', state: 'ok' }, { presence: 'talking', at: 0 }), 'talking');
      assert.equal(shownPresence({ agentId: '1', state: 'ok' }, undefined), undefined);
    });
  });

  describe('thresholds', () => {
    const th = { averageTalkSeconds: 300, talkTimeSeconds: 3600, signedOut: true };
    it('over the average, over the talk time, signed out: each a reason; at the threshold is not over', () => {
      assert.deepEqual(attentionReasons(entry('1', 2, 0, 601), 'idle', th).map((r) => r.kind), ['averageTalk']);
      assert.deepEqual(attentionReasons(entry('1', 2, 0, 600), 'idle', th), []);
      assert.deepEqual(attentionReasons(entry('1', 20, 0, 3601), 'idle', th).map((r) => r.kind), ['talkTime']);
      assert.deepEqual(attentionReasons(entry('1', 1, 0, 4000), 'signedOut', th).map((r) => r.kind), ['averageTalk', 'talkTime', 'signedOut']);
      assert.match(attentionReasons(entry('1', 2, 0, 601), 'idle', th)[0].text, /0:05:01 is over the threshold 0:05:00/);
    });
    it('0 and false switch each one off; no answered call has no average', () => {
      const off = { averageTalkSeconds: 0, talkTimeSeconds: 0, signedOut: false };
      assert.deepEqual(attentionReasons(entry('1', 1, 0, 99_999), 'signedOut', off), []);
      assert.deepEqual(attentionReasons(entry('1', 0, 5, 1000), 'idle', { ...th, talkTimeSeconds: 0 }), []);
    });
  });
});
