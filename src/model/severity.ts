// The severity of a prediction, one rule for `predict` on one host, a sweep and a fleet (README,
// "Severity"): PFNs the kernel's own recorder drops leave pages that trip `alloc_tag was not set`
// when freed, and only a DEBUG kernel prints that WARNING: `warning` on a DEBUG host, `notice` on
// another (the drop is real, nothing warns). A recorder the kernel does not carry is a what-if: its
// drops are a `notice` whatever the build (a legacy array that would overflow on a pool kernel
// warns nobody). A kernel without a recorder tags no early page: its early calls count as its own
// drops (each of their pages warns when freed on DEBUG), the runs are what-ifs. Recorder not known:
// both runs count as the kernel's. Nothing dropped: no severity. A host whose DEBUG was only
// inferred off (page_ext after SMP) is graded as its verdict is made, "most likely none"
// (analysis/built-recorder.ts, the rule analyse follows too): a notice, as without DEBUG.
import {type Recorder, type Severity, SEVERITIES} from '../types.js'
import type {Host} from './host.js'
import type {RuleOutcome} from '../diff/rules.js'
import type {MeasuredCheck} from './measured.js'
import type {Prediction, Sweep} from './predict.js'
import {overflowWhere} from './cpu-ranges.js'

function dropSeverity(debug: boolean, dropped: number): Severity | undefined {
  if (dropped <= 0) return undefined
  return debug ? 'warning' : 'notice'
}

/**
 * The drops of the recorder the kernel carries, and those of the what-ifs (the recorders it does
 * not); `untagged`: what a kernel without a recorder leaves untagged (all its early calls or pages).
 */
export function splitDrops(recorder: Recorder, legacy: number, pool: number, untagged: number): {own: number; whatIf: number} {
  if (recorder === 'unknown') return {own: legacy + pool, whatIf: 0}
  if (recorder === 'legacy') return {own: legacy, whatIf: pool}
  if (recorder === 'pool') return {own: pool, whatIf: legacy}
  return {own: untagged, whatIf: legacy + pool}
}

/** A severity and what gave it: the output says what tripped --fail-on (README, "Severity"). */
export interface Graded {
  severity: Severity
  why: string
}

function grade(debug: boolean, recorder: Recorder, drops: {legacy: number; pool: number; untagged: number}): Graded | undefined {
  const {own, whatIf} = splitDrops(recorder, drops.legacy, drops.pool, drops.untagged)
  const ownSeverity = dropSeverity(debug, own)
  const whose = recorder === 'unknown' ? "the recorders (the kernel's not known) drop" : `the kernel's ${recorder} recorder drops`
  const what = recorder === 'none' ? 'the kernel carries no early-PFN recorder: its early pages are never tagged' : `${whose} early PFNs`
  if (ownSeverity === 'warning') return {severity: ownSeverity, why: `${what}, and on a DEBUG kernel they warn "alloc_tag was not set" when freed`}
  if (ownSeverity === 'notice') return {severity: ownSeverity, why: `${what}; a kernel without MEM_ALLOC_PROFILING_DEBUG does not warn`}
  if (whatIf > 0) return {severity: 'notice', why: `only a recorder this kernel does not carry (a what-if) drops early PFNs: the kernel itself drops none`}
  return undefined
}

type PredictionDrops = Pick<Prediction, 'recorder' | 'legacy' | 'pool' | 'kernel'> & {host?: Pick<Host, 'debugInferred'>}

/**
 * One host: the PFNs its recorder drops or leaves untagged (warning on DEBUG), or a what-if
 * recorder's (notice). A DEBUG inferred off is said as the inference it is, as the verdict says it.
 */
export function predictionGrade(debug: boolean, p: PredictionDrops): Graded | undefined {
  const g = grade(debug, p.recorder, {legacy: p.legacy?.dropped ?? 0, pool: p.pool?.dropped ?? 0, untagged: Math.round(p.kernel?.leftUntaggedCalls.value ?? 0)})
  const inferred = debug ? undefined : p.host?.debugInferred
  return g && inferred ? {...g, why: `${g.why} (${inferred})`} : g
}

/** A row's optional severity field: absent stays absent (a fleet merge with the empty summary is the identity). */
export const severityField = <K extends string>(key: K, s?: Severity): {[k in K]?: Severity} => (s === undefined ? {} : ({[key]: s} as {[k in K]?: Severity}))

export const predictionSeverity = (debug: boolean, p: PredictionDrops): Severity | undefined => predictionGrade(debug, p)?.severity

/** A sweep drops PFNs where the legacy array overflows (without a recorder: at every count), said as the summary says it. */
export function sweepGrade(debug: boolean, recorder: Recorder, s: Pick<Sweep, 'overflows' | 'swept'>): Graded | undefined {
  const g = grade(debug, recorder, {legacy: s.overflows.length ? 1 : 0, pool: 0, untagged: 1})
  return g && s.overflows.length && recorder !== 'none' ? {...g, why: `the legacy array ${overflowWhere(s.overflows, s.swept)}: ${g.why}`} : g
}

const COUNT_WORDS: Record<MeasuredCheck['count'], string> = {calls: 'early PFNs', pages: 'early pages', pools: 'pools published'}

/**
 * A boot's measured counts (model/measured.ts): one outside its 90 % interval is a `warning`
 * (README "Severity": counts outside the model's tolerance), the why naming each; all inside, or
 * not judged (another host than the one measured): none.
 */
export function measuredGrade(checks: readonly MeasuredCheck[]): Graded | undefined {
  const out = checks.filter((c) => c.inside === false)
  if (out.length === 0) return undefined
  const each = out.map((c) => `${COUNT_WORDS[c.count]} measured ${c.measured}, predicted ${c.predicted.low}-${c.predicted.high}`)
  return {severity: 'warning', why: `the boot's counts lie outside the model's 90 % interval (${each.join('; ')}): the model misses this boot`}
}

/** The log's `alloc_tag was not set` warnings (measured.ts observedUnsetTags): the severity diff's unset-tags rule gives them. */
export const unsetTagsGrade = (o: RuleOutcome | undefined): Graded | undefined =>
  o && {severity: o.severity, why: `the log shows ${o.message.replace(/`/g, '"')} (diff's unset-tags rule)`}

/** The highest of several grades (what --fail-on sees), its why first; the others' whys follow it. */
export function worstGrade(grades: readonly (Graded | undefined)[]): Graded | undefined {
  const gs = grades.filter((g): g is Graded => g !== undefined).sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity))
  return gs.length ? {severity: gs[0].severity, why: gs.map((g) => g.why).join('; and ')} : undefined
}
