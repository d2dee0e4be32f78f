import assert from 'node:assert/strict';
import { validateAgentId, normalizeAgentIdMax } from '../../src/core/ids/agentId';
import { parseGatewayUrl } from '../../src/core/ids/gatewayUrl';
import { normalizeGuid } from '../../src/core/ids/guid';

describe('validateAgentId', () => {
  it('accepts the documented range and trims surrounding spaces', () => {
    assert.deepEqual(validateAgentId('101'), { ok: true, value: '101' });
    assert.deepEqual(validateAgentId(' 59999 '), { ok: true, value: '59999' });
    assert.deepEqual(validateAgentId('0101'), { ok: true, value: '101' });
    assert.deepEqual(validateAgentId(4242), { ok: true, value: '4242' });
  });
  for (const bad of ['100', '60000', '', '   ', 'abc', '1 01', '10a', '-101', '1e3', '101.0', '1%2F01', '../101', '101/x', '١٠١', '\u0000101']) {
    it(`refuses ${JSON.stringify(bad)} with the valid range`, () => {
      const r = validateAgentId(bad);
      assert.equal(r.ok, false);
      if (!r.ok) {
        assert.match(r.message, /between 101 and 59999/);
        assert.ok(!r.message.includes('\u0000'));
      }
    });
  }
  it('follows the configured maximum (later editions allow 999999)', () => {
    assert.equal(validateAgentId('999999', 999999).ok, true);
    const r = validateAgentId('60000', 59999);
    assert.equal(r.ok, false);
    assert.equal(normalizeAgentIdMax(5_000_000), 999999);
    assert.equal(normalizeAgentIdMax('x'), 59999);
  });
  it('refuses non-string, non-number input', () => {
    assert.equal(validateAgentId(undefined).ok, false);
    assert.equal(validateAgentId({}).ok, false);
  });
});

describe('normalizeGuid', () => {
  const guid = '279fe21d-2caa-4437-84c3-ab9e9dae20f5.AgentGateway0';
  it('accepts the bare value, the JSESSIONID= form and the whole header', () => {
    assert.deepEqual(normalizeGuid(`  ${guid}\n`), { ok: true, value: guid });
    assert.deepEqual(normalizeGuid(`JSESSIONID=${guid}`), { ok: true, value: guid });
    assert.deepEqual(normalizeGuid(`Set-GUID: JSESSIONID=${guid}; Path=/`), { ok: true, value: guid });
  });
  it('refuses spaces, control characters and empties without echoing the value', () => {
    for (const bad of ['', '   ', 'JSESSIONID=', `${guid} extra`, `abc\u0007def`, 'abc\tdef', 'é-guid', 'x'.repeat(600)]) {
      const r = normalizeGuid(bad);
      assert.equal(r.ok, false, JSON.stringify(bad));
      if (!r.ok && bad.length > 3 && bad !== 'JSESSIONID=') assert.ok(!r.message.includes(bad.trim()), 'message must not echo the pasted value');
    }
  });
});

describe('parseGatewayUrl', () => {
  it('defaults the port to 8043 and keeps explicit ports', () => {
    assert.deepEqual(parseGatewayUrl('https://gw.example.com'), { ok: true, origin: 'https://gw.example.com:8043' });
    assert.deepEqual(parseGatewayUrl('gw.example.com:9443'), { ok: true, origin: 'https://gw.example.com:9443' });
    assert.deepEqual(parseGatewayUrl('https://gw.example.com:443/'), { ok: true, origin: 'https://gw.example.com:443' });
    assert.deepEqual(parseGatewayUrl('https://[::1]:8043'), { ok: true, origin: 'https://[::1]:8043' });
  });
  it('refuses http, credentials, paths and garbage with what to do', () => {
    const cases: [string, RegExp][] = [
      ['http://gw:8043', /must use https/],
      ['https://user:pw@gw:8043', /user name or password/],
      ['https://gw:8043/agentgateway', /without a path/],
      ['https://gw:8043/?x=1', /without a path/],
      ['https://exa mple.com', /not a valid URL/],
      ['', /No gateway URL/],
    ];
    for (const [input, message] of cases) {
      const r = parseGatewayUrl(input);
      assert.equal(r.ok, false, input);
      if (!r.ok) assert.match(r.message, message);
    }
  });
});
