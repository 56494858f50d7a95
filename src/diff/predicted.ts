// Counts vs counts: a prediction against a capture's klab measurements, or two predictions (two
// hosts, two profiles) against each other, in one table shape: metric, a, b, delta, relative.
import {InputError} from '../errors.js'
import type {Interval} from '../model/interval.js'
import type {Prediction} from '../model/predict.js'
import {type BootAnalysis, RECORDERS, type Recorder} from '../types.js'
import {num} from '../readers/count.js'
import {predictedCounts} from './model.js'
import {judgeCount, measuredDelta} from '../model/tolerance.js'

export interface CountSide {
  source: string
  what: 'predicted' | 'measured'
  /** `kind.metric` → value, in display order. */
  values: Map<string, number>
  labels: Map<string, string>
  /** e.g. the profile and window of a prediction. */
  detail?: string
  /** A prediction's intervals, for the metrics judged against one (model/tolerance.ts COUNT_CHECKS). */
  intervals?: Map<string, Interval>
}

export interface CountDiffRow {
  key: string
  label?: string
  a: number
  b: number
  /**
   * One sign convention in every diff (the same as the rules' counts): a prediction against a
   * measurement is measured − predicted, whichever side each is; two of a kind, b − a.
   */
  delta: number
  /** delta relative to the measurement (two of a kind: to a); null when that is 0. */
  rel: number | null
  /** Prediction vs measurement, judged metrics only (model/tolerance.ts COUNT_CHECKS): within the model's fidelity. */
  withinTolerance?: boolean
}

export interface CountDiff {
  a: {source: string; what: CountSide['what']; detail?: string}
  b: {source: string; what: CountSide['what']; detail?: string}
  rows: CountDiffRow[]
  /** Metrics only one side has (e.g. klab values the model does not predict). */
  onlyA: string[]
  onlyB: string[]
}

export function sideFromPrediction(p: Pick<Prediction, 'events' | 'pages' | 'pool' | 'legacy' | 'profile' | 'window' | 'calls' | 'poolSize'>, recorder: Recorder, source: string): CountSide {
  const values = new Map<string, number>()
  const labels = new Map<string, string>()
  const intervals = new Map<string, Interval>()
  for (const c of predictedCounts(p as Prediction, recorder)) {
    values.set(`${c.kind}.${c.metric}`, c.predicted)
    labels.set(`${c.kind}.${c.metric}`, c.label)
    if (c.interval) intervals.set(`${c.kind}.${c.metric}`, c.interval)
  }
  return {source, what: 'predicted', values, labels, intervals, detail: `profile ${p.profile}, ${p.window} window, recorder ${recorder}`}
}

export function sideFromAnalysis(a: BootAnalysis): CountSide {
  const values = new Map<string, number>()
  // Compared with the model's doubles (a count beyond 2^53 is far outside any tolerance anyway).
  for (const k of a.klab) for (const [m, v] of Object.entries(k.values)) values.set(`${k.kind}.${m}`, num(v))
  return {source: a.source, what: 'measured', values, labels: new Map(), detail: a.klab.length ? 'klab: lines of an instrumented kernel' : 'no klab: lines (not an instrumented kernel)'}
}

/** What diff reads of a `predict --json` document: the counts, and the recorder predict said the kernel carries. */
export type PredictionDoc = Pick<Prediction, 'events' | 'pages' | 'pool' | 'legacy' | 'profile' | 'window' | 'recorder' | 'calls' | 'poolSize'>

/** The result of `allocscope predict --json` for one host. */
export function predictionFromJson(text: string, source: string): PredictionDoc {
  let doc: {schema?: string; command?: string; result?: Record<string, unknown>}
  try {
    doc = JSON.parse(text) as typeof doc
  } catch (e) {
    throw new InputError(`${source}: not valid JSON (${(e as Error).message}); expected the output of \`allocscope predict --json\``, source)
  }
  const r = doc.result
  if (doc.command !== 'predict' || !r) throw new InputError(`${source}: an allocscope \`${doc.command ?? '?'}\` document; expected the output of \`allocscope predict --json\``, source)
  if (Array.isArray(r.points) || Array.isArray(r.rows)) throw new InputError(`${source}: a sweep or fleet prediction; expected \`allocscope predict --json\` for one host`, source)
  if (typeof r.events !== 'number' || typeof r.pages !== 'number') throw new InputError(`${source}: no events/pages in the prediction; expected \`allocscope predict --json\` for one host`, source)
  // The predicted pages are pagesInterval's value: a document written before `pages` was made the
  // same number held the replay's pages there (now replayedPages).
  const iv = r.pagesInterval as {value?: unknown} | undefined
  const pages = typeof iv?.value === 'number' ? iv.value : r.pages
  // The recorder predict stated first ("recorder"): a document without one (or with another word) says nothing.
  const recorder: Recorder = (RECORDERS as readonly unknown[]).includes(r.recorder) ? (r.recorder as Recorder) : 'unknown'
  return {...(r as unknown as PredictionDoc), pages, recorder}
}

export function diffCounts(a: CountSide, b: CountSide): CountDiff {
  const rows: CountDiffRow[] = []
  const judge = a.what !== b.what
  for (const [key, va] of a.values) {
    const vb = b.values.get(key)
    if (vb === undefined) continue
    // [reference, other]: a prediction vs a measurement takes the one sign (measuredDelta); two of
    // a kind, delta = b − a, rel = delta / a.
    const [ref, other] = judge && a.what === 'measured' ? [vb, va] : [va, vb]
    const d = judge ? measuredDelta(ref, other) : {delta: other - ref, rel: ref === 0 ? null : (other - ref) / ref}
    const label = a.labels.get(key) ?? b.labels.get(key)
    const row: CountDiffRow = {key, ...(label ? {label} : {}), a: va, b: vb, ...d}
    if (judge) {
      // The measured side's other counts of the same klab line (a remainder's total: tolerance.ts judgeCount).
      const kind = key.slice(0, key.indexOf('.'))
      const [measuredSide, predictedSide] = a.what === 'measured' ? [a, b] : [b, a]
      const ok = judgeCount(key.slice(kind.length + 1), ref, other, (m) => measuredSide.values.get(`${kind}.${m}`), predictedSide.intervals?.get(key))
      if (ok !== null) row.withinTolerance = ok
    }
    rows.push(row)
  }
  return {
    a: {source: a.source, what: a.what, ...(a.detail ? {detail: a.detail} : {})},
    b: {source: b.source, what: b.what, ...(b.detail ? {detail: b.detail} : {})},
    rows,
    onlyA: [...a.values.keys()].filter((k) => !b.values.has(k)),
    onlyB: [...b.values.keys()].filter((k) => !a.values.has(k)),
  }
}
