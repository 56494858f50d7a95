// The shape of what `fleet` reads, checked once where a value is read (read.ts) so that the fold
// never meets a missing field: a batch record (the fields fleet uses; others are ignored, so new
// optional fields keep batch-v1) and a whole fleet summary (every field: it is merged and printed
// as it is). Hand-written rather than zod: zod 4 costs ~100 ms to import (as much as oclif, measured
// on this machine), on every fleet run, for what is a few small checks here.
import {ANOMALY_SEVERITY} from '../allocinfo/report.js'
import {KLAB_KINDS, SEVERITIES, RECORDERS} from '../types.js'

/** What is wrong with a value: where in it (`findings[0].count`), what is there, what was expected. */
export interface Problem {
  at: string
  got: unknown
  expected: string
  /** A string where a fixed set of names is allowed (oneOf): likely a newer allocscope's name. */
  unknownName?: true
}

/**
 * Told each field of a value that no check of it names, by its path (`signatures[*].x`: a map's
 * keys and a list's items are `[*]`). Given for a fleet summary only: merge cannot keep a field
 * whose rule it does not know (read.ts UnknownFields); a batch record's others are ignored.
 */
export type Unknown = (at: string) => void

/** A check: undefined when the value fits. */
type Check = (v: unknown, unknown?: Unknown) => Problem | undefined

const fail = (got: unknown, expected: string): Problem => ({at: '', got, expected})
/** A path inside `at`, as a problem's and an unknown field's are written. */
const path = (at: string, p: string): string => (p === '' || p.startsWith('[') ? `${at}${p}` : `${at}.${p}`)
const within = (at: string, p: Problem | undefined): Problem | undefined => p && {...p, at: path(at, p.at)}
const under = (at: string, unknown?: Unknown): Unknown | undefined => unknown && ((p) => unknown(path(at, p)))
const test =
  (ok: (v: unknown) => boolean, expected: string): Check =>
  (v) =>
    ok(v) ? undefined : fail(v, expected)

const text = test((v) => typeof v === 'string', 'a string')
/** An ISO 8601 time as toISOString writes it (years past 9999 signed, `+011476-…`): merge orders them as times. */
const isoTime = test((v) => typeof v === 'string' && /^(\d{4}|[+-]\d{6})-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(v) && !Number.isNaN(Date.parse(v)), 'an ISO 8601 time (2026-12-05T16:00:00.000Z)')
const flag = test((v) => typeof v === 'boolean', 'true or false')
const count = test((v) => Number.isSafeInteger(v) && (v as number) >= 0, 'a whole number >= 0')
/** A count as readers keep it: a number, or a decimal string past 2^53. */
const bigCount = test((v) => (Number.isSafeInteger(v) && (v as number) >= 0) || (typeof v === 'string' && /^\d+$/.test(v)), 'a whole number >= 0 (or its decimal string)')
const oneOf =
  (xs: readonly string[]): Check =>
  (v) => {
    if (xs.includes(v as string)) return undefined
    const p = fail(v, `one of ${xs.join(', ')}`)
    return typeof v === 'string' ? {...p, unknownName: true} : p
  }
