// The localizable strings of the sources, read the way a translator's tool would:
// the first argument of every `vscode.l10n.t(...)` / `l10n.t(...)` and of the core's
// `t(...)` (src/core/l10n/localize.ts). Anything else there is a finding.
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

export interface L10nCall {
  readonly file: string;
  readonly line: number;
  /** undefined when the first argument is not a string literal (a finding). */
  readonly message: string | undefined;
}

export function sourceFiles(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f));
}

function isL10nCall(node: ts.CallExpression): boolean {
  const callee = node.expression.getText();
  return callee === 't' || callee === 'l10n.t' || callee === 'vscode.l10n.t';
}

export function l10nCalls(files: readonly string[], root: string): L10nCall[] {
  const calls: L10nCall[] = [];
  for (const file of files) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && isL10nCall(node)) {
        const first = node.arguments[0];
        const message = first && (ts.isStringLiteral(first) || ts.isNoSubstitutionTemplateLiteral(first)) ? first.text : undefined;
        calls.push({ file: path.relative(root, file).split(path.sep).join('/'), line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1, message });
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return calls;
}

/** `{0}`, `{1}`… in a message, sorted: a translation must keep exactly these. */
export function placeholders(message: string): string[] {
  return [...new Set(message.match(/\{\d+\}/g) ?? [])].sort();
}
