// Bundles the extension with esbuild. Two entries: the small main bundle that
// activates instantly, and the HTTP client (undici) loaded on the first request.
// Minified without source maps by default: tests, the demo, the benchmark and the
// package all run what ships. `--dev` (and `--watch`) keep names and add source maps.
// `--test-hooks` is the build the test harness loads into its extension hosts: the same bundle
// plus the test API (activate()'s exports, CCGW_TEST_BUILD in src/extension/testBuild.d.ts).
// Without it (`npm run build`, `vscode:prepublish`, so every .vsix) that code is not in the bundle.
import * as fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = !watch && !process.argv.includes('--dev');
const testHooks = process.argv.includes('--test-hooks');

// Nothing left over from an earlier build (a stale .map would ship).
fs.rmSync('dist', { recursive: true, force: true });

// The Show Trend and details webviews run in the browser, not in node: its own type check (DOM
// types) and their own bundles: uPlot and its CSS (dist/trendView.js, .css), dist/detailsView.js.
const typeCheck = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'src/webview'], { stdio: 'inherit' });
if (typeCheck.status !== 0) process.exit(typeCheck.status ?? 1);
const webview = {
  entryPoints: { trendView: 'src/webview/trendView.ts', detailsView: 'src/webview/detailsView.ts' },
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2020',
  outdir: 'dist',
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  metafile: true,
};

const ctx = await esbuild.context({
  entryPoints: {
    extension: 'src/extension/activate.ts',
    gatewayClient: 'src/core/wire/clientEntry.ts',
    // ioredis, loaded only when a team is configured (src/extension/adapters/redisLoader.ts).
    teamRedis: 'src/core/sharing/redisEntry.ts',
  },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  outdir: 'dist',
  // system-ca reads the Windows and macOS stores through these native helpers, which a
  // platform-neutral .vsix cannot carry: left as runtime requires, they fail there and the
  // client keeps Node's roots plus ccGateway.tls.caFile (Linux needs neither helper).
  external: ['vscode', 'win-export-certificate-and-key', 'macos-export-certificate-and-key'],
  define: { CCGW_TEST_BUILD: testHooks ? 'true' : 'false' },
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  metafile: true,
});

const webviewCtx = await esbuild.context(webview);

if (watch) {
  await ctx.watch();
  await webviewCtx.watch();
} else {
  for (const c of [ctx, webviewCtx]) {
    const result = await c.rebuild();
    await c.dispose();
    for (const [file, meta] of Object.entries(result.metafile.outputs)) {
      if (/\.(js|css)$/.test(file)) console.log(`${file}\t${(meta.bytes / 1024).toFixed(1)} KiB${testHooks && file === 'dist/extension.js' ? ' (with the test hooks: not the packaged bundle)' : ''}`);
    }
  }
}
