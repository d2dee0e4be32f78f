// "Trust This Certificate": a gateway certificate that does not verify is refused with
// everything needed to review it, and accepted afterwards only when it is exactly the
// pinned one — directly and through a CONNECT proxy; a different certificate is refused again.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { normalizeFingerprint } from '../../src/core/model/certificate';
import { createGatewayClient } from '../../src/core/wire/client';
import { isGatewayError, type GatewayError } from '../../src/core/model/errors';
import type { GatewayClient, GatewayClientOptions } from '../../src/core/wire/types';
import type { AgentId } from '../../src/core/ids/agentId';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { startConnectProxy, type ConnectProxy } from '../support/connectProxy';

const AGENT = '101' as AgentId;

/**
 * The request's error. A kept-alive connection the server just closed may fail first
 * with a socket error (as after any gateway restart; the scheduler retries): up to
 * two of those are skipped so the test sees what the next connection meets.
 */
async function refusal(client: GatewayClient, sim: Simulator): Promise<GatewayError> {
  for (let attempt = 0; ; attempt++) {
    try {
      await client.statisticsEx(AGENT, sim.guid);
    } catch (e) {
      assert.ok(isGatewayError(e), String(e));
      if (e.kind === 'network' && attempt < 2) continue;
      return e;
    }
    assert.fail('the request succeeded');
  }
}

