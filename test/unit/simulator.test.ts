// The CC-Gateway simulator over real HTTPS on loopback, with certificate
// verification ON (the client trusts only sim.caPem).
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import type * as http from 'node:http';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type * as tls from 'node:tls';
import { fingerprint256, generateServerCertificates } from '../../src/simulator/certs';
import { DEFAULT_CA_DIR, parseArgs } from '../../src/simulator/cli';
import { startSimulator, type Simulator } from '../../src/simulator/simulator';

const EX = (agent: string): string => `/agentgateway/resource/calldata/${agent}/statisticsEx`;
const FULL = (agent: string): string => `/agentgateway/resource/calldata/${agent}/statistics`;
const SIGNIN = (agent: string): string => `/agentgateway/resource/onlineagent/${agent}`;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  peerFingerprint: string;
}

interface ReqOpts {
  /** Guid header; default sim.guid; null omits the header. */
  guid?: string | null;
  method?: string;
  body?: string;
  servername?: string;
  /** Only for the certificate-variant test. */
  ca?: string;
}

function request(sim: Simulator, pathname: string, o: ReqOpts = {}): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=UTF-8' };
    const guid = o.guid === undefined ? sim.guid : o.guid;
    if (guid !== null) headers.Guid = guid;
    const req = https.request(
      {
        host: '127.0.0.1',
        port: sim.port,
        path: pathname,
        method: o.method ?? 'GET',
        ca: o.ca ?? sim.caPem,
        servername: o.servername,
        agent: false,
        headers,
      },
      (res) => {
        const peerFingerprint = (res.socket as tls.TLSSocket).getPeerCertificate().fingerprint256;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), peerFingerprint }),
        );
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

function json(r: Reply): Record<string, unknown> {
  const v: unknown = JSON.parse(r.body);
  assert.ok(typeof v === 'object' && v !== null && !Array.isArray(v), `not a JSON object: ${r.body}`);
  return v as Record<string, unknown>;
}

async function retcodeOf(sim: Simulator, pathname: string, o: ReqOpts = {}): Promise<unknown> {
  const r = await request(sim, pathname, o);
  return json(r).retcode;
}

function errorCode(err: unknown): unknown {
  return typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined;
}

