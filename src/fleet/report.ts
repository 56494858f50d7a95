// A fleet summary as rows (shared by the text/table/csv/markdown report and the HTML page), and as
// the neutral Report the renderers print.
import {type Cell, NONE, type Report, type TableBlock} from '../render/report.js'
import {RECORDERS, type Severity, SEVERITIES} from '../types.js'
import {ANOMALY_SEVERITY, BAD_COUNTER_SEVERITY} from '../allocinfo/report.js'
import type {FleetSummary} from './summary.js'

export const perThousand = (findings: number, boots: number): string => (boots === 0 ? '-' : ((1000 * findings) / boots).toFixed(1))

/**
 * A first/last seen cell: the table shows the date, whole (up to the `T`: `+011476-08-01` has more
 * than 10 characters), CSV the time as the summary holds it (one value a cell, nothing cut).
 */
const seen = (iso?: string): Cell => (iso ? {text: iso.split('T')[0]!, raw: iso} : NONE)

type Row = Record<string, Cell>

export interface FleetRows {
  signatures: Row[]
  /** Which kernels each signature was seen on, a row a pair (CSV: one value per cell, no list). */
  signatureKernels: Row[]
  kernels: Row[]
  predictions: Row[]
  overflow: Row[]
  cpus: Row[]
  errors: Row[]
  anomalies: Row[]
  badCounters: Row[]
}

/** A record's keys in the rows' order: sorting keys, not a copy of the entries (a fleet of 10^6 kernels). */
function sortedKeys<T>(o: Record<string, T>, cmp: (a: T, b: T) => number): string[] {
  return Object.keys(o).sort((ka, kb) => cmp(o[ka]!, o[kb]!) || (ka < kb ? -1 : 1))
}

const numericKeys = (o: object): string[] => Object.keys(o).sort((a, b) => Number(a) - Number(b))

function signatureRow(sig: string, r: FleetSummary['signatures'][string]): Row {
  return {signature: sig, id: r.id, severity: r.severity, inputs: r.inputs, hosts: r.hosts.length, kernels: r.kernels.length, first: seen(r.firstSeen), last: seen(r.lastSeen), example: r.example}
}

const bySignature = (s: FleetSummary) => sortedKeys(s.signatures, (a, b) => b.inputs - a.inputs)

/**
 * Rows by kind, each at the severity --fail-on gives it (allocinfo/report.ts, as allocinfo, analyse
 * and batch grade it), the most severe first, then the most counted: the row says what tripped the gate.
 */
function* gradedKinds<R extends {count: number}>(rows: Record<string, R>, severity: (kind: string) => Severity, row: (kind: string, r: R) => Row): Generator<Row> {
  const rank = (kind: string) => SEVERITIES.indexOf(severity(kind))
  for (const kind of Object.keys(rows).sort((a, b) => rank(b) - rank(a) || rows[b]!.count - rows[a]!.count || (a < b ? -1 : 1))) yield {kind, severity: severity(kind), ...row(kind, rows[kind]!)}
}

/**
 * Each table's rows in their default order (most inputs first, then by name), made one at a time as
 * they are asked for: the HTML page writes a fleet of 10^6 kernels without a row object per kernel.
 */