const optional =
  (c: Check): Check =>
  (v, unknown) =>
    v === undefined ? undefined : c(v, unknown)
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** An object with these fields (a field's check says whether it may be missing); other fields are ignored, or told to `unknown`. */
function object(fields: Record<string, Check>, expected: string): Check {
  return (v, unknown) => {
    if (!isObject(v)) return fail(v, expected)
    for (const k in fields) {
      const p = within(k, fields[k]!(v[k], under(k, unknown)))
      if (p) return p
    }
    if (unknown) for (const k in v) if (!Object.hasOwn(fields, k)) unknown(k)
    return undefined
  }
}

/** A list, each item checked. */
const list =
  (item: Check, expected: string): Check =>
  (v, unknown) => {
    if (!Array.isArray(v)) return fail(v, expected)
    for (let i = 0; i < v.length; i++) {
      const p = within(`[${i}]`, item(v[i], under('[*]', unknown)))
      if (p) return p
    }
    return undefined
  }

/** Strings in strictly increasing order: the summary's sets (merge takes their sorted union). */
const sortedSet: Check = (v) => {
  const p = list(text, 'a sorted list of strings')(v)
  if (p) return p
  const xs = v as string[]
  for (let i = 1; i < xs.length; i++) if (!(xs[i - 1]! < xs[i]!)) return within(`[${i}]`, fail(xs[i], `a sorted list of distinct strings (after ${JSON.stringify(xs[i - 1])})`))
  return undefined
}

/** An object used as a map: each value checked, and each key when `key` is given. */
const map =
  (value: Check, expected: string, key?: Check): Check =>
  (v, unknown) => {
    if (!isObject(v)) return fail(v, expected)
    for (const k in v) {
      const p = within(`[${JSON.stringify(k)}]`, key?.(k) ?? value(v[k], under('[*]', unknown)))
      if (p) return p
    }
    return undefined
  }

const severity = oneOf(SEVERITIES)
const finding = object({id: text, severity, title: text, signature: text, count}, 'a finding {id, severity, title, signature, count}')

/** A severity and why (model/severity.ts Graded): a prediction's. */
const graded = object({severity, why: text}, 'a severity {severity, why}')

/** A prediction, or the error that stood in its place. */
const prediction: Check = (v) =>
  isObject(v) && 'error' in v
    ? object({error: text}, '')(v)
    : object({earlyPfns: count, legacyMax: count, legacyOverflow: flag, severity: optional(graded)}, 'a prediction {earlyPfns, legacyMax, legacyOverflow, severity?} or {error}')(v)

/** Accounting anomalies by kind, keyed as the allocinfo reader names them (their severities: ANOMALY_SEVERITY). */
const anomalyKey = oneOf(Object.keys(ANOMALY_SEVERITY))
const anomalyCounts = map(count, 'anomalies by kind', anomalyKey)
const anomalyRow = object({dumps: count, count, example: text}, 'an anomaly row {dumps, count, example}')

/** A klab line as a record carries it: fleet counts its `bad` by the line's kind (the values it does not read). */
const klabKind = oneOf(KLAB_KINDS)
const badCounter = object({metric: text, digits: text}, 'an impossible counter {metric, digits, problem}')
const klabLine = object({kind: klabKind, bad: optional(list(badCounter, 'a list of impossible counters'))}, 'a klab line {kind, values, line, bad?}')
const badCounterRow = object({boots: count, count, example: text}, 'a bad counter row {boots, count, example}')

/** A batch record: the fields `fleet` reads (src/batch/schema.ts). */
export const batchRecord = object(
  {
    input: object({path: text, mtime: optional(isoTime)}, 'an input {path, mtime?}'),
    boot: optional(object({first: flag}, 'a boot {first, …}')),
    hostname: optional(text),
    host: optional(object({release: optional(object({value: text}, 'a fact {value}')), possibleCpus: optional(object({value: bigCount}, 'a fact {value}'))}, 'host facts')),
    profiling: optional(object({recorder: oneOf(RECORDERS)}, 'a profiling state {recorder, …}')),
    findings: optional(list(finding, 'a list of findings')),
    allocinfo: optional(object({anomalyCounts: optional(anomalyCounts)}, 'allocinfo totals')),
    klab: optional(list(klabLine, 'a list of klab lines')),
    prediction: optional(prediction),
    error: optional(object({reason: text}, 'an error {reason}')),
  },
  'a batch record',
)

const signatureFields = object(
  {id: text, severity, title: text, inputs: count, multiBootInputs: optional(sortedSet), occurrences: count, hosts: sortedSet, kernels: sortedSet, firstSeen: optional(isoTime), lastSeen: optional(isoTime), example: text},
  'a signature row',
)
const kernelFields = object(
  {inputs: count, multiBootInputs: optional(sortedSet), boots: count, findings: count, recorders: map(count, 'boots by recorder', oneOf(RECORDERS)), predictionSeverities: optional(map(count, 'boots by prediction severity', severity))},
  'a kernel row {inputs, multiBootInputs?, boots, findings, recorders, predictionSeverities?}',
)
/** A row whose inputs include its multi-boot inputs (merge subtracts them): a kernel's, a signature's. */
const withInputs =
  (fields: Check): Check =>
  (v, unknown) => {
    const r = v as {inputs: number; multiBootInputs?: string[]}
    const n = r?.multiBootInputs?.length ?? 0
    return fields(v, unknown) ?? (r.inputs < n ? within('inputs', fail(r.inputs, `at least the ${n} multiBootInputs`)) : undefined)
  }
const kernelRow = withInputs(kernelFields)
const signatureRow = withInputs(signatureFields)
const overflowRow = object({kernel: text, cpus: count, earlyPfns: count, legacyMax: count, example: text, severity: optional(severity)}, 'an overflow row {kernel, cpus, earlyPfns, legacyMax, example, severity?}')
const cpuRow = object({boots: count, minEarlyPfns: count, maxEarlyPfns: count, overflow: count}, 'a CPU row {boots, minEarlyPfns, maxEarlyPfns, overflow}')
const decimalKey = (what: string) => test((k) => /^(0|[1-9]\d*)$/.test(k as string), what)
const cpuRows = map(map(cpuRow, 'rows by legacy array size', decimalKey('a legacy array size')), 'rows by CPU count', decimalKey('a CPU count'))

/** A whole fleet summary (src/fleet/summary.ts). */
export const fleetSummary = object(
  {
    schema: text,
    inputs: count,
    boots: count,
    allocinfos: count,
    errors: count,
    signatures: map(signatureRow, 'signatures by name'),
    kernels: map(kernelRow, 'kernels by release'),
    overflow: map(overflowRow, 'overflow rows by host'),
    cpus: cpuRows,
    errorReasons: map(object({count, example: text}, 'an error row {count, example}'), 'errors by reason'),
    anomalies: optional(map(anomalyRow, 'anomaly rows by kind', anomalyKey)),
    badCounters: optional(map(badCounterRow, 'bad klab counter rows by kind', klabKind)),
  },
  'a fleet summary',
)

/** A problem as a message's middle: `findings[0].count: "3"; expected a whole number >= 0`. */
export function describeProblem(p: Problem): string {
  const json = p.got === undefined ? 'missing' : JSON.stringify(p.got)
  const got = json.length > 60 ? `${json.slice(0, 57)}...` : json
  return `${p.at === '' ? '' : `${p.at}: `}${got}; expected ${p.expected}`
}
