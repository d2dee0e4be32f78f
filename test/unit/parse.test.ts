import assert from 'node:assert/strict';
import { GatewayError } from '../../src/core/model/errors';
import { parseStatistics, parseStatisticsEx } from '../../src/core/wire/parse';

const ok = (body: unknown, status = 200) => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body), contentType: 'application/json' });

function failure(fn: () => unknown): GatewayError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof GatewayError, `expected GatewayError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a failure');
}

describe('parseStatisticsEx', () => {
  it('reads the documented success body and ignores unknown fields', () => {
    const s = parseStatisticsEx(ok({ message: '', retcode: '0', result: { talktime: 4328, answernums: 5, calloutnums: 0, extra: 'x' }, more: 1 }), '101');
    assert.deepEqual(s, { talktime: 4328, answernums: 5, calloutnums: 0 });
  });
  const retcodes: [string, string, RegExp][] = [
    ['000-002', 'invalid-request', /check agent ID 101/],
    ['000-003', 'auth', /Set a new Guid/],
    ['000-004', 'transient', /switched over/],
    ['000-007', 'transient', /too often/],
    ['100-006', 'agent-offline', /not signed in/],
    ['100-007', 'transient', /internal error/],
  ];
  for (const [code, kind, message] of retcodes) {
    it(`maps retcode ${code} to ${kind}`, () => {
      const e = failure(() => parseStatisticsEx(ok({ message: 'vendor text', retcode: code }), '101'));
      assert.equal(e.kind, kind);
      assert.match(e.message, message);
      assert.equal(e.details.retcode, code);
    });
  }
  it('000-007 asks the scheduler to slow down', () => {
    assert.equal(failure(() => parseStatisticsEx(ok({ retcode: '000-007' }), '101')).details.slowDown, true);
  });
  it('shows an unknown retcode with the gateway message as plain, bounded text', () => {
    const e = failure(() => parseStatisticsEx(ok({ retcode: '999-123', message: 'Boom [click](command:x)\u0007' + 'y'.repeat(500) }), '101'));
    assert.equal(e.kind, 'protocol');
    assert.match(e.message, /error 999-123: Boom \[click\]\(command:x\)\?/);
    assert.ok(e.message.length < 300);
  });
  it('reports HTML pages from a load balancer with the HTTP status', () => {
    const e = failure(() => parseStatisticsEx({ status: 502, body: '<html><body>Bad Gateway</body></html>', contentType: 'text/html' }, '101'));
    assert.equal(e.kind, 'transient');
    assert.match(e.message, /HTTP 502 with an HTML page/);
    const e200 = failure(() => parseStatisticsEx({ status: 200, body: '<!DOCTYPE html><p>login</p>', contentType: 'text/html' }, '101'));
    assert.equal(e200.kind, 'protocol');
    assert.match(e200.message, /HTTP 200 with an HTML page/);
  });
  it('refuses malformed, truncated and non-envelope JSON', () => {
    for (const body of ['{"retcode":"0","result":{"talktime":1', '{not json', '[]', '"0"', '{}', '{"retcode":0,"result":{}}', '']) {
      const e = failure(() => parseStatisticsEx(ok(body), '101'));
      assert.equal(e.kind, 'protocol', body);
    }
  });
  it('refuses wrong types, negatives, fractions and missing counters', () => {
    const bad = [{ talktime: '12', answernums: 1, calloutnums: 0 }, { talktime: -1, answernums: 1, calloutnums: 0 }, { talktime: 1.5, answernums: 1, calloutnums: 0 }, { talktime: 1, answernums: 1 }, { talktime: 1e300, answernums: 1, calloutnums: 0 }];
    for (const result of bad) {
      const e = failure(() => parseStatisticsEx(ok({ retcode: '0', result }), '101'));
      assert.equal(e.kind, 'protocol');
      assert.match(e.message, /non-negative whole number/);
    }
    assert.equal(failure(() => parseStatisticsEx(ok({ retcode: '0', result: null }), '101')).kind, 'protocol');
  });
  it('maps HTTP statuses without an envelope', () => {
    assert.equal(failure(() => parseStatisticsEx({ status: 401, body: '' }, '101')).kind, 'auth');
    assert.equal(failure(() => parseStatisticsEx({ status: 404, body: 'Not Found' }, '101')).kind, 'invalid-request');
    assert.equal(failure(() => parseStatisticsEx({ status: 503, body: '' }, '101')).kind, 'transient');
  });
});

describe('parseStatistics (drill-down)', () => {
  it('keeps the required counters and extra numeric fields by name', () => {
    const s = parseStatistics(ok({ retcode: '0', result: { talktime: 10, answernums: 2, calloutnums: 1, noanswernums: 3, intercallnums: 4, note: 'x', '<b>': 5 } }), '101');
    assert.equal(s.noanswernums, 3);
    assert.equal(s.intercallnums, 4);
    assert.equal('note' in s, false);
    assert.equal('<b>' in s, false);
  });
});

describe('isGatewayError', () => {
  it('recognises errors made by another bundle copy of the class', async () => {
    const { isGatewayError } = await import('../../src/core/model/errors');
    // The lazily loaded client bundle has its own GatewayError class; simulate that copy.
    const path = require.resolve('../../src/core/model/errors');
    const saved = require.cache[path];
    delete require.cache[path];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const copy = require(path) as typeof import('../../src/core/model/errors');
    require.cache[path] = saved;
    const foreign = new copy.GatewayError('auth', 'x');
    assert.notEqual(copy.GatewayError, GatewayError);
    assert.equal(foreign instanceof GatewayError, false);
    assert.equal(isGatewayError(foreign), true);
    assert.equal(isGatewayError(new Error('x')), false);
  });
});
