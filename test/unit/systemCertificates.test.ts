// The operating system's certificate store (VS Code's http.systemCertificates): a gateway
// whose certificate chains to a CA in the store is trusted with no ccGateway.tls.caFile and
// no pin, directly and through a CONNECT proxy; with the setting off it is refused. On Linux
// the store is what OpenSSL reads, so a throwaway CA goes into a bundle named by
// SSL_CERT_FILE (or a directory named by SSL_CERT_DIR) instead of the machine's store.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { rootCertificates } from 'node:tls';
import { createGatewayClient } from '../../src/core/wire/client';
import { isGatewayError, type GatewayError } from '../../src/core/model/errors';
import { readSystemCertificates, trustedCas } from '../../src/core/wire/systemCertificates';
import type { GatewayClient, GatewayClientOptions } from '../../src/core/wire/types';
import type { AgentId } from '../../src/core/ids/agentId';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';
import { startConnectProxy, type ConnectProxy } from '../support/connectProxy';

const AGENT = '101' as AgentId;
const ENV_KEYS = ['SSL_CERT_FILE', 'SSL_CERT_DIR'] as const;

async function refusal(client: GatewayClient, sim: Simulator): Promise<GatewayError> {
  try {
    await client.statisticsEx(AGENT, sim.guid);
  } catch (e) {
    assert.ok(isGatewayError(e), String(e));
    return e;
  }
  return assert.fail('the request succeeded');
}

describe('OS certificate store (http.systemCertificates)', function () {
  this.timeout(15_000);
  let sim: Simulator;
  let tmp: string;
  let client: GatewayClient | undefined;
  let proxy: ConnectProxy | undefined;
  const savedEnv: Partial<Record<(typeof ENV_KEYS)[number], string>> = {};
  const connect = (extra: Partial<GatewayClientOptions> = {}) => (client = createGatewayClient({ origin: sim.url, timeoutMs: 3000, ...extra }));

  /** "Installs" the simulator's CA: a bundle file that holds it (and nothing else of ours). */
  const caBundle = () => {
    const file = path.join(tmp, 'ca-bundle.crt');
    fs.writeFileSync(file, `# throwaway test CA\n${sim.caPem}\n`);
    return file;
  };

  before(() => {
    for (const k of ENV_KEYS) savedEnv[k] = process.env[k];
  });
  beforeEach(async () => {
    for (const k of ENV_KEYS) delete process.env[k];
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-os-store-'));
    sim = await startSimulator(); // a leaf signed by the simulator's own, fresh CA
  });
  afterEach(async () => {
    await client?.close();
    client = undefined;
    await proxy?.stop();
    proxy = undefined;
    await sim.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
    for (const k of ENV_KEYS) {
      if (savedEnv[k] === undefined) delete process.env[k];
      else process.env[k] = savedEnv[k];
    }
  });

  it('connects when the CA is in the SSL_CERT_FILE bundle: no caFile, no pin', async () => {
    process.env.SSL_CERT_FILE = caBundle();
    const stats = await connect({ systemCertificates: true }).statisticsEx(AGENT, sim.guid);
    assert.equal(typeof stats.answernums, 'number');
    assert.deepEqual([...sim.stats.guidsSeen], [sim.guid]);
  });

  it('refuses the same gateway with systemCertificates off; nothing is sent', async () => {
    process.env.SSL_CERT_FILE = caBundle();
    const e = await refusal(connect({ systemCertificates: false }), sim);
    assert.equal(e.kind, 'tls');
    assert.equal(e.details.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.equal(sim.stats.requests, 0);
    assert.equal(sim.stats.guidsSeen.size, 0);
  });

  it('refuses with systemCertificates on when the CA is in no store (the machine’s bundle and directories)', async () => {
    const e = await refusal(connect({ systemCertificates: true }), sim);
    assert.equal(e.details.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.equal(sim.stats.guidsSeen.size, 0);
  });

  it('reads a directory named by SSL_CERT_DIR too', async () => {
    const dir = path.join(tmp, 'certs');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'test-ca.pem'), sim.caPem);
    process.env.SSL_CERT_FILE = path.join(tmp, 'no-such-bundle.crt');
    process.env.SSL_CERT_DIR = dir;
    await connect({ systemCertificates: true }).statisticsEx(AGENT, sim.guid);
    assert.deepEqual([...sim.stats.guidsSeen], [sim.guid]);
  });

  it('applies inside a CONNECT proxy tunnel, on and off', async () => {
    process.env.SSL_CERT_FILE = caBundle();
    proxy = await startConnectProxy();
    const viaProxy = { url: proxy.url, display: `127.0.0.1:${proxy.port}`, strictSSL: true };
    await connect({ systemCertificates: true, proxy: viaProxy }).statisticsEx(AGENT, sim.guid);
    assert.equal(proxy.connects.length, 1, 'through the tunnel');
    await client?.close();
    sim.stats.guidsSeen.clear();
    const e = await refusal(connect({ systemCertificates: false, proxy: viaProxy }), sim);
    assert.equal(e.details.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.equal(sim.stats.guidsSeen.size, 0);
  });

  it('does not weaken verification: a self-signed gateway is still refused, a pin still works', async () => {
    process.env.SSL_CERT_FILE = caBundle();
    const selfSigned = await startSimulator({ tls: 'selfSigned' });
    try {
      const other = createGatewayClient({ origin: selfSigned.url, timeoutMs: 3000, systemCertificates: true });
      await assert.rejects(other.statisticsEx(AGENT, selfSigned.guid), (e: GatewayError) => e.details.code === 'DEPTH_ZERO_SELF_SIGNED_CERT');
      await other.close();
      const pinned = createGatewayClient({ origin: selfSigned.url, timeoutMs: 3000, systemCertificates: true, trustedFingerprints: [selfSigned.fingerprint256] });
      await pinned.statisticsEx(AGENT, selfSigned.guid);
      await pinned.close();
    } finally {
      await selfSigned.stop();
    }
  });

  it('the trust list is Node’s roots plus the store plus the CA file, never less', async () => {
    process.env.SSL_CERT_FILE = caBundle();
    const { certificates } = await readSystemCertificates();
    assert.ok(certificates.includes(sim.caPem.trim()), 'the bundle’s CA is read');
    const list = trustedCas(certificates, 'CA-FILE-PEM');
    for (const root of rootCertificates) assert.ok(list.includes(root));
    assert.ok(list.includes('CA-FILE-PEM'));
    assert.deepEqual(await readSystemCertificates({ SSL_CERT_FILE: path.join(tmp, 'none'), SSL_CERT_DIR: path.join(tmp, 'none') }).then((r) => [r.certificates.length, typeof r.problem]), [0, 'string']);
  });

  it('a runtime with Node’s own tls.getCACertificates("system") (Windows, macOS on newer VS Code) adds its store too', async () => {
    const empty = { SSL_CERT_FILE: path.join(tmp, 'none'), SSL_CERT_DIR: path.join(tmp, 'none') };
    const asked: string[] = [];
    const runtime = { getCACertificates: (type: 'system') => (asked.push(type), [`${sim.caPem.trim()}\n`]) };
    const { certificates, problem } = await readSystemCertificates(empty, runtime);
    assert.deepEqual(asked, ['system']);
    assert.deepEqual(certificates, [sim.caPem.trim()], 'the runtime’s store, though system-ca found nothing');
    assert.equal(problem, undefined);
    const failing = { getCACertificates: () => { throw new Error('unsupported'); } };
    assert.deepEqual((await readSystemCertificates(empty, failing)).certificates, [], 'a runtime that cannot read it changes nothing');
  });
});
