// The typed storage layer and the password lifecycle, in plain Node with in-memory stores.
import assert from 'node:assert/strict';
import { pastedRef } from '../../src/core/ids/credentialRef';
import { gatewayIdOf } from '../../src/core/ids/gatewayId';
import { PasswordVault } from '../../src/core/credentials/passwordVault';
import { StateStore } from '../../src/core/storage/stateEntries';
import { guidSecretKey, parseGuidSecretKey } from '../../src/core/storage/storageKeys';
import type { AgentId } from '../../src/core/ids/agentId';
import { GuidStore } from '../../src/core/credentials/guidStore';
import { PREFERENCE_KEYS, Preferences } from '../../src/core/storage/preferences';
import { SharedProfile } from '../support/memoryStores';

const GW = gatewayIdOf('https://gw.example:8043');
const CERT = { fingerprint256: 'AA:BB', subject: 'CN=gw', issuer: 'CN=ca', validTo: '2027-01-01', trustedAt: '2026-12-01T00:00:00.000Z' };
const a = (id: string) => ({ gateway: GW, agentId: id as AgentId });

describe('typed storage', () => {
  it('Guid secret keys keep the spelling of earlier versions and parse back to the same credential', () => {
    assert.equal(guidSecretKey(pastedRef(GW)), 'ccGateway.guid|https://gw.example:8043');
    assert.equal(guidSecretKey(pastedRef(GW, '101' as AgentId)), 'ccGateway.guid|https://gw.example:8043|agent|101');
    assert.deepEqual(parseGuidSecretKey('ccGateway.guid|https://gw.example:8043|agent|101'), pastedRef(GW, '101' as AgentId));
    assert.deepEqual(parseGuidSecretKey('ccGateway.guid|https://gw.example:8043'), pastedRef(GW));
    for (const bad of ['ccGateway.password|x|agent|1', 'ccGateway.guid|', 'ccGateway.guid|x|agent|1x', 'other']) assert.equal(parseGuidSecretKey(bad), undefined, bad);
  });

  it('a Guid key naming something that is not a gateway origin or an agent ID is nobody\'s credential', () => {
    for (const bad of ['ccGateway.guid|http://gw:8043', 'ccGateway.guid|https://gw:8043/path', 'ccGateway.guid|https://gw:8043|agent|0101', 'ccGateway.guid|https://gw:8043|agent|99']) {
      assert.equal(parseGuidSecretKey(bad), undefined, bad);
    }
  });

  it('preferences (sort order, walkthrough, time in state) read through their checks: a bad value reads as unset', async () => {
    const profile = new SharedProfile();
    const kv = profile.window().kv;
    const prefs = new Preferences(kv);
    assert.equal(prefs.sortKey(), undefined);
    assert.equal(prefs.walkthroughShown(), false);
    await prefs.setSortKey('talkTime');
    await prefs.setWalkthroughShown();
    const span = { presence: 'talking' as const, since: 1, atLeast: false, seenAt: 2 };
    await prefs.setTimeInState('https://a:8043', { '101': span });
    await prefs.setTimeInState('https://b:8043', { '102': span });
    const again = new Preferences(kv);
    assert.equal(again.sortKey(), 'talkTime');
    assert.equal(again.walkthroughShown(), true);
    assert.deepEqual(again.timeInState('https://a:8043'), { '101': span }, 'one gateway\'s spans do not replace another\'s');
    assert.deepEqual(again.timeInState('https://b:8043'), { '102': span });
    await kv.update(PREFERENCE_KEYS.sortKey, 'nonsense');
    await kv.update(PREFERENCE_KEYS.walkthroughShown, 'yes');
    await kv.update(PREFERENCE_KEYS.timeInState, ['torn']);
    assert.equal(again.sortKey(), undefined);
    assert.equal(again.walkthroughShown(), false);
    assert.equal(again.timeInState('https://a:8043'), undefined);
  });

  it('two windows adding entries at once lose none (one key per entry, no index rewritten)', async () => {
    const profile = new SharedProfile();
    const w1 = profile.window();
    const w2 = profile.window();
    const s1 = new StateStore(w1.kv);
    const s2 = new StateStore(w2.kv);
    // Neither window has seen the other's write when it makes its own.
    await Promise.all([s1.set('password', a('101'), { at: 1 }), s2.set('password', a('102'), { at: 2 }), s1.set('session', a('101'), {}), s2.set('session', a('103'), { phoneNumber: '7001' })]);
    await Promise.all([s1.set('guid', pastedRef(GW, '101' as AgentId), { at: 1 }), s2.set('guid', pastedRef(GW), { at: 2 })]);
    await Promise.all([s1.set('trust', GW, CERT), s2.set('trust', gatewayIdOf('https://other:8043'), CERT)]);
    w1.kv.sync();
    w2.kv.sync();
    for (const s of [s1, s2]) {
      assert.deepEqual(s.list('password').map((e) => e.id.agentId).sort(), ['101', '102']);
      assert.deepEqual(s.list('session').map((e) => e.id.agentId).sort(), ['101', '103']);
      assert.deepEqual(s.list('guid').map((e) => e.id.agentId ?? '-').sort(), ['-', '101']);
      assert.deepEqual(s.list('trust').map((e) => e.id).sort(), [GW, 'https://other:8043']);
    }
  });

  it('malformed stored values read as absent, nothing throws', async () => {
    const profile = new SharedProfile();
    const w = profile.window();
    const s = new StateStore(w.kv);
    await s.set('password', a('101'), { at: 5 });
    const [key] = w.kv.keys();
    await w.kv.update(key, { at: 'yesterday' });
    await w.kv.update('ccGateway.entry|password|["x"]', { at: 1 });
    await w.kv.update('ccGateway.entry|password|not json', { at: 1 });
    assert.equal(s.get('password', a('101')), undefined);
    assert.deepEqual(s.list('password'), []);
  });

  it('moves the whole-index keys of 0.2.0 into entries and removes them', async () => {
    const profile = new SharedProfile();
    const w = profile.window();
    await w.kv.update('ccGateway.agentGuidIndex', { [GW]: ['101'] });
    await w.kv.update('ccGateway.guidOriginIndex', [GW]);
    await w.kv.update('ccGateway.guidSetAt', { [`ccGateway.guid|${GW}`]: 42 });
    await w.kv.update('ccGateway.passwordIndex', { [GW]: ['102'] });
    await w.kv.update('ccGateway.sessions', { [GW]: [{ agentId: '102', phoneNumber: '7001' }, { agentId: 'bad' }] });
    await w.kv.update('ccGateway.trustedCertificates', { [GW]: CERT, 'https://broken:8043': { fingerprint256: 1 } });
    const s = new StateStore(w.kv);
    await s.migrateLegacy(1000);
    assert.deepEqual(s.get('guid', pastedRef(GW)), { at: 42 });
    assert.deepEqual(s.get('guid', pastedRef(GW, '101' as AgentId)), { at: 1000 });
    assert.deepEqual(s.get('password', a('102')), { at: 1000 });
    assert.deepEqual(s.list('session'), [{ id: a('102'), value: { phoneNumber: '7001' } }]);
    assert.deepEqual(s.list('trust'), [{ id: GW, value: CERT }], 'trust moved; a malformed entry dropped');
    assert.deepEqual(w.kv.keys().filter((k) => !k.startsWith('ccGateway.entry|')), []);
  });

  it('GuidStore lists own Guids per gateway and hears another window’s change', async () => {
    const profile = new SharedProfile();
    const w1 = profile.window();
    const w2 = profile.window();
    const g1 = new GuidStore(w1.secrets, new StateStore(w1.kv), () => 7);
    const g2 = new GuidStore(w2.secrets, new StateStore(w2.kv), () => 8);
    const heard: unknown[] = [];
    g2.onDidChange((r) => heard.push(r));
    await g1.set(GW, 'guid-A', '101');
    assert.deepEqual(heard, [pastedRef(GW, '101' as AgentId)]);
    w2.kv.sync();
    assert.deepEqual(g2.agentsWithOwnGuid(GW), ['101']);
    assert.equal(await g2.get(GW, '101'), 'guid-A');
    assert.equal(g2.setAt(GW, '101'), 7);
    assert.ok(!profile.dump().includes('guid-A'), 'no Guid in global state');
  });
});

