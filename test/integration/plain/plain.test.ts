// The extension as a user gets it: activated without the test hooks (the harness sets no
// CCGW_TEST_HOOKS for this suite), so everything here goes through commands and settings.
// The harness also points SSL_CERT_FILE / SSL_CERT_DIR at an empty store of its own: on
// Linux that is the operating system's certificate store as OpenSSL (and the extension) read it.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { startSimulator, type Simulator } from '../../../src/simulator/simulator';
import { sleep, until } from '../../support/wait';
import { config, set } from '../../support/userSettings';
import { ON_DEMAND_MS } from '../../../src/core/sharing/readCoordinator';

const EXTENSION_ID = 'ccgateway-tools.ccgateway-agent-stats';

describe('a plain activation (no test hooks)', function () {
  this.timeout(60_000);

  it('really runs without the test hooks (otherwise the next test proves nothing)', () => {
    assert.equal(process.env.CCGW_TEST_HOOKS, undefined);
    assert.equal(process.env.CCGW_TEST_SUITE, 'plain');
  });

  it('exports nothing another extension could use to change its state', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const returned: unknown = await ext.activate();
    assert.equal(ext.isActive, true);
    assert.equal(returned, undefined, 'activate() returned something');
    assert.equal(ext.exports, undefined, 'extension.exports is set');
  });
});

describe('the operating system’s certificate store (http.systemCertificates)', function () {
  this.timeout(60_000);
  let sim: Simulator;
  const bundle = process.env.SSL_CERT_FILE ?? '';

  before(async () => {
    assert.ok(bundle && fs.existsSync(bundle), 'the harness names an (empty) CA bundle in SSL_CERT_FILE');
    sim = await startSimulator({ guid: process.env.CCGW_TEST_GUID || undefined });
    sim.setCounters('101', { talktime: 4328, answernums: 5, calloutnums: 2 });
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    await set('tls.caFile', undefined);
    await set('gatewayUrl', sim.url);
    await set('agents', ['101']);
    assert.equal(await vscode.commands.executeCommand('ccGateway.setGuid', sim.guid), true);
  });

  after(async () => {
    await vscode.commands.executeCommand('ccGateway.clearGuid');
    for (const key of ['gatewayUrl', 'agents', 'tls.caFile']) await set(key, undefined);
    await set('systemCertificates', undefined, 'http');
    fs.writeFileSync(bundle, '');
    await sim.stop();
  });

  /** Agent 101's numbers through the scripted query (undefined when the query failed: its rejection's reason is kept in `refusedWith`). */
  let refusedWith = '';
  const query = async () =>
    vscode.commands.executeCommand<{ answernums: number }>('ccGateway.queryAgent', '101').then(
      (stats) => stats,
      (e: unknown) => void (refusedWith = e instanceof Error ? e.message : String(e)),
    );

  it('refuses the gateway while its CA is in no store and no caFile or pin trusts it', async () => {
    assert.equal(config('http').get('systemCertificates'), true, 'http.systemCertificates is on by default');
    sim.resetStats();
    assert.equal(await query(), undefined);
    assert.match(refusedWith, /^Agent 101: Cannot connect securely to .*not signed by a trusted CA.*Set ccGateway\.tls\.caFile/, 'a script is told why');
    assert.equal(sim.stats.requests, 0, 'the TLS handshake failed: no request (no Guid) reached the gateway');
  });

  it('connects once the CA is installed in the OS store: no ccGateway.tls.caFile, no pinned certificate', async () => {
    fs.writeFileSync(bundle, sim.caPem); // what an administrator's CA roll-out does
    // The store is read when the connection is set up; a settings change sets it up again.
    await set('requestTimeoutSeconds', 9);
    try {
      const stats = await until('numbers through the OS store', () => query(), { timeoutMs: 10_000, everyMs: 500 });
      assert.equal(stats.answernums, 5);
      assert.ok(sim.stats.guidsSeen.has(sim.guid));
      assert.equal(config().get('tls.caFile'), '');
      assert.equal(await vscode.commands.executeCommand('ccGateway.forgetTrustedCertificates', new URL(sim.url).origin), 0, 'no certificate was pinned');
    } finally {
      await set('requestTimeoutSeconds', undefined);
    }
  });

  it('refuses it again with http.systemCertificates off, and connects when it is back on', async () => {
    await set('systemCertificates', false, 'http');
    // Past the 2 s in which windows share an on-demand read (the last query's numbers would be the answer).
    await sleep(ON_DEMAND_MS + 300);
    sim.resetStats();
    assert.equal(await query(), undefined, 'the query succeeded with http.systemCertificates off');
    assert.equal(sim.stats.requests, 0, 'no request (no Guid) reached the gateway');
    await set('systemCertificates', true, 'http');
    const stats = await until('numbers with the setting on again', () => query(), { timeoutMs: 10_000, everyMs: 500 });
    assert.equal(stats.answernums, 5);
  });
});
