// The Show Trend webview: a uPlot chart of one day — answered and outbound calls
// per interval (a minute, 5 or 15 minutes: trendChart.ts chooseBucketMs) as bars on their interval, cumulative talk time as a line — and the same numbers as a table
// for screen readers and keyboard users. Bundled by esbuild into dist/trendView.js; it gets
// its data and its (already localized) words from the extension by postMessage and keeps
// them with setState, so hiding and showing the panel loses nothing.
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { axisRange, axisTicks, barX, hm, hms, intervalLabel, legendAt, legendText } from '../core/history/trendChart';
import type { TrendData } from '../core/history/trendData';
import type { ExtensionToWebview, WebviewToExtension } from './protocol';
import { el, vscode } from './page';

const saved = vscode.getState() as TrendData | undefined;
// State kept by an older page (without bucketMs) is dropped: 'ready' brings the data again.
let data = typeof saved?.bucketMs === 'number' ? saved : undefined;
let plot: uPlot | undefined;
/** The bucket the keyboard selected (undefined: follow the pointer, else the latest). */
let selected: number | undefined;

function color(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

/** The data table under the chart: an interval column, then one column per series of an agent or a queue. */
function renderTable(d: TrendData): HTMLTableElement {
  const q = d.queue;
  const columns = q ? [q.words.waiting, q.words.longest] : [d.words.answered, d.words.outbound, d.words.talk];
  const cells = (i: number): string[] => (q ? [String(q.waitingMax[i]), hms(q.longestWaitMax[i])] : [String(d.answered[i]), String(d.outbound[i]), hms(d.talkCumulative[i])]);
  const table = el('table');
  table.id = 'trend-table';
  table.appendChild(el('caption', d.words.caption));
  const head = el('thead');
  const hr = el('tr');
  for (const [text, num] of [[d.words.interval, false] as const, ...columns.map((c) => [c, true] as const)]) {
    const th = el('th', text, num ? 'num' : undefined);
    th.scope = 'col';
    hr.appendChild(th);
  }
  head.appendChild(hr);
  table.appendChild(head);
  const body = el('tbody');
  d.buckets.forEach((b, i) => {
    const tr = el('tr');
    const th = el('th', intervalLabel(b, d.bucketMs));
    th.scope = 'row';
    tr.appendChild(th);
    for (const cell of cells(i)) tr.appendChild(el('td', cell, 'num'));
    body.appendChild(tr);
  });
  table.appendChild(body);
  return table;
}

function queueSeries(d: TrendData, q: NonNullable<TrendData['queue']>, blue: string, orange: string): { series: uPlot.Series[]; axis: string; data: number[][] } {
  const bars = uPlot.paths.bars;
  return {
    series: [
      { label: q.words.waiting, scale: 'calls', stroke: blue, fill: blue, paths: bars?.({ size: [0.6, 60, 6] }), points: { show: false } },
      { label: q.words.longest, scale: 'talk', stroke: orange, width: 2, value: (_u, v) => (v === null ? '–' : hms(v * 60)) },
    ],
    axis: q.words.minutes,
    data: [q.waitingMax, q.longestWaitMax.map((s) => s / 60)],
  };
}

/** The time axis' labels as drawn, also as text (the canvas is not read by screen readers, nor by the UI tests). */
function showAxis(labels: string[]): string[] {
  const host = document.getElementById('axis-labels');
  if (host) host.textContent = `${data?.words.interval ?? ''}: ${labels.join(', ')}`;
  host?.setAttribute('data-labels', labels.join('|'));
  return labels;
}

/** The legend above the chart: the hovered or selected bucket's interval and values, else the latest's. */
function showLegend(d: TrendData, index: number | null | undefined): void {
  const host = document.getElementById('legend');
  const legend = legendAt(d, index);
  if (!host || !legend) return;
  host.textContent = '';
  host.appendChild(el('strong', legend.interval));
  for (const v of legend.values) {
    host.appendChild(document.createTextNode(' · '));
    host.appendChild(el('span', `${v.label} `));
    host.appendChild(el('strong', v.value));
  }
  host.setAttribute('aria-label', legendText(legend));
}

function renderChart(d: TrendData, host: HTMLElement): void {
  plot?.destroy();
  plot = undefined;
  const range = axisRange(d.buckets, d.bucketMs);
  if (!range) return;
  const blue = color('--vscode-charts-blue', '#3794ff');
  const orange = color('--vscode-charts-orange', '#d18616');
  const green = color('--vscode-charts-green', '#89d185');
  const fg = color('--vscode-foreground', '#cccccc');
  const grid = color('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
  const bars = uPlot.paths.bars;
  const axis = { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } };
  const queue = d.queue ? queueSeries(d, d.queue, blue, orange) : undefined;
  const opts: uPlot.Options = {
    width: Math.max(320, host.clientWidth),
    height: 280,
    // From the first record's bucket, not the start of the day (trendChart.ts axisRange).
    scales: { x: { time: true, auto: false, range: [range[0] / 1000, range[1] / 1000] }, calls: { range: (_u, _min, max) => [0, Math.max(1, max)] }, talk: { range: (_u, _min, max) => [0, Math.max(0.1, max)] } },
    axes: [
      {
        ...axis,
        // Ticks on interval boundaries, whole minutes apart: no label repeats (trendChart.ts axisTicks).
        splits: (u, _i, min, max) => axisTicks([min * 1000, max * 1000], d.bucketMs, u.bbox.width / devicePixelRatio).map((t) => t / 1000),
        values: (_u, ticks) => showAxis(ticks.map((t) => hm(t * 1000))),
      },
      { ...axis, scale: 'calls', label: d.words.calls },
      { ...axis, scale: 'talk', side: 1, label: queue ? queue.axis : d.words.hours, grid: { show: false } },
    ],
    series: queue ? [{ value: (_u, v) => (v === null ? '–' : hm(v * 1000)) }, ...queue.series] : [
      { value: (_u, v) => (v === null ? '–' : hm(v * 1000)) },
      { label: d.words.answered, scale: 'calls', stroke: blue, fill: blue, paths: bars?.({ size: [0.4, 40, 6], align: -1 }), points: { show: false } },
      { label: d.words.outbound, scale: 'calls', stroke: orange, fill: orange, paths: bars?.({ size: [0.4, 40, 6], align: 1 }), points: { show: false } },
      { label: d.words.talk, scale: 'talk', stroke: green, width: 2, value: (_u, v) => (v === null ? '–' : hms(v * 3600)) },
    ],
    // Our own legend (showLegend): uPlot's reads "–" without a hover.
    legend: { show: false },
    hooks: { setCursor: [(u) => showLegend(d, selected ?? u.cursor.idx)] },
  };
  // Each bucket's bars stand in the middle of its interval, between the ticks that bound it.
  const x = d.buckets.map((b) => barX(b, d.bucketMs) / 1000);
  plot = new uPlot(opts, queue ? [x, ...queue.data] : [x, d.answered, d.outbound, d.talkCumulative.map((s) => s / 3600)], host);
}

function render(): void {
  const root = document.getElementById('root')!;
  root.textContent = '';
  if (!data) return;
  document.documentElement.lang = data.lang;
  root.appendChild(el('h1', data.title));
  root.appendChild(el('p', data.subtitle, 'meta'));
  // The empty state: a sentence saying what will appear and when, no empty axis or table.
  if (data.buckets.length === 0) {
    root.appendChild(el('p', data.words.empty, 'empty'));
    return;
  }
  const legend = el('p', undefined, 'legend');
  legend.id = 'legend';
  legend.setAttribute('aria-live', 'polite');
  root.appendChild(legend);
  const chart = el('div', undefined, 'chart');
  // Focusable: the arrow keys move the legend from interval to interval.
  chart.tabIndex = 0;
  chart.setAttribute('role', 'group');
  chart.setAttribute('aria-label', data.words.chartLabel);
  chart.setAttribute('aria-describedby', 'legend-hint');
  chart.addEventListener('keydown', (e) => moveSelection(e, chart));
  // The pointer takes over from the keyboard.
  chart.addEventListener('mousemove', () => (selected = undefined));
  root.appendChild(chart);
  const hint = el('p', data.words.legendHint, 'meta');
  hint.id = 'legend-hint';
  root.appendChild(hint);
  const axisText = el('p', undefined, 'visually-hidden');
  axisText.id = 'axis-labels';
  root.appendChild(axisText);
  selected = undefined;
  renderChart(data, chart);
  showLegend(data, undefined);
  root.appendChild(renderTable(data));
}

function moveSelection(e: KeyboardEvent, chart: HTMLElement): void {
  if (!data || data.buckets.length === 0) return;
  const last = data.buckets.length - 1;
  const at = selected ?? last;
  const next = e.key === 'ArrowLeft' ? Math.max(0, at - 1) : e.key === 'ArrowRight' ? Math.min(last, at + 1) : e.key === 'Home' ? 0 : e.key === 'End' ? last : e.key === 'Escape' ? undefined : at;
  if (next === at && e.key !== 'Escape') return;
  e.preventDefault();
  selected = next;
  showLegend(data, selected);
  // The cursor follows the keyboard, so what is read is also what is marked.
  if (plot && selected !== undefined) plot.setCursor({ left: plot.valToPos(barX(data.buckets[selected], data.bucketMs) / 1000, 'x'), top: plot.bbox.height / devicePixelRatio / 2 });
  chart.focus();
}

window.addEventListener('message', (e: MessageEvent<ExtensionToWebview>) => {
  const m = e.data;
  if (m?.type !== 'trend') return;
  data = m.data;
  vscode.setState(data);
  render();
});
new ResizeObserver(() => {
  const host = document.querySelector<HTMLElement>('.chart');
  if (plot && host) plot.setSize({ width: Math.max(320, host.clientWidth), height: 280 });
}).observe(document.body);

render();
vscode.postMessage({ type: 'ready' } satisfies WebviewToExtension);
