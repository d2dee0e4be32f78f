// `npm run test:desktop`: runs the extension-host integration suite in desktop VS Code through
// @vscode/test-electron. It downloads VS Code from Microsoft's update server, so it only works
// where that server is reachable (a developer laptop, a public CI). Offline machines use
// `npm test`, which runs the same suite in code-server (see scripts/test.mjs).
// On a Linux machine without a display, run it under xvfb-run.
import { runTests } from '@vscode/test-electron';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..', '..'); // out/test/desktop -> repo root

/** Files under `dir` whose bytes contain `needle` (UTF-8 or UTF-16LE). */
function filesContaining(dir: string, needle: string): string[] {
  const patterns = [Buffer.from(needle, 'utf8'), Buffer.from(needle, 'utf16le')];
  const hits: string[] = [];
  for (const rel of fs.readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = path.join(dir, rel);
    try {
      if (!fs.statSync(file).isFile()) continue;
      const bytes = fs.readFileSync(file);
      if (patterns.some((p) => bytes.includes(p))) hits.push(file);
    } catch {
      // vanished or unreadable (socket, lock): nothing to scan
    }
  }
  return hits;
}

async function main(): Promise<number> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ccgw-desktop-'));
  const userDataDir = path.join(tmp, 'ud');
  const extensionsDir = path.join(tmp, 'ext');
  const workspace = path.join(tmp, 'workspace');
  for (const d of [userDataDir, extensionsDir, workspace]) fs.mkdirSync(d, { recursive: true });
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'security.workspace.trust.enabled': false,
        'extensions.autoUpdate': false,
        'telemetry.telemetryLevel': 'off',
        'workbench.tips.enabled': false,
        'git.openRepositoryInParentFolders': 'never',
      },
      null,
      2,
    ),
  );

  // A fresh fake Guid per run; it is a credential as far as the tests are concerned.
  const guid = `${crypto.randomUUID()}.AgentGateway1`;
  const artifacts = path.join(repoRoot, 'artifacts');
  fs.mkdirSync(artifacts, { recursive: true });

  let exitCode = 0;
  try {
    await runTests({
      version: process.env.VSCODE_TEST_VERSION ?? 'stable',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(repoRoot, 'out', 'test', 'integration', 'index'),
      // CCGW_TEST_HOOKS: activate() hands the suite its internals only when asked (src/extension/testHooks.ts).
      extensionTestsEnv: { CCGW_TEST_GUID: guid, CCGW_TEST_ARTIFACTS: artifacts, CCGW_TEST_HOOKS: '1' },
      launchArgs: [
        workspace,
        '--user-data-dir', userDataDir,
        '--extensions-dir', extensionsDir,
        '--disable-extensions', // other installed extensions; the one under test still loads
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
      ],
    });
  } catch (err) {
    console.error(`integration tests failed: ${err instanceof Error ? err.message : String(err)}`.split(guid).join('<guid>'));
    exitCode = 1;
  }

  const leaks = [...filesContaining(userDataDir, guid), ...filesContaining(workspace, guid)];
  for (const file of leaks) console.error(`leak check: the test Guid was found in ${path.relative(tmp, file)}`);
  if (leaks.length) exitCode = 1;
  else console.log('leak check: the test Guid is in no file of the user-data or workspace dir');

  fs.rmSync(tmp, { recursive: true, force: true });
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
