// The zh-cn test language pack: it only switches VS Code's display language to zh-cn (it
// translates nothing of VS Code). Without one, --locale zh-cn falls back to English and
// vscode.l10n would never load our Chinese bundle. Packaged from test/fixtures/ for each run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import process from 'node:process';
import { repoRoot, runCommand } from './prereqs.mjs';

export const ZH_CN_PACK = Object.freeze({ id: 'ccgateway-tests.test-language-pack-zh-cn', version: '0.0.1' });

/** Packages the language pack into artifacts/ and returns the .vsix path. */
export async function zhCnLanguagePack() {
  const file = path.join(repoRoot, 'artifacts', 'test-language-pack-zh-cn.vsix');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.rmSync(file, { force: true });
  const vsce = path.join(repoRoot, 'node_modules', '.bin', 'vsce');
  const args = [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--out', file];
  const r = await runCommand(process.execPath, args, { cwd: path.join(repoRoot, 'test', 'fixtures', 'zh-cn-language-pack'), timeoutMs: 120_000, stdio: 'pipe' });
  if (r.code !== 0) throw new Error(`vsce package (test language pack) failed (exit ${r.code ?? r.signal}${r.timedOut ? ', timed out' : ''}): ${String(r.stderr ?? '').trim().slice(-500)}`);
  return file;
}

/**
 * VS Code resolves the display language from languagepacks.json in the user-data dir, a
 * cache its language-pack service writes some time after an install; written here as that
 * service would, so the very first window already starts in zh-cn (startCodeServer's beforeStart).
 */
export function writeLanguagePackCache(dirs) {
  const translations = path.join(dirs.ext, `${ZH_CN_PACK.id}-${ZH_CN_PACK.version}`, 'translations', 'main.i18n.json');
  if (!fs.existsSync(translations)) throw new Error(`the test language pack is not installed (${path.relative(repoRoot, translations)} is missing)`);
  const cache = { 'zh-cn': { hash: 'ccgateway-test-pack', extensions: [{ extensionIdentifier: { id: ZH_CN_PACK.id }, version: ZH_CN_PACK.version }], translations: { vscode: translations }, label: '中文(简体)' } };
  fs.writeFileSync(path.join(dirs.ud, 'languagepacks.json'), JSON.stringify(cache));
}
