// The simulator CA kept across runs (src/simulator/caCache.ts): reused while sound, replaced
// with a message that says what to do when torn, mismatched or about to expire.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { CA_CERT_FILE, CA_KEY_FILE, loadOrCreateCa } from '../../src/simulator/caCache';
import { generateCa } from '../../src/simulator/certs';
import { startSimulator } from '../../src/simulator/simulator';

const DAY_MS = 24 * 60 * 60 * 1000;

describe('simulator CA cache', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-cacache-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const certFile = () => path.join(dir, CA_CERT_FILE);
  const keyFile = () => path.join(dir, CA_KEY_FILE);

  it('creates a CA once and reuses it on the next start; a simulator signed by it verifies against the cached file', async () => {
    const first = await loadOrCreateCa(dir);
    assert.equal(first.outcome, 'created');
    assert.equal(first.caFile, certFile());
    assert.equal(fs.statSync(keyFile()).mode & 0o777, 0o600, 'the key is readable by its owner only');
    const second = await loadOrCreateCa(dir);
    assert.equal(second.outcome, 'reused');
    assert.match(second.message, /reused from .*ca\.pem/);
    assert.equal(second.ca.certPem, first.ca.certPem);

    const sim = await startSimulator({ ca: second.ca, caDir: second.dir });
    try {
      assert.equal(sim.caFile, certFile());
      const trusted = fs.readFileSync(certFile(), 'utf8');
      assert.equal(trusted, first.ca.certPem, 'the simulator wrote the same CA');
      const status = await new Promise<number>((resolve, reject) =>
        https.get({ host: '127.0.0.1', port: sim.port, path: '/', ca: trusted, agent: false }, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject),
      );
      assert.ok(status > 0, 'the TLS handshake verified against the cached CA');
    } finally {
      await sim.stop();
    }
  });

  it('replaces a torn certificate file and says so', async () => {
    const first = await loadOrCreateCa(dir);
    fs.writeFileSync(certFile(), first.ca.certPem.slice(0, first.ca.certPem.length / 2));
    const next = await loadOrCreateCa(dir);
    assert.equal(next.outcome, 'replaced');
    assert.match(next.message, /unusable \(the CA certificate does not parse\).*Trust the new file wherever you trusted the old one/);
    assert.notEqual(next.ca.certPem, first.ca.certPem);
    assert.equal((await loadOrCreateCa(dir)).outcome, 'reused', 'the replacement is sound');
  });

  it('replaces a torn or foreign key, and an empty file', async () => {
    await loadOrCreateCa(dir);
    fs.writeFileSync(keyFile(), '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49\n');
    assert.match((await loadOrCreateCa(dir)).message, /the CA key does not parse/);
    fs.writeFileSync(keyFile(), (await generateCa()).keyPem);
    assert.match((await loadOrCreateCa(dir)).message, /the CA key does not belong to the CA certificate/);
    fs.writeFileSync(certFile(), '');
    const r = await loadOrCreateCa(dir);
    assert.equal(r.outcome, 'replaced');
    assert.equal((await loadOrCreateCa(dir)).outcome, 'reused');
  });

  it('replaces a CA about to expire', async () => {
    const first = await loadOrCreateCa(dir);
    const late = first.ca.cert.notAfter.getTime() - 10 * DAY_MS;
    const r = await loadOrCreateCa(dir, () => late);
    assert.equal(r.outcome, 'replaced');
    assert.match(r.message, /it expires on \d{4}-\d{2}-\d{2}/);
  });

  it('a missing key alone counts as torn, not as a first run', async () => {
    await loadOrCreateCa(dir);
    fs.rmSync(keyFile());
    const r = await loadOrCreateCa(dir);
    assert.equal(r.outcome, 'replaced');
  });
});
