// What a .vsix holds, read from the file itself (a .vsix is a zip), and whether
// anything outside the runtime set ships.
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

/** Entries of a zip file: [{ name, size (uncompressed), compressed, method, offset (of its local header) }], from its central directory. */
export function listZip(file) {
  const buf = fs.readFileSync(file);
  // End of central directory: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file (no end-of-central-directory record)`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${n}`);
    const compressed = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    entries.push({ name: buf.toString('utf8', at + 46, at + 46 + nameLen), size, compressed, method: buf.readUInt16LE(at + 10), offset: buf.readUInt32LE(at + 42) });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** The runtime set: bundles, manifest, docs, media, localization. Everything else is a mistake. */
const ALLOWED = [
  /^extension\.vsixmanifest$/,
  /^\[Content_Types\]\.xml$/,
  /^extension\/package\.json$/,
  /^extension\/package\.nls(\.[a-z-]+)?\.json$/,
  /^extension\/l10n\/bundle\.l10n(\.[a-z-]+)?\.json$/,
  /^extension\/(readme|changelog)\.md$/i,
  /^extension\/LICENSE(\.txt)?$/,
  /^extension\/dist\/(extension|gatewayClient|teamRedis)\.js$/,
  // The Show Trend webview's bundle (uPlot included) and uPlot's stylesheet; the details page's bundle.
  /^extension\/dist\/trendView\.(js|css)$/,
  /^extension\/dist\/detailsView\.js$/,
  /^extension\/media\/[\w.-]+\.(png|svg)$/,
];
/** Named so the failure says what slipped in. */
const KNOWN_BAD = [
  [/\.ts$/, 'TypeScript source'],
  [/\.map$/, 'source map'],
  [/(^|\/)node_modules\//, 'node_modules'],
  [/(^|\/)(src|test|out|scripts|\.vscode-test|artifacts|\.ci)\//, 'a development folder'],
];

/** Problems with the entries (empty when the package is clean and complete). */
export function vsixProblems(entries) {
  const problems = [];
  for (const { name } of entries) {
    const bad = KNOWN_BAD.find(([re]) => re.test(name));
    if (bad) problems.push(`${name}: ${bad[1]} must not ship`);
    else if (!ALLOWED.some((re) => re.test(name))) problems.push(`${name}: not in the runtime set`);
  }
  for (const required of ['extension/package.json', 'extension/dist/extension.js', 'extension/dist/gatewayClient.js', 'extension/dist/teamRedis.js', 'extension/dist/trendView.js', 'extension/dist/trendView.css', 'extension/dist/detailsView.js', 'extension/media/icon.png']) {
    if (!entries.some((e) => e.name === required)) problems.push(`${required}: missing`);
  }
  return problems;
}

/** The bytes of one entry of a zip file (stored or deflated, as vsce writes them); undefined when it has no such entry. */
export function readZipEntry(file, name) {
  const entry = listZip(file).find((e) => e.name === name);
  if (!entry) return undefined;
  const buf = fs.readFileSync(file);
  if (buf.readUInt32LE(entry.offset) !== 0x04034b50) throw new Error(`${file}: bad local header for ${name}`);
  const start = entry.offset + 30 + buf.readUInt16LE(entry.offset + 26) + buf.readUInt16LE(entry.offset + 28);
  const data = buf.subarray(start, start + entry.compressed);
  if (entry.method === 0) return data;
  if (entry.method === 8) return zlib.inflateRawSync(data);
  throw new Error(`${file}: ${name} is compressed with method ${entry.method}`);
}

/**
 * Names that only the test build's dist/extension.js holds (`node scripts/build.mjs --test-hooks`):
 * the switch that hands activate()'s internals to the harness, whose `trusted` pins a certificate
 * without the modal, and members of that test API. None may be in the packaged bundle.
 */
export const TEST_ONLY_MARKERS = ['CCGW_TEST_HOOKS', 'secretLatencyMs', 'credentialPicker'];

/** The markers of test-only code found in a bundle's text. */
export function testOnlyCodeIn(text) {
  return TEST_ONLY_MARKERS.filter((m) => text.includes(m));
}