describe('certificate trust (pinning)', function () {
  this.timeout(15_000);
  let sim: Simulator;
  let client: GatewayClient | undefined;
  let proxy: ConnectProxy | undefined;
  const connect = (extra: Partial<GatewayClientOptions> = {}) => (client = createGatewayClient({ origin: sim.url, timeoutMs: 3000, ...extra }));

  beforeEach(async () => {
    sim = await startSimulator({ tls: 'selfSigned' });
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    await proxy?.stop();
    proxy = undefined;
    await sim.stop();
  });

  it('a self-signed certificate is refused with its subject, issuer, validity and SHA-256 fingerprint; no Guid sent', async () => {
    const e = await refusal(connect(), sim);
    assert.equal(e.kind, 'tls');
    assert.equal(e.details.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
    const info = e.details.refusal?.certificate;
    assert.ok(info, 'the certificate comes with the error');
    const x509 = new X509Certificate(sim.certPem);
    assert.equal(info.fingerprint256, x509.fingerprint256);
    assert.equal(info.fingerprint256, sim.fingerprint256);
    assert.equal(info.subject, 'CN=localhost, O=CC-Gateway Simulator');
    assert.equal(info.issuer, info.subject);
    assert.equal(info.selfSigned, true);
    assert.equal(info.validFrom, new Date(x509.validFrom).toISOString());
    assert.equal(info.validTo, new Date(x509.validTo).toISOString());
    assert.match(info.subjectAltNames, /DNS:localhost.*IP Address:127\.0\.0\.1/);
    assert.match(e.message, /self-signed.*DEPTH_ZERO_SELF_SIGNED_CERT.*Trust Gateway Certificate/);
    assert.ok(e.message.includes(sim.fingerprint256.slice(0, 11)), 'the message names the fingerprint');
    assert.equal(sim.stats.guidsSeen.size, 0);
    assert.equal(sim.stats.requests, 0);
  });

  it('pinned to its fingerprint, the same certificate is accepted and the numbers arrive', async () => {
    const c = connect({ trustedFingerprints: [sim.fingerprint256] });
    const stats = await c.statisticsEx(AGENT, sim.guid);
    assert.equal(typeof stats.answernums, 'number');
    assert.deepEqual([...sim.stats.guidsSeen], [sim.guid]);
  });

  it('a second certificate later is refused again and explained with both fingerprints; no Guid sent to it', async () => {
    const trusted = sim.fingerprint256;
    const c = connect({ trustedFingerprints: [trusted] });
    await c.statisticsEx(AGENT, sim.guid);
    const requests = sim.stats.requests;
    sim.stats.guidsSeen.clear();
    const second = await sim.replaceCertificate('selfSigned');
    assert.notEqual(second, trusted);
    const e = await refusal(c, sim);
    assert.equal(e.kind, 'tls');
    assert.equal(e.details.code, 'CERT_PIN_MISMATCH');
    assert.equal(e.details.refusal?.certificate.fingerprint256, second);
    assert.equal(e.details.refusal?.pinned, trusted);
    assert.ok(e.message.includes(second.slice(0, 11)) && e.message.includes(trusted.slice(0, 11)), e.message);
    assert.match(e.message, /different certificate.*replaced or someone is intercepting/);
    assert.equal(sim.stats.requests, requests, 'nothing reached the second certificate’s server');
    assert.equal(sim.stats.guidsSeen.size, 0);
  });

  it('a pin is for the exact certificate: one from an unknown CA with another fingerprint is refused', async () => {
    const c = connect({ trustedFingerprints: [normalizeFingerprint('ab'.repeat(32))!] });
    await sim.replaceCertificate('unknownCa');
    const e = await refusal(c, sim);
    assert.equal(e.details.code, 'CERT_PIN_MISMATCH');
    assert.equal(e.details.refusal?.reason, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.equal(sim.stats.guidsSeen.size, 0);
  });

  it('a pin does not restrict a certificate that verifies (the CA file still works)', async () => {
    await sim.stop();
    sim = await startSimulator({ tls: 'valid' });
    const c = connect({ caPem: sim.caPem, trustedFingerprints: [normalizeFingerprint('cd'.repeat(32))!] });
    assert.equal(typeof (await c.statisticsEx(AGENT, sim.guid)).talktime, 'number');
  });

  it('through a CONNECT proxy: refused without the pin, accepted with it, refused after a change — the proxy never sees the Guid', async () => {
    proxy = await startConnectProxy();
    const via = { url: proxy.url, display: `127.0.0.1:${proxy.port}`, strictSSL: true };
    const unpinned = connect({ proxy: via });
    const e = await refusal(unpinned, sim);
    assert.equal(e.details.code, 'DEPTH_ZERO_SELF_SIGNED_CERT');
    assert.equal(e.details.refusal?.certificate.fingerprint256, sim.fingerprint256);
    assert.ok(!e.message.includes('proxy'), `the gateway's certificate is the gateway's problem: ${e.message}`);
    assert.equal(sim.stats.guidsSeen.size, 0);
    await unpinned.close();

    const pinned = connect({ proxy: via, trustedFingerprints: [sim.fingerprint256] });
    assert.equal(typeof (await pinned.statisticsEx(AGENT, sim.guid)).calloutnums, 'number');
    assert.ok(proxy.connects.length >= 1, 'the request went through the proxy');
    sim.stats.guidsSeen.clear();
    await sim.replaceCertificate('selfSigned');
    const changed = await refusal(pinned, sim);
    assert.equal(changed.details.code, 'CERT_PIN_MISMATCH');
    assert.equal(sim.stats.guidsSeen.size, 0);
    for (const c of proxy.connects) assert.equal(c.headers.guid, undefined);
  });

  it('normalizeFingerprint accepts the usual spellings and nothing else', () => {
    const fp = 'AB:'.repeat(31) + 'AB';
    assert.equal(normalizeFingerprint('ab'.repeat(32)), fp);
    assert.equal(normalizeFingerprint(`SHA256:${fp.toLowerCase()}`), fp);
    assert.equal(normalizeFingerprint(` sha-256 ${'AB '.repeat(32)}`), fp);
    assert.equal(normalizeFingerprint('AB'.repeat(31)), undefined, '31 bytes');
    assert.equal(normalizeFingerprint('ZZ'.repeat(32)), undefined);
    assert.equal(normalizeFingerprint(''), undefined);
  });
});
