// One company CA for every gateway: ccGateway.tls.caFile covers a listed gateway that names no CA
// file of its own, and every certificate or CA file message names the setting that applies to
// that gateway. Real simulators over loopback, the real client.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readFile } from 'node:fs/promises';
import { parseGateways, type GatewayEntry } from '../../src/core/fleet/gatewayList';
import { errorForTransport, isGatewayError, type GatewayError } from '../../src/core/model/errors';
import { createGatewayClient } from '../../src/core/wire/client';
import { clientOptionsFor, connectionSettings } from '../../src/core/wire/connectionSettings';
import type { GatewayClient } from '../../src/core/wire/types';
import type { AgentId } from '../../src/core/ids/agentId';
import { generateCa } from '../../src/simulator/certs';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';

const AGENT = '101' as AgentId;
const SITE_B = 'ccGateway.gateways › Site B › tls.caFile';

describe('the CA file setting that applies to each gateway', function () {
  this.timeout(20_000);
  const sims: Simulator[] = [];
  const clients: GatewayClient[] = [];
  const start = async (opts: Parameters<typeof startSimulator>[0]) => {
    const sim = await startSimulator(opts);
    sims.push(sim);
    return sim;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await Promise.all(sims.splice(0).map((s) => s.stop()));
  });

  /** A client built the way a gateway's connection builds it: settings → client options → client. */
  const clientFor = async (origin: string, caFile: string | undefined, caFileSetting?: string) => {
    const options = await clientOptionsFor(
      connectionSettings({ origin, caFile, caFileSetting, trustedFingerprints: [], proxy: { strictSSL: true, env: {} }, requestTimeoutMs: 3000 }),
      (p) => readFile(p, 'utf8'),
    );
    const client = createGatewayClient(options);
    clients.push(client);
    return client;
  };
  const failure = async (run: () => Promise<unknown>): Promise<GatewayError> => {
    try {
      await run();
    } catch (e) {
      assert.ok(isGatewayError(e), String(e));
      return e;
    }
    return assert.fail('it succeeded');
  };

  it('a listed gateway without its own tls.caFile, its certificate from the company CA of ccGateway.tls.caFile, is trusted', async () => {
    const company = await generateCa('Company CA');
    const top = await start({ ca: company });
    const listed = await start({ ca: company });
    listed.setCounters('101', { answernums: 7, calloutnums: 1, talktime: 70 });
    const { entries } = parseGateways([{ name: 'Site C', url: listed.url, agents: ['101'] }], { urlText: top.url, agents: [], teams: {}, queues: [], caFile: top.caFile });
    const siteC = entries.find((e) => e.name === 'Site C') as GatewayEntry;
    assert.equal(siteC.caFile, top.caFile);
    const client = await clientFor(siteC.origin!, siteC.caFile, siteC.caFileSetting);
    assert.equal((await client.statisticsEx(AGENT, listed.guid)).answernums, 7);
  });

  it('a refused certificate names the gateway’s own setting, or ccGateway.tls.caFile when that is the one in effect', async () => {
    // The leaf is signed by a CA that is not in sim.caFile.
    const sim = await start({ tls: 'unknownCa' });
    const own = await failure(async () => (await clientFor(sim.origin, sim.caFile, SITE_B)).statisticsEx(AGENT, sim.guid));
    assert.equal(own.kind, 'tls');
    assert.ok(own.message.includes(`Set ${SITE_B} to the gateway's CA`), own.message);
    assert.ok(!own.message.includes('ccGateway.tls.caFile'), own.message);
    const top = await failure(async () => (await clientFor(sim.origin, sim.caFile)).statisticsEx(AGENT, sim.guid));
    assert.ok(top.message.includes("Set ccGateway.tls.caFile to the gateway's CA"), top.message);
    assert.equal(sim.stats.guidsSeen.size, 0);
  });

  it('an unreadable or non-PEM CA file names the setting it came from', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-ca-'));
    try {
      const notPem = path.join(dir, 'not.pem');
      fs.writeFileSync(notPem, 'hello');
      const missing = await failure(() => clientFor('https://127.0.0.1:9', path.join(dir, 'missing.pem'), SITE_B));
      assert.equal(missing.message, `Cannot read the CA file set in ${SITE_B} (ENOENT). Fix the path or clear the setting.`);
      const wrong = await failure(() => clientFor('https://127.0.0.1:9', notPem, SITE_B));
      assert.equal(wrong.message, `The file in ${SITE_B} is not a PEM certificate (no "BEGIN CERTIFICATE" line).`);
      const topMissing = await failure(() => clientFor('https://127.0.0.1:9', path.join(dir, 'missing.pem')));
      assert.match(topMissing.message, /^Cannot read the CA file set in ccGateway\.tls\.caFile \(ENOENT\)/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a TLS failure without a certificate to review names the setting too', () => {
    const e = errorForTransport(Object.assign(new Error('expired'), { code: 'CERT_HAS_EXPIRED' }), 'https://gw.example:8043', 2000, SITE_B);
    assert.equal(e.message, `Cannot connect securely to https://gw.example:8043: its certificate has expired (CERT_HAS_EXPIRED). If the gateway uses a private CA, set ${SITE_B} to its PEM file.`);
    assert.match(errorForTransport(Object.assign(new Error('x'), { code: 'CERT_HAS_EXPIRED' }), 'https://gw.example:8043', 2000).message, /set ccGateway\.tls\.caFile to its PEM file/);
  });
});