async function waitFor(cond: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

function tcpAndTimers(): number {
  return process.getActiveResourcesInfo().filter((r) => r.includes('TCP') || r === 'Timeout').length;
}

describe('simulator certs', () => {
  it('issues a CA and a loopback leaf; fingerprint matches node', async () => {
    const c = await generateServerCertificates('valid');
    const leaf = new crypto.X509Certificate(c.certPem);
    const ca = new crypto.X509Certificate(c.caPem);
    assert.equal(ca.ca, true);
    assert.ok(leaf.checkIssued(ca));
    assert.ok(leaf.verify(ca.publicKey));
    assert.match(leaf.subjectAltName ?? '', /DNS:localhost/);
    assert.match(leaf.subjectAltName ?? '', /IP Address:127\.0\.0\.1/);
    assert.match(leaf.subjectAltName ?? '', /IP Address:0:0:0:0:0:0:0:1/);
    assert.equal(fingerprint256(c.certPem), leaf.fingerprint256);
    assert.equal(c.fingerprint256, leaf.fingerprint256);
    assert.match(c.keyPem, /^-----BEGIN PRIVATE KEY-----/);
    const from = Date.parse(leaf.validFrom);
    const to = Date.parse(leaf.validTo);
    assert.ok(from < Date.now() - 12 * 3600_000 && to > Date.now() + 300 * 24 * 3600_000);
  });

  it('builds the fault variants', async () => {
    const expired = new crypto.X509Certificate((await generateServerCertificates('expired')).certPem);
    assert.ok(Date.parse(expired.validTo) < Date.now());
    const wrong = new crypto.X509Certificate((await generateServerCertificates('wrongHost')).certPem);
    assert.equal(wrong.subjectAltName, 'DNS:wrong.example');
    const unknown = await generateServerCertificates('unknownCa');
    const leaf = new crypto.X509Certificate(unknown.certPem);
    assert.equal(leaf.checkIssued(new crypto.X509Certificate(unknown.caPem)), false);
    assert.equal(leaf.checkIssued(new crypto.X509Certificate(unknown.signerCaPem)), true);
  });
});

describe('simulator: routes and sessions', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.stop());
  afterEach(() => sim.setFault(undefined));

  it('serves statisticsEx with exactly the three documented fields over verified TLS', async () => {
    assert.equal(sim.url, `https://127.0.0.1:${sim.port}`);
    assert.equal(sim.origin, sim.url);
    assert.match(sim.guid, /^[0-9a-f-]{36}\.AgentGateway1$/);
    assert.equal(fs.readFileSync(sim.caFile, 'utf8'), sim.caPem);
    const r = await request(sim, EX('101'));
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.equal(r.peerFingerprint, sim.fingerprint256);
    assert.deepEqual(json(r), { message: '', retcode: '0', result: { talktime: 0, answernums: 0, calloutnums: 0 } });
  });

  it('counters grow after simulateCall and follow setCounters', async () => {
    sim.simulateCall('102', { talkSeconds: 40 });
    sim.simulateCall('102', { talkSeconds: 20, outbound: true });
    sim.simulateCall('102', { missed: true });
    sim.simulateCall('102', { talkSeconds: 5, internal: true });
    assert.deepEqual(sim.counters('102'), { talktime: 65, answernums: 1, calloutnums: 1, noanswernums: 1, intercallnums: 1 });
    assert.deepEqual(json(await request(sim, EX('102'))).result, { talktime: 65, answernums: 1, calloutnums: 1 });
    sim.setCounters('102', { talktime: 4328, answernums: 5 });
    assert.deepEqual(json(await request(sim, EX('102'))).result, { talktime: 4328, answernums: 5, calloutnums: 1 });
  });

  it('statistics (heavy) route reports all counters plus extra numeric fields', async () => {
    sim.setCounters('103', { talktime: 10, answernums: 2, calloutnums: 3, noanswernums: 4, intercallnums: 5 });
    const body = json(await request(sim, FULL('103')));
    assert.equal(body.retcode, '0');
    const result = body.result as Record<string, unknown>;
    assert.equal(result.talktime, 10);
    assert.equal(result.noanswernums, 4);
    assert.equal(result.intercallnums, 5);
    assert.equal(typeof result.waittime, 'number');
    assert.ok(Object.keys(result).length > 5);
  });

  it('answers 000-003 (HTTP 200) on missing, wrong and expired Guid', async () => {
    const missing = await request(sim, EX('101'), { guid: null });
    assert.equal(missing.status, 200);
    assert.deepEqual(json(missing), { message: 'no right to access the interface', retcode: '000-003' });
    assert.equal(await retcodeOf(sim, EX('101'), { guid: 'not-a-guid' }), '000-003');
    assert.equal(await retcodeOf(sim, EX('101'), { guid: `JSESSIONID=${sim.guid}` }), '000-003');
    const extra = sim.signIn('101');
    assert.equal(await retcodeOf(sim, EX('101'), { guid: extra }), '0');
    sim.expireGuid(extra);
    assert.equal(await retcodeOf(sim, EX('101'), { guid: extra }), '000-003');
    assert.equal(await retcodeOf(sim, EX('101')), '0');
  });

  it('checks the Guid before the agent id', async () => {
    assert.equal(await retcodeOf(sim, EX('abc'), { guid: 'nope' }), '000-003');
  });

  it('answers 000-002 on invalid agent ids', async () => {
    for (const bad of ['100', '60000', 'abc', '1%2F01', '-101', '10a1', '9999999999']) {
      const r = await request(sim, EX(bad));
      assert.equal(r.status, 200, bad);
      assert.equal(json(r).retcode, '000-002', bad);
    }
    assert.equal(await retcodeOf(sim, EX('59999')), '0');
    assert.equal(await retcodeOf(sim, EX('101') + '?x=1'), '0');
  });

  it('answers 404 / 405 with the 000-002 envelope', async () => {
    for (const p of ['/', '/agentgateway/resource/calldata/101/other', '/agentgateway/resource/calldata//statisticsEx', EX('101') + '/']) {
      const r = await request(sim, p);
      assert.equal(r.status, 404, p);
      assert.equal(json(r).retcode, '000-002');
    }
    const post = await request(sim, EX('101'), { method: 'POST', body: '{}' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.allow, 'GET');
    assert.equal(json(post).retcode, '000-002');
    const getSignin = await request(sim, SIGNIN('101'));
    assert.equal(getSignin.status, 405);
    assert.equal(json(getSignin).retcode, '000-002');
  });

  it('answers 100-006 after signOut, and 0 again after signIn', async () => {
    sim.signOut('104');
    assert.equal(await retcodeOf(sim, EX('104')), '100-006');
    assert.equal(await retcodeOf(sim, FULL('104')), '100-006');
    assert.equal(await retcodeOf(sim, EX('105')), '0');
    sim.signIn('104');
    assert.equal(await retcodeOf(sim, EX('104')), '0');
  });

  it('sign-in PUT returns Set-GUID JSESSIONID=<guid> and that Guid works', async () => {
    sim.signOut('106');
    const r = await request(sim, SIGNIN('106'), { method: 'PUT', guid: null, body: JSON.stringify({ password: 'pw', phonenum: '70001' }) });
    assert.equal(r.status, 200);
    assert.equal(json(r).retcode, '0');
    const m = /^JSESSIONID=(\S+)$/.exec(String(r.headers['set-guid']));
    assert.ok(m?.[1], 'Set-GUID header');
    assert.notEqual(m[1], sim.guid);
    assert.equal(await retcodeOf(sim, EX('106'), { guid: m[1] }), '0');
    assert.equal(await retcodeOf(sim, SIGNIN('106'), { method: 'PUT', body: '{"password":"","phonenum":"1"}' }), '100-001', 'an empty password is an empty parameter');
    assert.equal(await retcodeOf(sim, SIGNIN('106'), { method: 'PUT', body: 'not json' }), '000-002');
    assert.equal(await retcodeOf(sim, SIGNIN('99'), { method: 'PUT', body: '{"password":"pw"}' }), '000-002');
  });

  describe('faults (observable by a client)', () => {
    it('latency delays the answer', async () => {
      sim.setFault({ kind: 'latency', ms: 120 });
      const t0 = Date.now();
      assert.equal(await retcodeOf(sim, EX('101')), '0');
      assert.ok(Date.now() - t0 >= 110, 'delayed');
    });

    it('reset sends headers and part of the body, then drops the connection', async () => {
      sim.setFault({ kind: 'reset' });
      let status = 0;
      let received = '';
      const err = await new Promise<unknown>((resolve) => {
        const req = https.get(
          { host: '127.0.0.1', port: sim.port, path: EX('101'), ca: sim.caPem, agent: false, headers: { Guid: sim.guid } },
          (res) => {
            status = res.statusCode ?? 0;
            res.on('data', (c: Buffer) => (received += c.toString()));
            res.on('error', resolve);
            res.on('end', () => resolve(undefined));
          },
        );
        req.on('error', resolve);
      });
      assert.equal(status, 200);
      assert.ok(received.length > 0 && received.startsWith('{"message"'), received);
      assert.ok(err instanceof Error, 'client saw an error');
      assert.equal(errorCode(err), 'ECONNRESET');
    });

    it('http 502/503 with an HTML page like an NSLB, or a JSON envelope', async () => {
      sim.setFault({ kind: 'http', status: 502 });
      const r = await request(sim, EX('101'));
      assert.equal(r.status, 502);
      assert.match(String(r.headers['content-type']), /^text\/html/);
      assert.match(r.body, /<h1>502 Bad Gateway<\/h1>/);
      sim.setFault({ kind: 'http', status: 503, html: true });
      assert.equal((await request(sim, EX('101'))).status, 503);
      sim.setFault({ kind: 'http', status: 500, html: false });
      const j = await request(sim, EX('101'));
      assert.equal(j.status, 500);
      assert.equal(json(j).retcode, '100-007');
    });

    it('malformed and truncated JSON do not parse', async () => {
      sim.setFault({ kind: 'malformedJson' });
      const m = await request(sim, EX('101'));
      assert.equal(m.status, 200);
      assert.throws(() => JSON.parse(m.body) as unknown, SyntaxError);
      sim.setFault({ kind: 'truncatedJson' });
      const t = await request(sim, EX('101'));
      assert.equal(t.status, 200);
      assert.equal(t.headers['content-length'], String(Buffer.byteLength(t.body)));
      assert.ok(t.body.startsWith('{"message":'));
      assert.throws(() => JSON.parse(t.body) as unknown, SyntaxError);
    });

    it('oversized pads valid JSON to the requested size (with or without Content-Length)', async () => {
      sim.setFault({ kind: 'oversized', bytes: 200_000 });
      const r = await request(sim, EX('101'));
      assert.equal(Buffer.byteLength(r.body), 200_000);
      assert.equal(r.headers['content-length'], '200000');
      assert.equal(json(r).retcode, '0');
      sim.setFault({ kind: 'oversized', bytes: 100_000, chunked: true });
      const c = await request(sim, EX('101'));
      assert.equal(c.headers['content-length'], undefined);
      assert.equal(c.headers['transfer-encoding'], 'chunked');
      assert.equal(Buffer.byteLength(c.body), 100_000);
    });

    it('wrongTypes and negative counters', async () => {
      sim.setCounters('107', { talktime: 12 });
      sim.setFault({ kind: 'wrongTypes' });
      const w = json(await request(sim, EX('107')));
      assert.equal((w.result as Record<string, unknown>).talktime, '12');
      sim.setFault({ kind: 'negative' });
      const n = json(await request(sim, EX('107')));
      const result = n.result as Record<string, unknown>;
      assert.ok(typeof result.talktime === 'number' && result.talktime < 0);
      assert.ok(typeof result.answernums === 'number' && result.answernums < 0);
    });

    it('retcode faults carry any code with a default or custom message', async () => {
      for (const code of ['000-002', '000-003', '000-004', '000-007', '100-006', '100-007', '999-999']) {
        sim.setFault({ kind: 'retcode', retcode: code });
        const r = await request(sim, EX('101'));
        assert.equal(r.status, 200);
        const body = json(r);
        assert.equal(body.retcode, code);
        assert.equal(typeof body.message, 'string');
        assert.equal(body.result, undefined);
      }
      sim.setFault({ kind: 'retcode', retcode: '123-456', message: '<b>odd</b>' });
      assert.deepEqual(json(await request(sim, EX('101'))), { message: '<b>odd</b>', retcode: '123-456' });
    });

    it('an agent fault overrides the global one; faults come after the Guid/id/sign-in checks', async () => {
      sim.setFault({ kind: 'retcode', retcode: '100-007' });
      sim.setFault({ kind: 'retcode', retcode: '000-004' }, '108');
      assert.equal(await retcodeOf(sim, EX('108')), '000-004');
      assert.equal(await retcodeOf(sim, EX('109')), '100-007');
      assert.equal(await retcodeOf(sim, EX('109'), { guid: 'bad' }), '000-003');
      assert.equal(await retcodeOf(sim, EX('100')), '000-002');
      sim.setFault(undefined, '108');
      assert.equal(await retcodeOf(sim, EX('108')), '100-007');
      sim.setFault(undefined);
      assert.equal(await retcodeOf(sim, EX('108')), '0');
    });

    it('refuses faults that would break the handler', () => {
      assert.throws(() => sim.setFault({ kind: 'http', status: 99 }), RangeError);
      assert.throws(() => sim.setFault({ kind: 'latency', ms: -1 }), RangeError);
      assert.throws(() => sim.setFault({ kind: 'oversized', bytes: Number.NaN }), RangeError);
    });

    it('hang holds the request until the fault is cleared, then drops it', async () => {
      sim.setFault({ kind: 'hang' }, '110');
      const before = sim.stats.requests;
      let settled = false;
      const p = request(sim, EX('110')).then(
        () => { settled = true; return undefined; },
        (e: unknown) => { settled = true; return e; },
      );
      await waitFor(() => sim.stats.requests > before);
      assert.equal(await retcodeOf(sim, EX('111')), '0', 'other agents unaffected');
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(settled, false);
      sim.setFault(undefined, '110');
      const err = await p;
      assert.ok(err instanceof Error);
      assert.equal(errorCode(err), 'ECONNRESET');
    });
  });
});

