// Boot log vs boot log: what differs in the host, in the profiling state, in the findings
// (matched by their signature, which is stable across boots, never by their text) and in the
// lab's klab: counts. Pure over two BootAnalysis values.
import {type Count, addCounts} from '../readers/count.js'
import type {BootAnalysis, Finding, HostFacts, Severity} from '../types.js'
import type {FindingKind} from '../analysis/detectors.js'

export interface ValueChange {
  name: string
  a?: string | Count | boolean
  b?: string | Count | boolean
  changed: boolean
}

export type FindingChange = 'appeared' | 'disappeared' | 'more' | 'fewer' | 'same'

export interface FindingDiffRow {
  signature: string
  id: FindingKind
  severity: Severity
  title: string
  change: FindingChange
  countA: number
  countB: number
  /** First line of the finding on each side. */
  lineA?: number
  lineB?: number
}

export interface CountChange {
  kind: string
  metric: string
  a?: Count
  b?: Count
  delta?: Count
}

export interface BootLogDiff {
  a: string
  b: string
  host: ValueChange[]
  profiling: ValueChange[]
  findings: FindingDiffRow[]
  klab: CountChange[]
  droppedMessages: ValueChange
}

// The order facts are shown in: what the model needs first.
const HOST_FACTS: (keyof HostFacts)[] = [
  'release',
  'build',
  'cmdline',
  'memProfilingParam',
  'possibleCpus',
  'presentCpus',
  'hotplugCpus',
  'onlineCpus',
  'nrCpusConfig',
  'maxcpus',
  'numaNodes',
  'memoryTotalKiB',
  'memoryAvailableKiB',
  'pageExtBytes',
  'pageExtWindow',
  'deferredInit',
  'hardware',
]

function change(name: string, a: string | Count | boolean | undefined, b: string | Count | boolean | undefined): ValueChange {
  return {name, ...(a !== undefined ? {a} : {}), ...(b !== undefined ? {b} : {}), changed: a !== b}
}

export function diffHost(a: HostFacts, b: HostFacts): ValueChange[] {
  const keys = [...HOST_FACTS, ...(Object.keys({...a, ...b}) as (keyof HostFacts)[]).filter((k) => !HOST_FACTS.includes(k)).sort()]
  return keys.filter((k) => a[k] !== undefined || b[k] !== undefined).map((k) => change(k, a[k]?.value, b[k]?.value))
}

const SEVERITY_RANK: Record<Severity, number> = {info: 0, notice: 1, warning: 2, error: 3, critical: 4}

function groupBySignature(fs: Finding[]): Map<string, Finding[]> {
  const m = new Map<string, Finding[]>()
  for (const f of fs) {
    const g = m.get(f.signature)
    if (g) g.push(f)
    else m.set(f.signature, [f])
  }
  return m
}

/** The analyser stores a few findings per signature and counts the rest in `count`. */
function occurrences(g: Finding[]): number {
  return Math.max(g.length, ...g.map((f) => f.count ?? 0))
}

export function diffFindings(a: Finding[], b: Finding[]): FindingDiffRow[] {
  const A = groupBySignature(a)
  const B = groupBySignature(b)
  const rows: FindingDiffRow[] = []
  for (const sig of new Set([...A.keys(), ...B.keys()])) {
    const fa = A.get(sig) ?? []
    const fb = B.get(sig) ?? []
    const f = fb[0] ?? fa[0]
    const ca = occurrences(fa)
    const cb = occurrences(fb)
    const ch: FindingChange = ca === 0 ? 'appeared' : cb === 0 ? 'disappeared' : cb > ca ? 'more' : cb < ca ? 'fewer' : 'same'
    rows.push({
      signature: sig,
      id: f.id,
      // The worse of the two sides: a finding that got worse between boots is judged by its worst.
      severity: [...fa, ...fb].reduce<Severity>((s, x) => (SEVERITY_RANK[x.severity] > SEVERITY_RANK[s] ? x.severity : s), f.severity),
      title: f.title,
      change: ch,
      countA: ca,
      countB: cb,
      ...(fa[0] ? {lineA: fa[0].line} : {}),
      ...(fb[0] ? {lineB: fb[0].line} : {}),
    })
  }
  const order: Record<FindingChange, number> = {appeared: 0, disappeared: 1, more: 2, fewer: 3, same: 4}
  return rows.sort((x, y) => order[x.change] - order[y.change] || SEVERITY_RANK[y.severity] - SEVERITY_RANK[x.severity] || (x.signature < y.signature ? -1 : x.signature > y.signature ? 1 : 0))
}

export function diffKlab(a: BootAnalysis['klab'], b: BootAnalysis['klab']): CountChange[] {
  const flat = (ks: BootAnalysis['klab']) => {
    const m = new Map<string, Count>()
    for (const k of ks) for (const [metric, v] of Object.entries(k.values)) m.set(`${k.kind}\u0000${metric}`, v)
    return m
  }
  const A = flat(a)
  const B = flat(b)
  const out: CountChange[] = []
  for (const key of new Set([...A.keys(), ...B.keys()])) {
    const [kind, metric] = key.split('\u0000')
    const va = A.get(key)
    const vb = B.get(key)
    out.push({kind, metric, ...(va !== undefined ? {a: va} : {}), ...(vb !== undefined ? {b: vb} : {}), ...(va !== undefined && vb !== undefined ? {delta: addCounts(vb, -va)} : {})})
  }
  return out
}

export function diffBootLogs(a: BootAnalysis, b: BootAnalysis): BootLogDiff {
  return {
    a: a.source,
    b: b.source,
    host: diffHost(a.host, b.host),
    profiling: [
      change('mode', a.profiling.mode, b.profiling.mode),
      change('debug', a.profiling.debug, b.profiling.debug),
      change('recorder', a.profiling.recorder, b.profiling.recorder),
    ],
    findings: diffFindings(a.findings, b.findings),
    klab: diffKlab(a.klab, b.klab),
    droppedMessages: change('dropped printk messages', a.droppedMessages, b.droppedMessages),
  }
}

/** Severities of the findings that appeared or became more frequent: what --fail-on gates on. */
export function bootLogDiffSeverities(d: BootLogDiff): Severity[] {
  return d.findings.filter((f) => f.change === 'appeared' || f.change === 'more').map((f) => f.severity)
}
