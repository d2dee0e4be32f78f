// Standalone UI test run (for iterating on the UI tests): `node test/ui/run.mjs`.
// Expects a package (npm run package: installed into code-server when present) and a compile
// (tsc -p .) to be current; installs the
// real-VS-Code prerequisites if needed. Prints `N passed, N failed`; exit 1 on failures.
import * as fs from 'node:fs';
import * as path from 'node:path';
import process from 'node:process';
import { ensurePrereqs, repoRoot, terminateAllTracked } from '../../scripts/lib/prereqs.mjs';
import { runUiTests } from './uiTests.mjs';

const secrets = new Set();
const say = (line) => {
  let out = String(line);
  for (const s of secrets) out = out.split(s).join('<guid>');
  console.log(out);
};
const cleanups = [];
async function cleanupAll() {
  while (cleanups.length) await Promise.resolve().then(cleanups.pop()).catch(() => {});
  await terminateAllTracked();
}
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    say(`\n${sig}: stopping...`);
    void cleanupAll().finally(() => process.exit(130));
  });
}

let code = 1;
try {
  const { codeServerBin } = await ensurePrereqs({ needBrowser: true, log: say });
  const vsix = path.join(repoRoot, 'artifacts', 'ccgateway-agent-stats.vsix');
  const r = await runUiTests({
    codeServerBin,
    vsix: fs.existsSync(vsix) ? vsix : undefined,
    artifactsDir: path.join(repoRoot, 'artifacts'),
    log: say,
    addSecret: (s) => secrets.add(s),
    registerCleanup: (fn) => cleanups.push(fn),
  });
  console.log(`${r.passed} passed, ${r.failed} failed`);
  code = r.failed ? 1 : 0;
} catch (err) {
  say(err instanceof Error ? (err.stack ?? err.message) : String(err));
} finally {
  await cleanupAll();
}
process.exit(code);