describe('simulator: Guid rotation and sign-in state', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator({ guid: 'fixed-guid.AgentGateway1', signedInAgents: ['101'], agentIdMax: 999999 });
  });
  after(() => sim.stop());

  it('rotateGuid expires the old Guid and issues a new one', async () => {
    assert.equal(sim.guid, 'fixed-guid.AgentGateway1');
    const old = sim.guid;
    assert.equal(await retcodeOf(sim, EX('101')), '0');
    const fresh = sim.rotateGuid();
    assert.equal(sim.guid, fresh);
    assert.notEqual(fresh, old);
    assert.equal(await retcodeOf(sim, EX('101'), { guid: old }), '000-003');
    assert.equal(await retcodeOf(sim, EX('101'), { guid: fresh }), '0');
    sim.expireGuid();
    assert.equal(await retcodeOf(sim, EX('101')), '000-003');
    sim.rotateGuid();
  });

  it('honours signedInAgents and agentIdMax', async () => {
    assert.equal(await retcodeOf(sim, EX('102')), '100-006');
    assert.equal(await retcodeOf(sim, EX('999999')), '100-006');
    assert.equal(await retcodeOf(sim, EX('1000000')), '000-002');
    const g = sim.signIn('102');
    assert.equal(await retcodeOf(sim, EX('102'), { guid: g }), '0');
    assert.equal(await retcodeOf(sim, EX('102')), '0');
  });
});

