// The import graph of src/ has no circle, type-only imports included (a circle means two files
// that cannot be read, tested or moved one without the other). Run by `npm run lint` and so by
// `npm test`; prints each circle as a path of files and exits 1.
// The layer floors (core imports no `vscode`; extension/ui imports nothing from core/wire) are
// ESLint rules in eslint.config.mjs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const root = path.resolve(import.meta.dirname, '..');
const srcRoot = path.join(root, process.argv[2] ?? 'src');

function sourceFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

function resolve(from, spec) {
  if (!spec.startsWith('.')) return undefined;
  const base = path.resolve(path.dirname(from), spec);
  return [`${base}.ts`, path.join(base, 'index.ts')].find((c) => fs.existsSync(c));
}

const files = sourceFiles(srcRoot);
const edges = new Map(
  files.map((f) => [
    f,
    ts
      .preProcessFile(fs.readFileSync(f, 'utf8'), true, true)
      .importedFiles.map((i) => resolve(f, i.fileName))
      .filter((t) => t !== undefined),
  ]),
);

// Tarjan's strongly connected components: every component of more than one file (or a file
// importing itself) is a circle.
let index = 0;
const idx = new Map();
const low = new Map();
const stack = [];
const onStack = new Set();
const circles = [];
function visit(v) {
  idx.set(v, index);
  low.set(v, index);
  index++;
  stack.push(v);
  onStack.add(v);
  for (const w of edges.get(v) ?? []) {
    if (!idx.has(w)) {
      visit(w);
      low.set(v, Math.min(low.get(v), low.get(w)));
    } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)));
  }
  if (low.get(v) === idx.get(v)) {
    const comp = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      comp.push(w);
    } while (w !== v);
    if (comp.length > 1 || (edges.get(v) ?? []).includes(v)) circles.push(comp);
  }
}
for (const f of files) if (!idx.has(f)) visit(f);

/** One concrete circle inside a component, for the message: the shortest way back to the start. */
function pathIn(comp) {
  const inComp = new Set(comp);
  const start = comp[0];
  const prev = new Map([[start, undefined]]);
  const queue = [start];
  while (queue.length) {
    const v = queue.shift();
    for (const w of edges.get(v) ?? []) {
      if (w === start) {
        const p = [v];
        for (let u = prev.get(v); u !== undefined; u = prev.get(u)) p.unshift(u);
        return [...p, start];
      }
      if (inComp.has(w) && !prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return comp;
}

const rel = (f) => path.relative(root, f);
if (circles.length === 0) {
  console.log(`import circles: none in ${files.length} files under ${rel(srcRoot)}/`);
} else {
  for (const comp of circles) console.error(`import circle (${comp.length} files): ${pathIn(comp).map(rel).join(' → ')}`);
  console.error(`${circles.length} import circle(s) under ${rel(srcRoot)}/: break each (move the shared piece to the lower file).`);
  process.exit(1);
}
