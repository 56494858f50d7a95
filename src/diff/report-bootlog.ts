// BootLogDiff → Report blocks: host facts that differ, profiling state changes, findings that
// appeared / disappeared (by signature), and the klab counts side by side.
import {HOST_FACT_LABELS, PROFILING_LABELS, hostFactCell} from '../analysis/labels.js'
import {type Block, type Cell, type Style, cellText, deltaCell} from '../render/report.js'
import {plural} from '../render/units.js'
import type {HostFacts} from '../types.js'
import type {BootLogDiff, FindingChange, ValueChange} from './bootlog.js'

const CHANGE_STYLE: Record<FindingChange, Style | undefined> = {appeared: 'bad', more: 'bad', disappeared: 'good', fewer: 'good', same: 'dim'}
const isHostFact = (name: string): name is keyof HostFacts => Object.hasOwn(HOST_FACT_LABELS, name)
// Row names are the labels `analyse` prints (analysis/labels.ts); the diff's JSON keeps the keys.
const PROFILING_ROW_LABELS: Record<string, string> = {mode: PROFILING_LABELS.mode, debug: PROFILING_LABELS.debug, recorder: PROFILING_LABELS.recorder, 'dropped printk messages': PROFILING_LABELS.droppedMessages}
const label = (name: string) => (isHostFact(name) ? HOST_FACT_LABELS[name] : (PROFILING_ROW_LABELS[name] ?? name))
// The build string is `(builder) (compiler, linker) #N SMP <date>`: the `#N ... <date>` tail is what
// tells two builds apart, and it fits a column. A fact's value is shown as `analyse` shows it.
function compact(name: string, v: ValueChange['a']): Cell {
  if (v === undefined) return '-'
  if (name === 'build' && typeof v === 'string' && v.includes('#')) return v.slice(v.lastIndexOf('#'))
  return isHostFact(name) ? hostFactCell(name, v) : String(v)
}
const warn = (c: Cell): Cell => (typeof c === 'object' && c !== null ? {...c, style: 'warn'} : {text: cellText(c), style: 'warn'})

function changes(title: string, rows: ValueChange[], all: boolean, empty: string): Block {
  const shown = all ? rows : rows.filter((r) => r.changed)
  return {
    kind: 'table',
    title,
    columns: [
      {key: 'name', header: 'fact', priority: 0},
      {key: 'a', header: 'a', priority: 0},
      {key: 'b', header: 'b', priority: 0},
    ],
    rows: shown.map((r) => ({name: label(r.name), a: compact(r.name, r.a), b: r.changed ? warn(compact(r.name, r.b)) : compact(r.name, r.b)})),
    empty,
  }
}

export function bootLogDiffBlocks(d: BootLogDiff, opts: {all?: boolean} = {}): Block[] {
  const findings = opts.all ? d.findings : d.findings.filter((f) => f.change !== 'same')
  const klab = d.klab.filter((k) => opts.all || k.delta !== 0)
  const blocks: Block[] = [
    {kind: 'text', title: 'boot log diff', lines: [`a: ${d.a}`, `b: ${d.b}`]},
    changes('Host', d.host, opts.all ?? false, 'no host fact differs'),
    changes('Profiling', [...d.profiling, d.droppedMessages], opts.all ?? false, 'profiling state unchanged'),
    {
      kind: 'table',
      title: 'Findings (matched by signature)',
      columns: [
        {key: 'change', header: 'change', priority: 0},
        {key: 'severity', header: 'severity', priority: 2},
        {key: 'id', header: 'id', priority: 3},
        {key: 'title', header: 'title', priority: 0},
        {key: 'a', header: 'a', align: 'right', priority: 1},
        {key: 'b', header: 'b', align: 'right', priority: 1},
      ],
      rows: findings.map((f) => ({
        change: {text: f.change, style: CHANGE_STYLE[f.change]} as Cell,
        severity: f.severity,
        id: f.id,
        title: f.title,
        a: f.countA,
        b: f.countB,
      })),
      empty: `no finding appeared or disappeared (${plural(d.findings.length, 'signature')} on either side)`,
    },
  ]
  if (d.klab.length) {
    blocks.push({
      kind: 'table',
      title: 'klab counts (instrumented kernels)',
      columns: [
        {key: 'what', header: 'count', priority: 0},
        {key: 'a', header: 'a', align: 'right', priority: 0},
        {key: 'b', header: 'b', align: 'right', priority: 0},
        {key: 'delta', header: 'delta', align: 'right', priority: 0},
      ],
      rows: klab.map((k) => ({
        what: `${k.kind}.${k.metric}`,
        a: k.a ?? '-',
        b: k.b ?? '-',
        delta: k.delta === undefined ? '' : deltaCell(k.delta),
      })),
      empty: 'klab counts identical',
    })
  }
  return blocks
}
