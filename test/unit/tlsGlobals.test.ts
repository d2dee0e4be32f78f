// The process-wide TLS and HTTP settings belong to VS Code and every other extension: we never touch them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as path from 'node:path';
import { getGlobalDispatcher } from 'undici';
import { createGatewayClient } from '../../src/core/wire/client';
import type { AgentId } from '../../src/core/ids/agentId';
import { startSimulator } from '../../src/simulator/simulator';

const repo = path.resolve(__dirname, '../../..');

/** Code that would weaken verification or reroute everyone's requests. */
const FORBIDDEN: [RegExp, string][] = [
  [/NODE_TLS_REJECT_UNAUTHORIZED/, 'sets NODE_TLS_REJECT_UNAUTHORIZED'],
  [/rejectUnauthorized\s*:\s*(false|0|!)/, 'turns certificate verification off'],
  [/checkServerIdentity/, 'replaces the host-name check'],
  [/setGlobalDispatcher|globalAgent/, 'changes the process-wide HTTP agent'],
  [/NODE_EXTRA_CA_CERTS/, 'changes process-wide trust'],
];

/**
 * The one deliberate exception: verifyingConnector.ts opens the handshake with
 * rejectUnauthorized off so it can read a refused certificate, and then decides
 * itself (verified, or exactly the pinned fingerprint). certificateTrust.test and
 * the TLS fault tests show it refuses what Node would refuse.
 */
const ALLOWED: Record<string, string[]> = {
  'src/core/wire/verifyingConnector.ts': ['turns certificate verification off'],
};

function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

describe('process-wide TLS settings', () => {
  it('no shipped source weakens verification or touches global agents', () => {
    const files = sources(path.join(repo, 'src/core')).concat(sources(path.join(repo, 'src/extension')));
    assert.ok(files.length > 20, `scanned only ${files.length} files`);
    const hits: string[] = [];
    for (const f of files) {
      const text = fs.readFileSync(f, 'utf8');
      const rel = path.relative(repo, f).split(path.sep).join('/');
      for (const [re, what] of FORBIDDEN) if (re.test(text) && !ALLOWED[rel]?.includes(what)) hits.push(`${rel} ${what}`);
    }
    assert.deepEqual(hits, []);
  });

  it('using the client leaves env, https.globalAgent and undici’s global dispatcher as they were', async () => {
    const dispatcher = getGlobalDispatcher();
    const agentOptions = { ...https.globalAgent.options };
    const sim = await startSimulator();
    const client = createGatewayClient({ origin: sim.url, caPem: sim.caPem, timeoutMs: 2000 });
    try {
      const stats = await client.statisticsEx('101' as AgentId, sim.guid);
      assert.equal(typeof stats.talktime, 'number');
      assert.equal(process.env.NODE_TLS_REJECT_UNAUTHORIZED, undefined);
      assert.equal(getGlobalDispatcher(), dispatcher);
      assert.deepEqual({ ...https.globalAgent.options }, agentOptions);
    } finally {
      await client.close();
      await sim.stop();
    }
  });
});
