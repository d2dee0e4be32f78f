// What a .vsix holds, read from the file itself (a .vsix is a zip), and whether
// anything outside the runtime set ships.
import * as fs from 'node:fs';

/** Entries of a zip file: [{ name, size (uncompressed), compressed }], from its central directory. */
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
    entries.push({ name: buf.toString('utf8', at + 46, at + 46 + nameLen), size, compressed });
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
