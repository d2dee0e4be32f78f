import { randomBytes } from 'node:crypto';

/** A fresh nonce per page: only our own <script>/<style> run under the CSP. */
export function nonce(): string {
  return randomBytes(18).toString('base64');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * A complete page under a strict Content Security Policy: nothing loads but our
 * nonce'd script and styles and files from the extension's own dist/ (cspSource).
 * Colours come from the theme's CSS variables, so light, dark and high contrast all work.
 */
export function webviewPage(o: { lang: string; title: string; cspSource: string; nonce: string; body: string; head?: string; scripts?: boolean }): string {
  const csp = [
    "default-src 'none'",
    `style-src ${o.cspSource} 'nonce-${o.nonce}'`,
    `font-src ${o.cspSource}`,
    `img-src ${o.cspSource} data:`,
    o.scripts ? `script-src 'nonce-${o.nonce}'` : "script-src 'none'",
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(o.lang)}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(o.title)}</title>
<style nonce="${o.nonce}">
  body { color: var(--vscode-foreground); background: var(--vscode-editor-background); font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); padding: 0 16px 16px; }
  h1 { font-size: 1.3em; font-weight: 600; margin: 12px 0 4px; }
  p.meta { color: var(--vscode-descriptionForeground); margin: 0 0 12px; }
  table { border-collapse: collapse; min-width: 360px; }
  caption { text-align: left; font-weight: 600; padding: 8px 0 4px; }
  th, td { padding: 3px 12px 3px 6px; border-bottom: 1px solid var(--vscode-editorWidget-border, var(--vscode-panel-border, transparent)); text-align: left; }
  th { font-weight: 600; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  td.field { color: var(--vscode-descriptionForeground); font-family: var(--vscode-editor-font-family); }
  tbody tr:hover { background: var(--vscode-list-hoverBackground); }
  :focus-visible { outline: 1px solid var(--vscode-focusBorder); }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
</style>
${o.head ?? ''}
</head>
<body>
${o.body}
</body>
</html>`;
}
