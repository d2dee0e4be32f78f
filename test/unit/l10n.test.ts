// Localization: every user-facing string goes through vscode.l10n.t / the core's t()
// or package.nls.json, and Simplified Chinese has an entry for each of them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';
import { setLocalizer, t } from '../../src/core/l10n/localize';
import { validateAgentId } from '../../src/core/ids/agentId';
import { startSimulator } from '../../src/simulator/simulator';
import { l10nCalls, placeholders, sourceFiles } from '../support/l10nStrings';

const repo = path.resolve(__dirname, '../../..');
const readJson = <T>(rel: string): T => JSON.parse(fs.readFileSync(path.join(repo, rel), 'utf8')) as T;
const files = () => sourceFiles(path.join(repo, 'src/core')).concat(sourceFiles(path.join(repo, 'src/extension')));
const CJK = /[\u4e00-\u9fff]/;

/** Fields of package.json's contributes that VS Code shows to people. */
const SHOWN_FIELDS = new Set(['title', 'altText', 'label', 'category', 'shortTitle', 'name', 'contextualTitle', 'contents', 'description', 'markdownDescription', 'patternErrorMessage', 'errorMessage', 'deprecationMessage', 'markdownDeprecationMessage', 'enumDescriptions', 'markdownEnumDescriptions']);

function shownStrings(value: unknown, at: string, out: { at: string; text: string }[]): void {
  if (Array.isArray(value)) value.forEach((v, i) => shownStrings(v, `${at}[${i}]`, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (SHOWN_FIELDS.has(k) && typeof v === 'string') out.push({ at: `${at}.${k}`, text: v });
      else if (SHOWN_FIELDS.has(k) && Array.isArray(v)) v.forEach((s, i) => typeof s === 'string' && out.push({ at: `${at}.${k}[${i}]`, text: s }));
      else shownStrings(v, `${at}.${k}`, out);
    }
  }
}

/** Words a person reads: letters left once codicons ($(key)), placeholders and example URLs are gone. */
function hasWords(text: string): boolean {
  return /[A-Za-z]{2,}/.test(text.replace(/\$\([a-z-~]+\)/g, '').replace(/\{\d+\}/g, '').replace(/(https?|rediss?):\/\/\S+/g, ''));
}

/** The static text of a literal or template ('' for anything else). */
function staticText(node: ts.Node): string {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ');
  return '';
}

const MESSAGE_CALLS = /\.(showInformationMessage|showWarningMessage|showErrorMessage|setStatusBarMessage)$/;
const SHOWN_PROPERTIES = new Set(['title', 'prompt', 'placeHolder', 'saveLabel', 'label', 'description', 'detail', 'tooltip', 'text', 'name']);

