// `fleet --html FILE`: one self-contained page (inline CSS, JS and SVG; nothing fetched) with the
// summary tables, sortable by a click on a header, and three charts drawn here as SVG: signatures
// by inputs, findings per 1000 boots per kernel, and predicted early PFNs by CPU count, each group
// of hosts against its own legacy limit. Opening the page with `#selftest` sorts every table by each
// column and records the outcome on <body data-selftest> (the browser test reads it).
import {COLUMNS, FLEET_ROWS, fleetFacts, type FleetRows, perThousand, TITLES} from './report.js'
import type {FleetSummary} from './summary.js'
import {sanitizeLine} from '../render/sanitize.js'
import {type Cell, cellText} from '../render/report.js'
import {plural} from '../render/units.js'

// Names come from logs anyone can write: control characters and bidi overrides are shown escaped
// (render/sanitize.ts, as in every other format: a U+202E would show a name reversed), then HTML-escaped.
const esc = (s: string | number): string =>
  sanitizeLine(String(s)).replace(/[&<>"']/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'})[c]!)

/** A sortable table, a row at a time. */
function* table(id: keyof FleetRows, rows: Iterable<Record<string, Cell>>): Generator<string> {
  const cols = COLUMNS[id]
  const head = cols.map((c) => `<th data-key="${esc(c.key)}"${c.align === 'right' ? ' class="num"' : ''}>${esc(c.header)}</th>`).join('')
  yield `<section><h2>${esc(TITLES[id])}</h2><table class="sortable" id="t-${id}"><thead><tr>${head}</tr></thead><tbody>\n`
  let n = 0
  for (const r of rows) yield `${n++ ? '\n' : ''}<tr>${cols.map((c) => `<td${c.align === 'right' ? ' class="num"' : ''}>${esc(cellText(r[c.key] ?? ''))}</td>`).join('')}</tr>`
  yield `\n</tbody></table>${n === 0 ? `<p class="empty">none</p>` : ''}</section>`
}

interface Bar {
  label: string
  value: number
  /** This bar's own limit, marked on its row; `over`: the bar's group is past it (drawn red). */
  limit?: {value: number; label: string; over: boolean}
}

const W = 760
const BAR_H = 18

/**
 * Horizontal bars, label on the left, value on the right; a bar with a limit has it marked on its
 * own row (hosts of different limits are never drawn against one line). `bars` is walked twice (the
 * height and the scale come first in the SVG), a bar at a time.
 */
function* barChart(id: string, title: string, bars: () => Iterable<Bar>, note = ''): Generator<string> {
  const left = 300
  const plotW = W - left - 70
  let count = 0
  let max = 1
  for (const b of bars()) (count++, (max = Math.max(max, b.value, b.limit?.value ?? 0)))
  const h = 30 + count * (BAR_H + 4) + (note ? 34 : 20)
  const x = (v: number) => left + (v / max) * plotW
  yield `<figure><figcaption>${esc(title)}</figcaption><svg id="${id}" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" role="img" aria-label="${esc(title)}">`
  let i = 0
  for (const b of bars()) {
    const y = 24 + i++ * (BAR_H + 4)
    const lbl = b.label.length > 44 ? `${b.label.slice(0, 43)}…` : b.label
    const lim = b.limit
    const cls = lim?.over ? 'bar over' : 'bar'
    const data = lim ? ` data-limit="${lim.value}" data-value="${b.value}"` : ''
    yield `<text x="${left - 6}" y="${y + 13}" text-anchor="end">${esc(lbl)}</text><rect class="${cls}"${data} x="${left}" y="${y}" width="${Math.max(1, x(b.value) - left).toFixed(1)}" height="${BAR_H}"><title>${esc(b.label)}: ${b.value}${lim ? `, ${esc(lim.label)}` : ''}</title></rect><text x="${(x(b.value) + 4).toFixed(1)}" y="${y + 13}">${esc(b.value)}</text>`
    if (lim) yield `<line class="limit" x1="${x(lim.value).toFixed(1)}" x2="${x(lim.value).toFixed(1)}" y1="${y - 2}" y2="${y + BAR_H + 2}"><title>${esc(lim.label)}</title></line>`
  }
  const foot = note ? `<text class="limit" x="10" y="${h - 8}">${esc(note)}</text>` : ''
  yield `${foot}${count === 0 ? `<text x="${left}" y="40">no data</text>` : ''}</svg></figure>`
}

/** A bar per CPU count and legacy array size (the CPU table's rows), against that group's own limit. */
function* cpuBars(s: FleetSummary): Generator<Bar> {
  for (const r of FLEET_ROWS.cpus(s)) {
    const boots = Number(r.boots)
    yield {
      label: `${plural(Number(r.cpus), 'CPU')}, legacy max ${r.legacyMax} (${plural(boots, 'boot')})`,
      value: Number(r.maxEarlyPfns),
      limit: {value: Number(r.legacyMax), label: `EARLY_ALLOC_PFN_MAX ${r.legacyMax}`, over: Number(r.overflow) > 0},
    }
  }
}

function* charts(s: FleetSummary): Generator<string> {
  const top = FLEET_ROWS.signatures(s)
  const sigs: Bar[] = []
  for (const r of top) if (sigs.push({label: String(r.signature), value: Number(r.inputs)}) >= 25) break
  // Every kernel with a boot has a bar: their names sorted once, a bar made as it is written.
  const kernelNames = Object.keys(s.kernels)
    .filter((k) => s.kernels[k]!.boots > 0)
    .sort((a, b) => (a < b ? -1 : 1))
  const kernels = function* () {
    for (const k of kernelNames) yield {label: k, value: Number(perThousand(s.kernels[k]!.findings, s.kernels[k]!.boots))}
  }
  yield* barChart('c-signatures', 'Signatures by number of inputs (top 25)', () => sigs)
  yield '\n'
  yield* barChart('c-kernels', 'Findings per 1000 boots, by kernel', kernels)
  yield '\n'
  const note = "dashed mark: the bar's own EARLY_ALLOC_PFN_MAX; orange bar: predicted past it"
  yield* barChart('c-cpus', 'Most predicted early PFNs by possible CPUs and legacy array size, each against its own limit', () => cpuBars(s), note)
}

const CSS = `body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;margin:8px 0}th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f2f2f2;cursor:pointer;user-select:none}th.asc::after{content:" ▲"}th.desc::after{content:" ▼"}.num{text-align:right}
td{max-width:520px;overflow-wrap:anywhere}figure{margin:16px 0}figcaption{font-weight:600;margin-bottom:4px}
svg text{font:11px system-ui,sans-serif;fill:#333}.bar{fill:#4a7ebb}.bar.over{fill:#e8a33d}.limit{stroke:#c0392b;stroke-width:2;stroke-dasharray:5 3}text.limit{fill:#c0392b;stroke:none}
dl{display:grid;grid-template-columns:max-content auto;gap:2px 16px}dt{font-weight:600}.empty{color:#777}`

/** Sorting by a header click (numbers as numbers), and the #selftest check. */
const JS = `(function(){
function val(td,num){var t=td.textContent;return num?(t==='-'||t===''?-Infinity:Number(t)):t}
function sortBy(th,dir){var table=th.closest('table'),idx=Array.prototype.indexOf.call(th.parentNode.children,th),num=th.classList.contains('num');
var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows);
rows.sort(function(a,b){var x=val(a.cells[idx],num),y=val(b.cells[idx],num);return (x<y?-1:x>y?1:0)*dir});
rows.forEach(function(r){body.appendChild(r)});
Array.prototype.forEach.call(th.parentNode.children,function(h){h.classList.remove('asc','desc')});th.classList.add(dir>0?'asc':'desc');return rows}
document.querySelectorAll('table.sortable th').forEach(function(th){th.addEventListener('click',function(){sortBy(th,th.classList.contains('asc')?-1:1)})});
if(location.hash==='#selftest'){var bad=[];document.querySelectorAll('table.sortable th').forEach(function(th){
var idx=Array.prototype.indexOf.call(th.parentNode.children,th),num=th.classList.contains('num');
[1,-1].forEach(function(dir){var rows=sortBy(th,dir);for(var i=1;i<rows.length;i++){var a=val(rows[i-1].cells[idx],num),b=val(rows[i].cells[idx],num);if(dir*(a<b?-1:a>b?1:0)>0)bad.push(th.closest('table').id+':'+th.textContent)}})});
document.body.setAttribute('data-selftest',bad.length?'failed '+bad.join(','):'ok '+document.querySelectorAll('table.sortable th').length+' columns')}
document.body.setAttribute('data-ready','1')})();`

/** The page in pieces, in order (a row, a bar, a head each): written as they come, a page of 10^6 kernels is never one string. */
export function* fleetHtmlParts(s: FleetSummary): Generator<string> {
  const dl = `<dl>${fleetFacts(s).map((f) => `<dt>${esc(f.key)}</dt><dd>${f.value}${f.note ? ` <small>${esc(f.note)}</small>` : ''}</dd>`).join('')}</dl>`
  yield `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>allocscope fleet</title>
<meta name="generator" content="allocscope fleet (${s.schema})"><style>${CSS}</style></head>
<body><h1>allocscope fleet</h1>${dl}
`
  yield* charts(s)
  for (const k of Object.keys(TITLES) as (keyof FleetRows)[]) {
    yield '\n'
    yield* table(k, FLEET_ROWS[k](s))
  }
  yield `\n<script>${JS}</script></body></html>\n`
}

/** The whole page as one string (small fleets, tests). */
export const fleetHtml = (s: FleetSummary): string => [...fleetHtmlParts(s)].join('')
