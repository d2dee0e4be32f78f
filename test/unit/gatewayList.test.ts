// ccGateway.gateways, validated, and combined with the top-level settings.
import assert from 'node:assert/strict';
import { findGateway, MAX_GATEWAYS, parseGateways, SETTINGS_GATEWAY } from '../../src/core/fleet/gatewayList';

const top = (urlText = '', agents: unknown = ['101']) => ({ urlText, agents, teams: {}, queues: [] });
const site = (name: unknown, url: unknown, extra: Record<string, unknown> = {}) => ({ name, url, agents: ['201'], ...extra });

describe('ccGateway.gateways and the top-level settings', () => {
  it('only the top-level settings: one gateway, named by its host, exactly as before', () => {
    const { entries, problems } = parseGateways(undefined, top('gw.example.com'));
    assert.deepEqual(problems, []);
    assert.equal(entries.length, 1);
    assert.equal(entries[0].key, SETTINGS_GATEWAY);
    assert.equal(entries[0].name, 'gw.example.com');
    assert.equal(entries[0].origin, 'https://gw.example.com:8043');
    assert.deepEqual(entries[0].agents, ['101']);
  });

  it('nothing set anywhere: still one (empty) gateway, so the welcome view asks for a URL', () => {
    const { entries } = parseGateways([], top(''));
    assert.deepEqual(entries.map((e) => [e.key, e.origin]), [[SETTINGS_GATEWAY, undefined]]);
  });

  it('a port other than 8043 is part of the top-level name (two simulators on one host stay apart)', () => {
    assert.equal(parseGateways([], top('https://127.0.0.1:4443')).entries[0].name, '127.0.0.1:4443');
  });

  it('the list alone replaces the empty top-level gateway; both together: the top-level one first', () => {
    const list = [site('Site A', 'a.example:8043'), site('Site B', 'https://b.example:9443', { teams: { Hotline: ['201'] }, queues: [3], 'tls.caFile': ' /ca/b.pem ' })];
    const alone = parseGateways(list, top(''));
    assert.deepEqual(alone.entries.map((e) => e.name), ['Site A', 'Site B']);
    assert.deepEqual(alone.problems, []);
    const b = alone.entries[1];
    assert.deepEqual([b.origin, b.teams, b.queues, b.caFile], ['https://b.example:9443', { Hotline: ['201'] }, [3], '/ca/b.pem']);
    const both = parseGateways(list, top('main.example'));
    assert.deepEqual(both.entries.map((e) => e.name), ['main.example', 'Site A', 'Site B']);
  });

  it('one CA for all: ccGateway.tls.caFile applies to every gateway unless its entry names its own, and each names the setting that applies', () => {
    const list = [site('Site A', 'a.example'), site('Site B', 'b.example', { 'tls.caFile': '/ca/b.pem' }), site('Site C', 'c.example', { 'tls.caFile': '  ' })];
    const { entries } = parseGateways(list, { ...top('main.example'), caFile: '/ca/company.pem' });
    assert.deepEqual(entries.map((e) => [e.name, e.caFile, e.caFileSetting]), [
      ['main.example', '/ca/company.pem', 'ccGateway.tls.caFile'],
      ['Site A', '/ca/company.pem', 'ccGateway.tls.caFile'],
      ['Site B', '/ca/b.pem', 'ccGateway.gateways › Site B › tls.caFile'],
      ['Site C', '/ca/company.pem', 'ccGateway.tls.caFile'],
    ]);
    const none = parseGateways(list, top('')).entries;
    assert.deepEqual(none.map((e) => [e.name, e.caFile, e.caFileSetting]), [
      ['Site A', undefined, 'ccGateway.tls.caFile'],
      ['Site B', '/ca/b.pem', 'ccGateway.gateways › Site B › tls.caFile'],
      ['Site C', undefined, 'ccGateway.tls.caFile'],
    ]);
  });

  it('keys follow the name, not the URL: editing a URL keeps the gateway, renaming is a new one', () => {
    const a = parseGateways([site('Site A', 'a.example')], top('')).entries[0];
    const moved = parseGateways([site('Site A', 'a2.example')], top('')).entries[0];
    const renamed = parseGateways([site('Site A2', 'a.example')], top('')).entries[0];
    assert.equal(a.key, moved.key);
    assert.notEqual(a.key, renamed.key);
    assert.notEqual(a.key, SETTINGS_GATEWAY);
  });

  it('each mistake is skipped with a message saying which entry and what to do; the good entries stay', () => {
    const { entries, problems } = parseGateways(
      [
        site('Site A', 'a.example'),
        'a.example',
        site('', 'c.example'),
        site('x'.repeat(41), 'c.example'),
        site('Site D', 'http://d.example'),
        site('site a', 'e.example'),
        site('Site F', 'https://A.EXAMPLE:8043'),
        site('Site G', 'main.example'),
        site('Site H', 'h.example', { 'tls.caFile': 42 }),
      ],
      top('main.example'),
    );
    assert.deepEqual(entries.map((e) => e.name), ['main.example', 'Site A', 'Site H']);
    assert.equal(entries[2].caFile, undefined, 'a caFile that is not a path is ignored');
    assert.equal(problems.length, 8, problems.join('\n'));
    assert.match(problems[0], /entry 2 is not an object/);
    assert.match(problems[1], /entry 3 needs a "name" of 1 to 40/);
    assert.match(problems[2], /entry 4 needs a "name"/);
    assert.match(problems[3], /entry 5 \("Site D"\): The gateway URL must use https/);
    assert.match(problems[4], /entry 6: the name "site a" is used twice/);
    assert.match(problems[5], /entry 7 \("Site F"\): https:\/\/a\.example:8043 is already watched/);
    assert.match(problems[6], /entry 8 \("Site G"\): https:\/\/main\.example:8043 is already watched/);
    assert.match(problems[7], /entry 9 \("Site H"\): "tls\.caFile" must be a path/);
  });

  it('not a list, or too long: said once, and what can be used is used', () => {
    const notList = parseGateways({ name: 'Site A', url: 'a.example' }, top('main.example'));
    assert.equal(notList.entries.length, 1);
    assert.match(notList.problems[0], /must be a list/);
    const many = Array.from({ length: MAX_GATEWAYS + 3 }, (_, i) => site(`S${i}`, `s${i}.example`));
    const long = parseGateways(many, top(''));
    assert.equal(long.entries.length, MAX_GATEWAYS);
    assert.match(long.problems[0], new RegExp(`${MAX_GATEWAYS + 3} entries; only the first ${MAX_GATEWAYS}`));
  });

  it('a script names a gateway by its name (any case) or its URL (any spelling of the same origin)', () => {
    const { entries } = parseGateways([site('Site A', 'a.example'), site('Site B', 'https://b.example:9443')], top('main.example'));
    assert.equal(findGateway(entries, 'site b')?.name, 'Site B');
    assert.equal(findGateway(entries, 'https://b.example:9443/')?.name, 'Site B');
    assert.equal(findGateway(entries, 'a.example')?.name, 'Site A');
    assert.equal(findGateway(entries, 'main.example')?.key, SETTINGS_GATEWAY);
    assert.equal(findGateway(entries, 'b.example'), undefined, 'port 8043 is another origin than 9443');
    assert.equal(findGateway(entries, 'Site C'), undefined);
  });
});
