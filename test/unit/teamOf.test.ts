// ccGateway.teamOf (agent → team, what the Settings editor can edit) and how it adds to ccGateway.teams.
import assert from 'node:assert/strict';
import { parseTeams, watchedAgents } from '../../src/core/supervisor/supervisor';
import { combineTeams, parseTeamOf } from '../../src/core/supervisor/teamOf';

const MAX = 59999;
const combined = (teams: unknown, teamOf: unknown) => {
  const a = parseTeams(teams, MAX);
  const b = parseTeamOf(teamOf, MAX);
  return { teams: combineTeams(a.teams, b.entries), problems: [...a.problems, ...b.problems].map((p) => p.message) };
};

describe('ccGateway.teamOf', () => {
  it('adds its agents to the team of that name (any case, spelled as ccGateway.teams spells it), new teams after', () => {
    const { teams, problems } = combined({ Hotline: ['101', '102'], Sales: ['104'] }, { '103': 'hotline', ' 0105 ': ' Billing ', '106': 'Billing', '102': 'Hotline' });
    assert.deepEqual(problems, []);
    assert.deepEqual(teams, [
      { name: 'Hotline', agents: ['101', '102', '103'] },
      { name: 'Sales', agents: ['104'] },
      // JavaScript (and so VS Code's settings) lists integer-like keys first, in numeric order.
      { name: 'Billing', agents: ['106', '105'] },
    ]);
    assert.deepEqual(watchedAgents([], teams), ['101', '102', '103', '104', '106', '105'], 'its agents are watched');
  });

  it('an agent in a team of ccGateway.teams and another of teamOf is in both (nobody is removed)', () => {
    const { teams } = combined({ Hotline: ['101'] }, { '101': 'Sales' });
    assert.deepEqual(teams, [{ name: 'Hotline', agents: ['101'] }, { name: 'Sales', agents: ['101'] }]);
  });

  it('skips bad entries with a message that says what to fix, and keeps the rest', () => {
    const { teams, problems } = combined({}, { '101': 'Hotline', abc: 'Hotline', '99': 'Sales', '102': '', '103': 42, '104': 'x'.repeat(41), '105': 'Bad\u0007name', ' 101 ': 'Sales' });
    assert.deepEqual(teams, [{ name: 'Hotline', agents: ['101'] }]);
    assert.equal(problems.length, 7, problems.join('\n'));
    // Integer-like keys come first, in numeric order (JavaScript's order for object keys).
    assert.match(problems[0], /^ccGateway\.teamOf: 99 is outside the valid range/);
    assert.match(problems[1], /^ccGateway\.teamOf: the team of agent 102 must be a name of 1 to 40 printable characters, not ""\.$/);
    assert.match(problems[2], /agent 103 .* not 42\.$/);
    assert.match(problems[3], /agent 104 /);
    assert.match(problems[4], /agent 105 /);
    assert.match(problems[5], /^ccGateway\.teamOf: .*abc/);
    assert.equal(problems[6], 'ccGateway.teamOf names agent 101 twice; the first entry counts.');
  });

  it('a value that is not an object is one problem, not a crash', () => {
    for (const raw of [['101'], 'Hotline', 7]) {
      const r = parseTeamOf(raw, MAX);
      assert.deepEqual(r.entries, []);
      assert.equal(r.problems.length, 1);
      assert.match(r.problems[0].message, /must be an object of agent IDs and team names, e\.g\. \{"101": "Hotline"\}/);
    }
    assert.deepEqual(parseTeamOf(undefined, MAX), { entries: [], problems: [] });
  });
});