export const FLEET_ROWS: {[K in keyof FleetRows]: (s: FleetSummary) => Iterable<Row>} = {
  signatures: function* (s) {
    for (const k of bySignature(s)) yield signatureRow(k, s.signatures[k]!)
  },
  signatureKernels: function* (s) {
    for (const k of bySignature(s)) for (const kernel of s.signatures[k]!.kernels) yield {signature: k, kernel}
  },
  kernels: function* (s) {
    for (const k of sortedKeys(s.kernels, (a, b) => b.inputs - a.inputs)) {
      const r = s.kernels[k]!
      // Boots per recorder, one column each (CSV: one value per cell).
      yield {kernel: k, inputs: r.inputs, boots: r.boots, findings: r.findings, per1000: perThousand(r.findings, r.boots), ...Object.fromEntries(RECORDERS.map((rec) => [`recorder:${rec}`, r.recorders[rec] ?? 0]))}
    }
  },
  // Boots by kernel and their prediction's severity, the most severe first: a row per pair.
  predictions: function* (s) {
    for (const k of Object.keys(s.kernels).sort()) {
      const by = s.kernels[k]!.predictionSeverities ?? {}
      for (const sev of [...SEVERITIES].reverse()) if (by[sev]) yield {kernel: k, severity: sev, boots: by[sev]}
    }
  },
  overflow: function* (s) {
    for (const host of sortedKeys(s.overflow, (a, b) => b.earlyPfns - a.earlyPfns)) {
      const r = s.overflow[host]!
      yield {host, severity: r.severity ?? NONE, kernel: r.kernel, cpus: r.cpus, earlyPfns: r.earlyPfns, legacyMax: r.legacyMax, example: r.example}
    }
  },
  // A row per CPU count and legacy array size: each host against its own limit (one value a cell).
  cpus: function* (s) {
    for (const c of numericKeys(s.cpus)) {
      const byLimit = s.cpus[c]!
      for (const max of numericKeys(byLimit)) {
        const r = byLimit[max]!
        yield {cpus: Number(c), legacyMax: Number(max), boots: r.boots, minEarlyPfns: r.minEarlyPfns, maxEarlyPfns: r.maxEarlyPfns, overflow: r.overflow}
      }
    }
  },
  errors: function* (s) {
    for (const reason of sortedKeys(s.errorReasons, (a, b) => b.count - a.count)) yield {reason, count: s.errorReasons[reason]!.count, example: s.errorReasons[reason]!.example}
  },
  anomalies: (s) => gradedKinds(s.anomalies ?? {}, (kind) => ANOMALY_SEVERITY[kind as keyof typeof ANOMALY_SEVERITY], (_, r) => ({dumps: r.dumps, count: r.count, example: r.example})),
  badCounters: (s) => gradedKinds(s.badCounters ?? {}, () => BAD_COUNTER_SEVERITY, (_, r) => ({boots: r.boots, count: r.count, example: r.example})),
}

/** Every table's rows, held (the text/table/csv/markdown report). */
export function fleetRows(s: FleetSummary): FleetRows {
  const rows = (k: keyof FleetRows) => [...FLEET_ROWS[k](s)]
  return {signatures: rows('signatures'), signatureKernels: rows('signatureKernels'), kernels: rows('kernels'), predictions: rows('predictions'), overflow: rows('overflow'), cpus: rows('cpus'), errors: rows('errors'), anomalies: rows('anomalies'), badCounters: rows('badCounters')}
}

/** A fleet table's column (the renderers' column shape, and what the HTML page reads). */
interface FleetColumn {
  key: string
  header: string
  align?: 'right'
  priority?: number
}

/** A gradedKinds table's columns: what holds one (`unit`, dumps or boots) and what is counted. */
function gradedKindColumns(unit: string, counted: string): FleetColumn[] {
  return [
    {key: 'kind', header: 'kind', priority: 0},
    {key: 'severity', header: 'severity', priority: 0},
    {key: unit, header: unit, align: 'right'},
    {key: 'count', header: counted, align: 'right', priority: 0},
    {key: 'example', header: 'example'},
  ]
}

