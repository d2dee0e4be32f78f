// Bundles the extension with esbuild. Two entries: the small main bundle that
// activates instantly, and the HTTP client (undici) loaded on the first request.
// Minified without source maps by default: tests, the demo, the benchmark and the
// package all run what ships. `--dev` (and `--watch`) keep names and add source maps.
import * as fs from 'node:fs';
import * as esbuild from 'esbuild';

const watch = process.argv.includes('--watch');
const production = !watch && !process.argv.includes('--dev');

// Nothing left over from an earlier build (a stale .map would ship).
fs.rmSync('dist', { recursive: true, force: true });

const ctx = await esbuild.context({
  entryPoints: {
    extension: 'src/extension/extension.ts',
    gatewayClient: 'src/core/gateway/clientEntry.ts',
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
  minify: production,
  sourcemap: !production,
  sourcesContent: false,
  logLevel: 'warning',
  metafile: true,
});

if (watch) {
  await ctx.watch();
} else {
  const result = await ctx.rebuild();
  await ctx.dispose();
  for (const [file, meta] of Object.entries(result.metafile.outputs)) {
    if (file.endsWith('.js')) console.log(`${file}\t${(meta.bytes / 1024).toFixed(1)} KiB`);
  }
}