describe('PasswordVault: a stored password is sent only while known good', () => {
  const setup = () => {
    const profile = new SharedProfile();
    let now = 1000;
    const mk = () => {
      const w = profile.window();
      return { w, vault: new PasswordVault(w.secrets, new StateStore(w.kv), { now: () => now, setTimeout: () => 0, clearTimeout: () => undefined }) };
    };
    return { profile, mk, tick: (ms: number) => (now += ms) };
  };

  it('stored only once accepted; refused: deleted, session forgotten, marked, told once', async () => {
    const { profile, mk, tick } = setup();
    const { vault, w } = mk();
    assert.equal(await vault.forSignIn(a('101')), undefined);
    await vault.accepted(a('101'), 'pw-1');
    await new StateStore(w.kv).set('session', a('101'), {});
    assert.equal(await vault.forSignIn(a('101')), 'pw-1');
    const told: unknown[] = [];
    vault.onDidRefuse((e) => told.push(e));
    tick(5);
    await vault.refused(a('101'), { retcode: '100-004', typed: false });
    assert.equal(await vault.forSignIn(a('101')), undefined);
    assert.equal(profile.secrets.size, 0, 'the password is deleted');
    assert.deepEqual(new StateStore(w.kv).list('session'), [], 'the session is no longer remembered');
    assert.deepEqual(told, [{ ...a('101'), retcode: '100-004', typed: false }]);
    assert.ok(!profile.dump().includes('pw-1'));
  });

  it('another window whose keyring still holds the refused password does not send it (the marker wins)', async () => {
    const { profile, mk, tick } = setup();
    const one = mk();
    await one.vault.accepted(a('101'), 'pw-1');
    const two = mk();
    tick(10);
    await one.vault.refused(a('101'), { retcode: '110-016', typed: false });
    // The delete from the keyring was lost (a race, a failing keyring): the secret is back.
    profile.secrets.set('ccGateway.password|https://gw.example:8043|agent|101', 'pw-1');
    two.w.kv.sync();
    assert.equal(await two.vault.forSignIn(a('101')), undefined);
    tick(10);
    await two.vault.accepted(a('101'), 'pw-2');
    one.w.kv.sync();
    assert.equal(await one.vault.forSignIn(a('101')), 'pw-2', 'a typed password the gateway accepted lifts the marker');
  });
});