export const COLUMNS: Record<keyof FleetRows, FleetColumn[]> = {
  signatures: [
    {key: 'signature', header: 'signature', priority: 0},
    {key: 'severity', header: 'severity'},
    {key: 'inputs', header: 'inputs', align: 'right' as const, priority: 0},
    {key: 'hosts', header: 'hosts', align: 'right' as const, priority: 0},
    {key: 'kernels', header: 'kernels', align: 'right' as const},
    {key: 'first', header: 'first seen'},
    {key: 'last', header: 'last seen'},
    {key: 'example', header: 'example'},
  ],
  signatureKernels: [
    {key: 'signature', header: 'signature', priority: 0},
    {key: 'kernel', header: 'kernel', priority: 0},
  ],
  kernels: [
    {key: 'kernel', header: 'kernel', priority: 0},
    {key: 'inputs', header: 'inputs', align: 'right' as const},
    {key: 'boots', header: 'boots', align: 'right' as const},
    {key: 'findings', header: 'findings', align: 'right' as const},
    {key: 'per1000', header: 'per 1000 boots', align: 'right' as const, priority: 0},
    // Boots by the recorder their kernel carries, named as analyse names it.
    ...RECORDERS.map((rec) => ({key: `recorder:${rec}`, header: rec, align: 'right' as const})),
  ],
  predictions: [
    {key: 'kernel', header: 'kernel', priority: 0},
    {key: 'severity', header: 'severity', priority: 0},
    {key: 'boots', header: 'boots', align: 'right' as const, priority: 0},
  ],
  overflow: [
    {key: 'host', header: 'host', priority: 0},
    {key: 'severity', header: 'severity', priority: 0},
    {key: 'kernel', header: 'kernel'},
    {key: 'cpus', header: 'CPUs', align: 'right' as const},
    {key: 'earlyPfns', header: 'early PFNs', align: 'right' as const, priority: 0},
    {key: 'legacyMax', header: 'legacy max', align: 'right' as const},
    {key: 'example', header: 'example'},
  ],
  cpus: [
    {key: 'cpus', header: 'CPUs', align: 'right' as const, priority: 0},
    {key: 'legacyMax', header: 'legacy max', align: 'right' as const, priority: 0},
    {key: 'boots', header: 'boots', align: 'right' as const},
    {key: 'minEarlyPfns', header: 'min early PFNs', align: 'right' as const},
    {key: 'maxEarlyPfns', header: 'max early PFNs', align: 'right' as const},
    {key: 'overflow', header: 'overflow', align: 'right' as const},
  ],
  errors: [
    {key: 'reason', header: 'reason', priority: 0},
    {key: 'count', header: 'inputs', align: 'right' as const, priority: 0},
    {key: 'example', header: 'example'},
  ],
  anomalies: gradedKindColumns('dumps', 'anomalies'),
  badCounters: gradedKindColumns('boots', 'counters'),
}

export const TITLES = {
  signatures: 'Findings by signature',
  signatureKernels: 'Kernels each signature was seen on',
  kernels: 'Kernels',
  predictions: 'Predictions by kernel and severity',
  overflow: 'Hosts predicted to overflow the legacy early-PFN array',
  cpus: 'Predicted early PFNs by possible CPUs and legacy array size',
  errors: 'Errors by reason',
  anomalies: 'Accounting anomalies in allocinfo dumps',
  badCounters: 'Impossible klab counters by line kind',
}

const EMPTY = {
  signatures: 'no findings',
  signatureKernels: 'no findings',
  kernels: 'no inputs',
  predictions: 'no prediction with a severity',
  overflow: 'no host predicted to overflow',
  cpus: 'no boot with a prediction',
  errors: 'no errors',
  anomalies: 'no anomaly',
  badCounters: 'no impossible klab counter',
}

/** No kernel row: no input at all, or every input an error record (counted among the Fleet block's inputs: not 'no inputs'). */
const emptyKernels = (s: FleetSummary): string => (s.inputs > 0 ? 'no readable inputs: every input is an error record (Errors by reason)' : EMPTY.kernels)

/** The count over every kind of a table by kind (absent when there is none: 0). */
const totalCount = (rows?: Record<string, {count: number}>): number => Object.values(rows ?? {}).reduce((n, r) => n + r.count, 0)

/** The fleet's head counts, in order: the report's `Fleet` block and the HTML page's list (one home). */
export function fleetFacts(s: FleetSummary): {key: string; value: number; note?: string}[] {
  return [
    {key: 'inputs', value: s.inputs},
    {key: 'boots', value: s.boots},
    {key: 'allocinfo dumps', value: s.allocinfos},
    {key: 'errors', value: s.errors},
    {key: 'signatures', value: Object.keys(s.signatures).length},
    {key: 'predicted to overflow', value: Object.keys(s.overflow).length, note: 'hosts'},
    // What --fail-on also gates on, at a glance: each has a table by kind below.
    {key: 'accounting anomalies', value: totalCount(s.anomalies), note: 'in the dumps, by kind below'},
    {key: 'impossible klab counters', value: totalCount(s.badCounters), note: 'by line kind below'},
  ]
}

export function fleetReport(s: FleetSummary): Report {
  const rows = fleetRows(s)
  const tables = (Object.keys(TITLES) as (keyof FleetRows)[]).map(
    (k): TableBlock => ({kind: 'table', title: TITLES[k], columns: COLUMNS[k], rows: rows[k], empty: k === 'kernels' ? emptyKernels(s) : EMPTY[k]}),
  )
  return {
    blocks: [
      {kind: 'kv', title: 'Fleet', rows: fleetFacts(s)},
      ...tables,
    ],
  }
}