describe('simulator: stats', () => {
  let sim: Simulator;
  before(async () => {
    sim = await startSimulator();
  });
  after(() => sim.stop());

  it('counts requests per agent and path, Guids seen and last headers', async () => {
    sim.resetStats();
    await request(sim, EX('101'));
    await request(sim, EX('101'));
    await request(sim, FULL('102'), { guid: 'other' });
    await request(sim, '/nowhere', { guid: null });
    assert.equal(sim.stats.requests, 4);
    assert.equal(sim.stats.byAgent.get('101'), 2);
    assert.equal(sim.stats.byAgent.get('102'), 1);
    assert.equal(sim.stats.byPath.get(EX('101')), 2);
    assert.equal(sim.stats.byPath.get(FULL('102')), 1);
    assert.equal(sim.stats.byPath.get('/nowhere'), 1);
    assert.deepEqual([...sim.stats.guidsSeen].sort(), [sim.guid, 'other'].sort());
    assert.equal(sim.stats.maxConcurrentPerAgent.get('101'), 1);
    assert.equal(sim.stats.lastHeaders?.guid, undefined);
    await request(sim, EX('101'));
    assert.equal(sim.stats.lastHeaders?.guid, sim.guid);
    assert.equal(sim.stats.lastHeaders?.['content-type'], 'application/json; charset=UTF-8');
    sim.resetStats();
    assert.equal(sim.stats.requests, 0);
    assert.equal(sim.stats.byAgent.size, 0);
    assert.equal(sim.stats.guidsSeen.size, 0);
  });

  it('records the maximum number of in-flight requests per agent', async () => {
    sim.resetStats();
    sim.setFault({ kind: 'latency', ms: 80 });
    await Promise.all([request(sim, EX('101')), request(sim, EX('101')), request(sim, EX('101')), request(sim, EX('102'))]);
    await request(sim, EX('103'));
    sim.setFault(undefined);
    assert.equal(sim.stats.maxConcurrentPerAgent.get('101'), 3);
    assert.equal(sim.stats.maxConcurrentPerAgent.get('102'), 1);
    assert.equal(sim.stats.maxConcurrentPerAgent.get('103'), 1);
  });
});