/** Places where text reaches the UI without going through l10n: file:line and the text. */
function unwrappedUiStrings(): string[] {
  const found: string[] = [];
  for (const file of files()) {
    const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const where = (n: ts.Node) => `${path.relative(repo, file)}:${source.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
    const check = (n: ts.Node | undefined) => {
      if (n && hasWords(staticText(n))) found.push(`${where(n)} ${n.getText().slice(0, 80)}`);
    };
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && MESSAGE_CALLS.test(node.expression.getText())) node.arguments.forEach(check);
      if (ts.isNewExpression(node) && /(^|\.)TreeItem$/.test(node.expression.getText())) check(node.arguments?.[0]);
      if (ts.isNewExpression(node) && node.expression.getText() === 'GatewayError') check(node.arguments?.[1]);
      if (ts.isPropertyAssignment(node) && SHOWN_PROPERTIES.has(node.name.getText())) check(node.initializer);
      if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(node.left) && SHOWN_PROPERTIES.has(node.left.name.text)) check(node.right);
      if (ts.isReturnStatement(node) && node.expression && ts.isObjectLiteralExpression(node.expression)) {
        for (const p of node.expression.properties) if (ts.isPropertyAssignment(p) && p.name.getText() === 'message') check(p.initializer);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe('localization', () => {
  const bundle = readJson<Record<string, string>>('l10n/bundle.l10n.zh-cn.json');
  const calls = l10nCalls(files(), repo);

  it('every l10n call has a literal message (the only exception forwards the core’s calls to vscode.l10n.t)', () => {
    assert.ok(calls.length > 150, `found only ${calls.length} calls`);
    const dynamic = calls.filter((c) => c.message === undefined).map((c) => `${c.file}:${c.line}`);
    assert.deepEqual(dynamic, ['src/extension/activate.ts:' + calls.find((c) => c.message === undefined && c.file === 'src/extension/activate.ts')?.line]);
    const forwarding = fs.readFileSync(path.join(repo, dynamic[0].split(':')[0]), 'utf8').split('\n')[Number(dynamic[0].split(':')[1]) - 1];
    assert.match(forwarding, /setLocalizer\(\(message, \.\.\.args\) => vscode\.l10n\.t\(message, \.\.\.args\)\)/);
  });

  it('every message has a Simplified Chinese entry with the same placeholders, and no entry is stale', () => {
    const used = new Set(calls.map((c) => c.message).filter((m): m is string => m !== undefined));
    const missing = [...used].filter((m) => !(m in bundle)).map((m) => `${calls.find((c) => c.message === m)!.file}: ${m}`);
    assert.deepEqual(missing, [], 'strings without an entry in l10n/bundle.l10n.zh-cn.json');
    assert.deepEqual(Object.keys(bundle).filter((k) => !used.has(k)), [], 'entries no source uses any more');
    for (const [key, zh] of Object.entries(bundle)) {
      assert.deepEqual(placeholders(zh), placeholders(key), `placeholders of "${key}"`);
      assert.match(zh, CJK, `"${key}" is not translated`);
    }
  });

  it('package.json shows no literal text: every title, name, description and welcome text is a %key% of package.nls.json', () => {
    const pkg = readJson<Record<string, unknown>>('package.json');
    const shown: { at: string; text: string }[] = [];
    shownStrings(pkg.contributes, 'contributes', shown);
    shownStrings({ displayName: pkg.displayName, description: pkg.description, capabilities: pkg.capabilities }, '', shown);
    for (const field of ['displayName', 'description']) shown.push({ at: field, text: String(pkg[field]) });
    assert.ok(shown.length > 50, `found only ${shown.length} shown strings`);
    assert.deepEqual(shown.filter((s) => !/^%[\w.-]+%$/.test(s.text)).map((s) => `${s.at}: ${s.text}`), []);
    const nls = readJson<Record<string, string>>('package.nls.json');
    const keys = new Set(shown.map((s) => s.text.slice(1, -1)));
    assert.deepEqual([...keys].filter((k) => !(k in nls)), [], 'keys missing from package.nls.json');
    assert.deepEqual(Object.keys(nls).filter((k) => !keys.has(k)), [], 'keys of package.nls.json nothing uses');
    assert.equal(pkg.l10n, './l10n');
  });

  it('package.nls.zh-cn.json translates exactly the keys of package.nls.json, keeping command links and setting references', () => {
    const en = readJson<Record<string, string>>('package.nls.json');
    const zh = readJson<Record<string, string>>('package.nls.zh-cn.json');
    assert.deepEqual(Object.keys(zh).sort(), Object.keys(en).sort());
    for (const [key, text] of Object.entries(en)) {
      const links = (s: string) => (s.match(/\(command:[\w.]+\)|#[\w.]+#/g) ?? []).sort();
      assert.deepEqual(links(zh[key]), links(text), `links and setting references of ${key}`);
      if (hasWords(text) && !/^(CC-Gateway)$/.test(text)) assert.match(zh[key], CJK, `${key} is not translated`);
    }
  });

  it('no UI text bypasses l10n (messages, buttons, input boxes, tree items, status bar, validation, errors)', () => {
    assert.deepEqual(unwrappedUiStrings(), []);
  });

  describe('the localizer reaches the core', () => {
    const zh = (message: string, ...args: Array<string | number | boolean>) => (bundle[message] ?? message).replace(/\{(\d+)\}/g, (_m, i: string) => String(args[Number(i)]));
    afterEach(() => setLocalizer(undefined));

    it('validation and formatting speak the installed language, and English again once it is removed', () => {
      setLocalizer(zh);
      const r = validateAgentId('abc');
      assert.ok(!r.ok);
      assert.equal(r.message, '“abc”不是座席工号。座席工号必须是 101 到 59999 之间的数字。');
      setLocalizer(undefined);
      const en = validateAgentId('abc');
      assert.ok(!en.ok && en.message === '"abc" is not an agent ID. Agent ID must be digits between 101 and 59999.');
      assert.equal(t('{0} s ago', 5), '5 s ago');
    });

    it('the separately bundled HTTP client (dist/gatewayClient.js) uses the same localizer', async function () {
      const bundlePath = path.join(repo, 'dist/gatewayClient.js');
      if (!fs.existsSync(bundlePath)) this.skip(); // `npm test` builds first; a bare `mocha` run has no bundle
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built bundle, as the extension loads it
      const { createGatewayClient } = require(bundlePath) as typeof import('../../src/core/wire/client');
      const sim = await startSimulator({ tls: 'selfSigned' });
      const client = createGatewayClient({ origin: sim.url, timeoutMs: 2000 });
      try {
        setLocalizer(zh);
        const e = await client.statisticsEx('101' as never, sim.guid).then(
          () => assert.fail('a self-signed certificate was accepted'),
          (err: Error) => err,
        );
        assert.match(e.message, /^无法安全连接到 https:\/\/127\.0\.0\.1:\d+：其证书为自签名证书（DEPTH_ZERO_SELF_SIGNED_CERT；SHA-256 /);
      } finally {
        await client.close();
        await sim.stop();
      }
    });
  });
});
