// The Show Detailed Statistics page: the counters of one agent as a table in plain
// words, with when they were updated and a Refresh button. Bundled by esbuild into
// dist/detailsView.js; it gets its (already localized) data from the extension by postMessage
// (protocol.ts) and keeps it with setState, so hiding and showing the panel loses nothing.
import type { DetailsData, ExtensionToWebview } from './protocol';
import { el, vscode } from './page';

let data = vscode.getState() as DetailsData | undefined;

function render(): void {
  const root = document.getElementById('root')!;
  if (!data) return;
  root.textContent = '';
  document.documentElement.lang = data.lang;
  root.appendChild(el('h1', data.title));
  const status = el('p', data.status, data.stale ? 'status stale' : 'status');
  status.setAttribute('role', 'status');
  root.appendChild(status);
  const button = el('button', data.refresh);
  button.type = 'button';
  button.addEventListener('click', () => vscode.postMessage({ type: 'refresh' }));
  root.appendChild(button);
  root.appendChild(el('p', data.note, 'meta'));
  const table = el('table');
  table.appendChild(el('caption', data.caption));
  const head = el('thead');
  const hr = el('tr');
  for (const [text, cls] of [[data.headers.counter], [data.headers.value, 'num'], [data.headers.field]] as const) {
    const th = el('th', text, cls);
    th.scope = 'col';
    hr.appendChild(th);
  }
  head.appendChild(hr);
  table.appendChild(head);
  const body = el('tbody');
  for (const r of data.rows) {
    const tr = el('tr');
    const th = el('th', r.label);
    th.scope = 'row';
    tr.append(th, el('td', r.value, 'num'), el('td', r.field, 'field'));
    body.appendChild(tr);
  }
  table.appendChild(body);
  root.appendChild(table);
}

window.addEventListener('message', (e: MessageEvent<ExtensionToWebview>) => {
  const m = e.data;
  if (m?.type !== 'details') return;
  data = m.data;
  vscode.setState(data);
  render();
});

render();
vscode.postMessage({ type: 'ready' });
