// A "window" of the session-sharing tests in a process of its own: a GatewayMonitor with a
// SessionHost on the shared folder, as the extension host builds it, against the simulator.
// Reports on stdout as JSON lines; "shutdown" on stdin runs what deactivate() runs.
import { readFile } from 'node:fs/promises';
import { connectionSettings } from '../../src/core/wire/connectionSettings';
import { GatewayMonitor } from '../../src/core/monitor/gatewayMonitor';
import { createGatewayClient } from '../../src/core/wire/client';
import { SessionHost } from '../../src/core/sessions/sessionHost';
import type { AgentId } from '../../src/core/ids/agentId';

export interface WindowConfig {
  readonly dir: string;
  readonly url: string;
  readonly origin: string;
  readonly caFile: string;
  readonly agents: readonly string[];
  readonly agent: string;
  readonly password?: string;
}

export const TEST_LEASE = { timing: { staleMs: 2000, heartbeatMs: 1000 }, retryMs: 300 };
export const TEST_SESSION_TIMING = { eventHoldMs: 300, repollMinMs: 10, repollMaxMs: 30, maxSignInAttempts: 3, backoffMs: 100, maxBackoffMs: 400 };

export function makeWindow(cfg: WindowConfig, log: (m: string) => void = () => undefined): { monitor: GatewayMonitor; host: SessionHost } {
  const host = new SessionHost(cfg.dir, { ...TEST_LEASE, log: { info: log, warn: log } });
  const monitor = new GatewayMonitor(
    {
      gatewayUrlText: cfg.url,
      agents: cfg.agents,
      pollIntervalMs: 200,
      connection: connectionSettings({ origin: cfg.origin, caFile: cfg.caFile, trustedFingerprints: [], proxy: { strictSSL: true, env: {} }, requestTimeoutMs: 2000 }),
    },
    {
      credentials: { guid: () => Promise.resolve(undefined), hasAny: () => Promise.resolve(false), password: () => Promise.resolve(cfg.password) },
      loadClientFactory: () => createGatewayClient,
      readTextFile: (p) => readFile(p, 'utf8'),
      log: { info: log, warn: log },
      sessionTiming: TEST_SESSION_TIMING,
      jitterRatio: 0,
      sessionHost: host,
    },
  );
  return { monitor, host };
}

if (require.main === module) {
  const cfg = JSON.parse(process.argv[2] ?? '{}') as WindowConfig;
  const emit = (o: unknown) => process.stdout.write(`${JSON.stringify(o)}\n`);
  const { monitor, host } = makeWindow(cfg, (m) => emit({ log: m }));
  monitor.onDidChangeSession((e) => emit({ session: e.agentId, status: e.status }));
  monitor.store.onDidChange(() => emit({ ok: monitor.store.all().filter((e) => e.state === 'ok').map((e) => e.agentId) }));
  void monitor.signIn(cfg.agent as AgentId, { password: cfg.password }).then((ok) => emit({ signedIn: ok, status: monitor.sessions.get(cfg.agent) }));
  process.stdin.on('data', (d) => {
    if (String(d).includes('shutdown')) void monitor.shutdown().then(() => (host.dispose(), emit({ shutdown: true })));
  });
}