describe('simulator: lifecycle', () => {
  it('stop() releases a hanging request, is idempotent, and restart() reuses the port with the same state', async () => {
    const sim = await startSimulator();
    try {
      sim.simulateCall('101', { talkSeconds: 7 });
      const port = sim.port;
      sim.setFault({ kind: 'hang' });
      const p = request(sim, EX('101')).then(() => undefined, (e: unknown) => e);
      await waitFor(() => sim.stats.requests > 0);
      assert.equal(sim.openSockets, 1);
      const t0 = Date.now();
      await Promise.all([sim.stop(), sim.stop()]);
      await sim.stop();
      assert.ok((await p) instanceof Error, 'hanging request failed');
      assert.ok(Date.now() - t0 < 1000);
      assert.equal(sim.openSockets, 0);
      await assert.rejects(request(sim, EX('101')), (e: unknown) => errorCode(e) === 'ECONNREFUSED');

      await sim.restart();
      assert.equal(sim.port, port);
      sim.setFault(undefined);
      const r = await request(sim, EX('101'));
      assert.equal(r.peerFingerprint, sim.fingerprint256);
      assert.deepEqual(json(r).result, { talktime: 7, answernums: 1, calloutnums: 0 });
    } finally {
      await sim.stop();
    }
  });

  it('stop() leaves no open TCP handles or timers behind', async () => {
    // Mocha arms this test's own timeout timer right after the test starts: count after it.
    await new Promise((r) => setImmediate(r));
    const before = tcpAndTimers();
    const servers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
    const serversBefore = servers();
    const sim = await startSimulator({ autoCalls: { everyMs: 10_000, agents: ['101'] } });
    sim.setFault({ kind: 'latency', ms: 5_000 }, '102');
    const pending = request(sim, EX('102')).then(() => undefined, (e: unknown) => e);
    await request(sim, EX('101'));
    await waitFor(() => sim.stats.requests >= 2);
    assert.ok(tcpAndTimers() > before);
    await sim.stop();
    assert.equal(servers(), serversBefore, 'listening handle closed when stop() resolves');
    assert.equal(sim.openSockets, 0);
    assert.ok((await pending) instanceof Error);
    await waitFor(() => tcpAndTimers() <= before, 1000);
    assert.equal(sim.openSockets, 0);
  });

  it('autoCalls make counters grow on a timer', async () => {
    const sim = await startSimulator({ autoCalls: { everyMs: 10, agents: ['101', '102'] } });
    try {
      const total = (): number => {
        let n = 0;
        for (const a of ['101', '102']) {
          const c = sim.counters(a);
          n += c.answernums + c.calloutnums + c.noanswernums + c.intercallnums;
        }
        return n;
      };
      await waitFor(() => total() >= 3);
    } finally {
      await sim.stop();
    }
  });

  it('writes ca.pem into caDir', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-sim-test-'));
    const sim = await startSimulator({ caDir: dir });
    try {
      assert.equal(sim.caFile, path.join(dir, 'ca.pem'));
      assert.equal(fs.readFileSync(sim.caFile, 'utf8'), sim.caPem);
    } finally {
      await sim.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('simulator: TLS variants fail verification', () => {
  const cases = [
    { tls: 'expired', codes: ['CERT_HAS_EXPIRED'] },
    { tls: 'wrongHost', codes: ['ERR_TLS_CERT_ALTNAME_INVALID'] },
    { tls: 'unknownCa', codes: ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY'] },
    { tls: 'selfSigned', codes: ['DEPTH_ZERO_SELF_SIGNED_CERT'] },
  ] as const;
  for (const c of cases) {
    it(`${c.tls}: a verifying client refuses the certificate`, async () => {
      const sim = await startSimulator({ tls: c.tls });
      try {
        await assert.rejects(request(sim, EX('101')), (e: unknown) => {
          assert.ok((c.codes as readonly unknown[]).includes(errorCode(e)), `got ${String(errorCode(e))}`);
          return true;
        });
        assert.equal(sim.stats.requests, 0, 'no request reached the handler');
        if (c.tls === 'wrongHost') {
          // Same CA, right name: verification passes, so only the host name was wrong.
          const r = await request(sim, EX('101'), { servername: 'wrong.example' });
          assert.equal(json(r).retcode, '0');
        }
      } finally {
        await sim.stop();
      }
    });
  }
});

describe('simulator CLI', () => {
  it('parses arguments', () => {
    // Sign-in sessions (dynamic, as the demo) and the CA kept in .cache/simulator-ca/ by default.
    assert.deepEqual(parseArgs([]), { port: 0, agents: ['101', '102', '103', '104', '105'], callsEveryMs: 3000, json: false, auth: 'dynamic', password: 'demo1234', caDir: DEFAULT_CA_DIR });
    assert.match(DEFAULT_CA_DIR, /[/\\]\.cache[/\\]simulator-ca$/);
    assert.equal(path.dirname(path.dirname(DEFAULT_CA_DIR)), path.resolve(__dirname, '../../..'), 'in the repository, next to package.json');
    assert.deepEqual(parseArgs(['--port', '8043', '--agents', '101, 102', '--calls-every=500', '--json', '--auth', 'static', '--password=pw', '--fresh-ca', '--control']), {
      port: 8043, agents: ['101', '102'], callsEveryMs: 500, json: true, auth: 'static', password: 'pw', caDir: undefined, control: true,
    });
    assert.equal(parseArgs(['--ca-dir', 'x']).caDir, path.resolve('x'));
    assert.throws(() => parseArgs(['--auth', 'none']), /--auth must be static or dynamic/);
    assert.throws(() => parseArgs(['--port', 'x']), /--port/);
    assert.throws(() => parseArgs(['--agents', 'a,b']), /--agents/);
    assert.throws(() => parseArgs(['--bogus']), /Unknown argument/);
  });

  it('prints one JSON line, serves, and stops on SIGTERM', async function () {
    this.timeout(5000);
    const child = spawn(process.execPath, [path.join(__dirname, '../../src/simulator/cli.js'), '--json', '--agents', '101', '--auth', 'static', '--fresh-ca'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const nl = out.indexOf('\n');
          if (nl >= 0) resolve(out.slice(0, nl));
        });
        child.once('exit', (code) => reject(new Error(`cli exited early with ${String(code)}`)));
      });
      const info: unknown = JSON.parse(line);
      assert.ok(typeof info === 'object' && info !== null);
      const { url, caFile, guid, pid } = info as Record<string, unknown>;
      assert.ok(typeof url === 'string' && typeof caFile === 'string' && typeof guid === 'string');
      assert.equal(pid, child.pid);
      const u = new URL(url);
      const ca = fs.readFileSync(caFile, 'utf8');
      const body = await new Promise<string>((resolve, reject) => {
        https
          .get({ host: u.hostname, port: u.port, path: EX('101'), ca, agent: false, headers: { Guid: guid } }, (res) => {
            let b = '';
            res.on('data', (c: Buffer) => (b += c.toString()));
            res.on('end', () => resolve(b));
          })
          .on('error', reject);
      });
      assert.match(body, /"retcode":"0"/);
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      assert.equal(fs.existsSync(caFile), false, 'temp CA dir removed at exit');
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
