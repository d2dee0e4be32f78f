/**
 * True only in the build the test harness runs (`node scripts/build.mjs --test-hooks`), false in
 * the packaged one (`npm run build`, `vscode:prepublish`): esbuild replaces it with the literal, so
 * the packaged dist/extension.js holds none of the code it guards (the test API that can pin a
 * certificate without a dialog, the secret-latency and webview-traffic hooks). `npm test`'s
 * package step checks the .vsix for it (scripts/lib/vsix.mjs, TEST_ONLY_MARKERS).
 */
declare const CCGW_TEST_BUILD: boolean;
