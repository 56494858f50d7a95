// Predicted vs observed: the rules, as a table. Each row has an id, a default severity, what it
// checks and why it matters, and an evaluate function over the observed capture (boot-log
// analysis, allocinfo) and, when the model ran, its Expectation. Adding a rule is adding a row.
import type {AllocInfo, AllocSite, BootAnalysis, Finding, KlabCounts, Severity} from '../types.js'
import {recorderOfRelease} from '../analysis/releases.js'
import type {FindingKind} from '../analysis/detectors.js'
import {COUNT_CHECKS, judgeCount, MODEL_TOLERANCE} from '../model/tolerance.js'
import {earlySitesFor} from './early-sites.js'
import type {Expectation} from './expectation.js'

export interface RuleContext {
  analysis?: BootAnalysis
  allocinfo?: AllocInfo
  expected?: Expectation
}

export interface Evidence {
  from: 'log' | 'allocinfo' | 'model' | 'klab'
  line?: number
  text: string
}

/** fired: the rule found something; ok: checked, nothing found; n/a: inputs missing. */
export type RuleStatus = 'fired' | 'ok' | 'n/a'

export interface RuleOutcome {
  rule: string
  status: RuleStatus
  severity: Severity
  /** One line: what was found. */
  message: string
  /** The cause, when the rule can tell it (e.g. why tags were unset). */
  cause?: string
  /** true when the model and the capture disagree. */
  disagreement?: boolean
  evidence: Evidence[]
  data?: Record<string, string | number | boolean | null>
}

/** A count the capture measured (klab) next to the model's prediction. */
export interface CountRow {
  kind: string
  metric: string
  label: string
  predicted: number
  measured: number
  absError: number
  /** (predicted − measured) / measured; null when measured is 0. */
  relError: number | null
  /** null: shown, not judged (the model claims no fidelity for this metric). */
  withinTolerance: boolean | null
}

export interface Rule {
  id: string
  severity: Severity
  title: string
  explanation: string
  evaluate: (ctx: RuleContext) => Omit<RuleOutcome, 'rule'>[]
}

/** The tracking allocation site of the recorder: where its own pages are charged in allocinfo. */
export const TRACKING_FUNCS: readonly string[] = ['__alloc_tag_add_early_pfn']
const findings = (ctx: RuleContext, id: FindingKind): Finding[] => ctx.analysis?.findings.filter((f) => f.id === id) ?? []
const fromFinding = (f: Finding): Evidence => ({from: 'log', line: f.line, text: f.text})
const klab = (ctx: RuleContext, kind: KlabCounts['kind']): KlabCounts | undefined => ctx.analysis?.klab.find((k) => k.kind === kind)
const klabEvidence = (k: KlabCounts): Evidence => ({
  from: 'klab',
  line: k.line,
  text: `klab: ${k.kind} ${Object.entries(k.values)
    .map(([a, b]) => `${a}=${b}`)
    .join(' ')}`,
})
const na = (message: string, severity: Severity = 'info') => [{status: 'n/a' as const, severity, message, evidence: []}]

/** Per-metric predicted vs measured, for the counts rule and the reports. */
export function countRows(ctx: RuleContext): CountRow[] {
  if (!ctx.expected || !ctx.analysis) return []
  const rows: CountRow[] = []
  for (const c of ctx.expected.counts) {
    const k = klab(ctx, c.kind)
    const measured = k?.values[c.metric]
    if (measured === undefined) continue
    const absError = c.predicted - measured
    rows.push({
      kind: c.kind,
      metric: c.metric,
      label: c.label,
      predicted: c.predicted,
      measured,
      absError,
      relError: measured === 0 ? null : absError / measured,
      // A remainder (dropped = early count − array size) is judged against the count it came from.
      withinTolerance: judgeCount(c.metric, c.predicted, measured, COUNT_CHECKS[c.metric] === 'remainder' ? measured + (k?.values.recorded ?? 0) : measured),
    })
  }
  return rows
}

/** Causes of `alloc_tag was not set`, tried in order; the first that the capture supports wins. */
const UNSET_TAG_CAUSES: {id: string; cause: string; applies: (ctx: RuleContext) => Evidence | undefined}[] = [
  {
    id: 'overflow',
    cause: 'PFNs dropped after the legacy array filled (EARLY_ALLOC_PFN_MAX): their pages were freed untagged',
    applies: (ctx) => {
      const f = findings(ctx, 'early-pfn-overflow')[0]
      if (f) return fromFinding(f)
      const k = klab(ctx, 'early_pfn_legacy')
      return k && (k.values.dropped ?? 0) > 0 ? klabEvidence(k) : undefined
    },
  },
  {
    id: 'recorder-failure',
    cause: 'a PFN was dropped when the pfn_pool tracking page allocation failed',
    applies: (ctx) => {
      const f = findings(ctx, 'pool-alloc-failed')[0]
      if (f) return fromFinding(f)
      const k = klab(ctx, 'early_pfn')
      return k && (k.values.alloc_fail ?? 0) > 0 ? klabEvidence(k) : undefined
    },
  },
  {
    id: 'no-early-tracking',
    cause: 'kernel without early PFN tracking: pages allocated before page_ext were never recorded',
    applies: (ctx) => {
      // The lab's klab line is the measurement: a recorder that recorded nothing while early
      // allocations happened is a kernel whose tracking is absent or disabled.
      for (const kind of ['early_pfn', 'early_pfn_legacy'] as const) {
        const k = klab(ctx, kind)
        if (k && k.values.recorded === 0 && (k.values.untagged_calls ?? 0) > 0) return klabEvidence(k)
      }
      // Said by the user (--recorder none) or by the model; the analyser's own guess is not used
      // here because it is itself inferred from the `alloc_tag was not set` warning.
      const p = ctx.analysis?.profiling
      if (p?.recorder === 'none' && /--recorder/.test(p.recorderReason)) return {from: 'log', text: `recorder: none (${p.recorderReason})`}
      if (ctx.expected?.recorder === 'none') return {from: 'model', text: `model: recorder none (${ctx.expected.source})`}
      // Only a release that certainly predates every recorder explains it (not a likely guess).
      const rel = ctx.analysis?.host.release
      const pre = rel && recorderOfRelease(rel.value)
      if (rel && pre?.certain && pre.recorder === 'none') return {from: 'log', line: rel.line, text: `Linux version ${rel.value}: ${pre.why}`}
      return undefined
    },
  },
]

export const RULES: readonly Rule[] = [
  {
    id: 'legacy-overflow',
    severity: 'error',
    title: 'legacy early-PFN array overflow',
    explanation:
      'The legacy recorder keeps at most EARLY_ALLOC_PFN_MAX (8192) early PFNs; past that it warns once and drops every further PFN, whose pages can later trip `alloc_tag was not set`. Compares the model (more than 8192 early PFNs predicted for this host) with the log (the overflow message).',
    evaluate: (ctx) => {
      if (!ctx.analysis) return na('no boot log')
      const seen = findings(ctx, 'early-pfn-overflow')[0]
      const k = klab(ctx, 'early_pfn_legacy')
      const dropped = k?.values.dropped
      const logSays = Boolean(seen) || (dropped ?? 0) > 0
      const ev: Evidence[] = [...(seen ? [fromFinding(seen)] : []), ...(k ? [klabEvidence(k)] : [])]
      const e = ctx.expected
      const recorder = ctx.analysis.profiling.recorder
      const data = {logOverflow: logSays, ...(e ? {predictedEarlyPfns: e.earlyPfns, legacyMax: e.legacyMax, modelOverflow: e.legacyOverflow} : {})}
      if (e) ev.push({from: 'model', text: `${e.earlyPfns} early PFNs predicted (max ${e.legacyMax}, ${e.source})`})
      if (!e) {
        return logSays
          ? [{status: 'fired', severity: 'error', message: 'the log shows the legacy array overflow (no model to compare)', evidence: ev, data}]
          : [{status: 'ok', severity: 'info', message: 'no overflow message in the log (no model to compare)', evidence: ev, data}]
      }
      if (logSays && e.legacyOverflow) {
        return [{status: 'fired', severity: 'error', message: `overflow: the log shows it and the model predicts ${e.earlyPfns} > ${e.legacyMax}`, evidence: ev, data}]
      }
      if (logSays) {
        return [{status: 'fired', severity: 'error', disagreement: true, message: `the log shows the overflow but the model predicts only ${e.earlyPfns} <= ${e.legacyMax} early PFNs`, evidence: ev, data}]
      }
      if (e.legacyOverflow) {
        // Only a legacy kernel can print the message: on another recorder the prediction is a
        // statement about what a legacy kernel would do on this host.
        return recorder === 'legacy' || recorder === 'unknown'
          ? [{status: 'fired', severity: 'warning', disagreement: true, message: `the model predicts ${e.earlyPfns} > ${e.legacyMax} early PFNs but the log has no overflow message`, evidence: ev, data}]
          : [{status: 'fired', severity: 'notice', message: `a legacy-array kernel would overflow on this host (${e.earlyPfns} > ${e.legacyMax} predicted); this kernel's recorder is ${recorder}`, evidence: ev, data}]
      }
      return [{status: 'ok', severity: 'info', message: `no overflow: model predicts ${e.earlyPfns} <= ${e.legacyMax} and the log agrees`, evidence: ev, data}]
    },
  },
  {
    id: 'unset-tags',
    severity: 'warning',
    title: '`alloc_tag was not set` warnings',
    explanation:
      'A DEBUG kernel warns (once) when it frees a page whose tag reference is empty: typically a page allocated before page_ext that no recorder cleared. Explained by an overflow (dropped PFNs), a kernel without early tracking, or a recorder failure; otherwise flagged as unexplained.',
    evaluate: (ctx) => {
      if (!ctx.analysis) return na('no boot log')
      const fs = findings(ctx, 'alloc-tag-not-set')
      if (fs.length === 0) return [{status: 'ok', severity: 'info', message: 'no `alloc_tag was not set` warning in the log', evidence: []}]
      const count = fs.reduce((s, f) => Math.max(s, f.count ?? 0), fs.length)
      for (const c of UNSET_TAG_CAUSES) {
        const why = c.applies(ctx)
        if (why) {
          return [{status: 'fired', severity: 'warning', message: `${count} \`alloc_tag was not set\` warning(s): ${c.id}`, cause: c.cause, evidence: [...fs.map(fromFinding), why], data: {count, cause: c.id}}]
        }
      }
      return [
        {
          status: 'fired',
          severity: 'error',
          message: `${count} \`alloc_tag was not set\` warning(s): unexplained`,
          cause: 'unexplained: no overflow, no recorder failure, and the kernel records early PFNs (a recorder bug, or a page freed untagged for another reason)',
          evidence: fs.map(fromFinding),
          data: {count, cause: 'unexplained'},
        },
      ]
    },
  },
  {
    id: 'leaked-accounting',
    severity: 'warning',
    title: 'bytes left charged after boot',
    explanation:
      'A pfn_pool tracking page can be accounted and then have its tag reference overwritten with CODETAG_EMPTY, so its free never subtracts it: the bytes stay charged at the tracking allocation site (__alloc_tag_add_early_pfn), at most one page per tracking node. Also reports modules unloaded with bytes still allocated.',
    evaluate: (ctx) => {
      const out: Omit<RuleOutcome, 'rule'>[] = []
      const e = ctx.expected
      if (ctx.allocinfo) {
        const sites: AllocSite[] = ctx.allocinfo.sites.filter((s) => TRACKING_FUNCS.includes(s.func))
        const bytes = sites.reduce((s, x) => s + x.bytes, 0n)
        const ev: Evidence[] = sites.map((s) => ({from: 'allocinfo', line: s.lines[0], text: `${s.bytes} ${s.calls} ${s.key}${s.accurate ? '' : ' accurate:no'}`}))
        // Without the model, the lab's klab pool count gives the bound: one page per pool page.
        const pools = klab(ctx, 'early_pfn')?.values.pools
        const bound = e ? e.leakBoundBytes : pools !== undefined ? pools * 4096 : undefined
        const boundSrc = e ? `model: ${e.poolPages ?? '?'} tracking page(s) × ${e.pageSize}` : pools !== undefined ? `klab: ${pools} pool page(s) × 4096` : undefined
        if (e) ev.push({from: 'model', text: `bound ${e.leakBoundBytes} bytes (${boundSrc})`})
        const data = {trackingBytes: Number(bytes), bound: bound ?? null}
        if (sites.length === 0) out.push({status: 'n/a', severity: 'info', message: 'no tracking allocation site in allocinfo (kernel without the pfn_pool recorder)', evidence: [], data})
        else if (bytes === 0n) out.push({status: 'ok', severity: 'info', message: `nothing left charged at the tracking site${bound !== undefined ? ` (bound ${bound} bytes)` : ''}`, evidence: ev, data})
        else if (bound !== undefined && bytes > BigInt(bound))
          out.push({status: 'fired', severity: 'error', disagreement: Boolean(e), message: `${bytes} bytes charged at the tracking site, above the bound of ${bound} (${boundSrc})`, evidence: ev, data})
        else
          out.push({
            status: 'fired',
            severity: 'warning',
            message: `${bytes} bytes still charged at the tracking site after boot${bound !== undefined ? `, within the bound of ${bound} (${boundSrc})` : ''}`,
            evidence: ev,
            data,
          })
      }
      for (const f of findings(ctx, 'module-unload-leak')) {
        out.push({status: 'fired', severity: 'warning', message: f.title.replace(/has memory allocated/, `has ${f.data?.bytes ?? '?'} bytes allocated`), evidence: [fromFinding(f)], data: {...f.data}})
      }
      if (out.length === 0) return ctx.analysis ? [{status: 'ok', severity: 'info', message: 'no module-unload leak in the log (no allocinfo)', evidence: []}] : na('no allocinfo and no boot log')
      return out
    },
  },
  {
    id: 'inaccurate-counters',
    severity: 'notice',
    title: '`accurate:no` sites',
    explanation:
      'Format 2.0 marks a tag ` accurate:no` when one of its pages was allocated before page_ext. Sites the model expects to allocate that early are normal; any other inaccurate site points at an allocation in the early window the model does not know of, or at a tag marked for another reason.',
    evaluate: (ctx) => {
      const ai = ctx.allocinfo
      if (!ai) return na('no allocinfo')
      if (ai.version !== '2.0' && !ai.sites.some((s) => !s.accurate)) return na(`allocinfo format ${ai.version} has no accurate:no marks`)
      const e = ctx.expected
      const table = earlySitesFor(ctx.analysis?.host.pageExtWindow?.value)
      const expected = new Set(e?.earlySites ?? table.funcs)
      const source = e?.earlySites ? (e.earlySitesSource ?? e.source) : `built-in ${table.window} table: ${table.provenance}`
      const bad = ai.sites.filter((s) => !s.accurate)
      const unexpected = bad.filter((s) => !expected.has(s.func))
      const ev = (ss: AllocSite[]): Evidence[] => ss.map((s) => ({from: 'allocinfo', line: s.lines[0], text: `${s.bytes} ${s.calls} ${s.key} accurate:no`}))
      const data = {inaccurate: bad.length, unexpected: unexpected.length, expectedFrom: source}
      if (unexpected.length) {
        return [
          {
            status: 'fired',
            severity: 'warning',
            // A disagreement with the model only when the model gave the list.
            disagreement: Boolean(e?.earlySites),
            message: `${unexpected.length} of ${bad.length} accurate:no site(s) not expected to allocate before page_ext: ${[...new Set(unexpected.map((s) => s.func))].join(', ')}`,
            evidence: ev(unexpected),
            data,
          },
        ]
      }
      return [{status: 'ok', severity: 'info', message: `${bad.length} accurate:no site(s), all expected to allocate before page_ext`, evidence: ev(bad), data}]
    },
  },
  {
    id: 'recorder-failure',
    severity: 'error',
    title: 'pfn_pool tracking page allocation failed',
    explanation:
      'The pfn_pool recorder allocates its tracking pages with __GFP_HIGH; when that fails it warns once and the PFN is not recorded, so its page can later trip `alloc_tag was not set`.',
    evaluate: (ctx) => {
      if (!ctx.analysis) return na('no boot log')
      const fs = findings(ctx, 'pool-alloc-failed')
      const k = klab(ctx, 'early_pfn')
      const fails = k?.values.alloc_fail ?? 0
      if (fs.length === 0 && fails === 0) return [{status: 'ok', severity: 'info', message: 'no tracking page allocation failure', evidence: k ? [klabEvidence(k)] : []}]
      return [
        {
          status: 'fired',
          severity: 'error',
          message: `early PFN tracking page allocation failed${fails ? ` (${fails} failure(s) counted by klab)` : ''}: PFNs were dropped`,
          evidence: [...fs.map(fromFinding), ...(k ? [klabEvidence(k)] : [])],
          data: {messages: fs.length, allocFail: fails},
        },
      ]
    },
  },
  {
    id: 'counts',
    severity: 'notice',
    title: 'predicted vs measured counts',
    explanation:
      `Instrumented lab kernels print their true early counts (\`klab:\` lines). Each predicted metric is compared with the measurement, absolute and relative error; when a PFN count is beyond the model's stated fidelity (${MODEL_TOLERANCE.rel * 100} % or ${MODEL_TOLERANCE.abs} PFNs, whichever is larger; for dropped PFNs, ${MODEL_TOLERANCE.rel * 100} % of the early count they are the remainder of) or the pool page count is not exact, the rule fires. Page totals and race counts are shown, not judged.`,
    evaluate: (ctx) => {
      if (!ctx.analysis) return na('no boot log')
      if (ctx.analysis.klab.length === 0) return na('no klab: counts in the log (not an instrumented kernel)')
      if (!ctx.expected) return na('no model run to compare with the klab counts')
      const rows = countRows(ctx)
      if (rows.length === 0) return na(`the model predicts none of the metrics this kernel's klab lines measure (${ctx.analysis.klab.map((k) => k.kind).join(', ')})`)
      const off = rows.filter((r) => r.withinTolerance === false)
      const judged = rows.filter((r) => r.withinTolerance !== null)
      const fmt = (r: CountRow) => `${r.metric} ${r.predicted} vs ${r.measured}`
      return [
        off.length
          ? {status: 'fired', severity: 'warning', disagreement: true, message: `${off.length} of ${judged.length} judged count(s) outside tolerance: ${off.map(fmt).join('; ')}`, evidence: [], data: {outside: off.length, judged: judged.length, compared: rows.length}}
          : {status: 'ok', severity: 'info', message: `${judged.length} judged count(s) within tolerance: ${judged.map(fmt).join('; ')}`, evidence: [], data: {outside: 0, judged: judged.length, compared: rows.length}},
      ]
    },
  },
]

export interface RuleRun {
  outcomes: RuleOutcome[]
  counts: CountRow[]
}

export function runRules(ctx: RuleContext, rules: readonly Rule[] = RULES): RuleRun {
  const outcomes: RuleOutcome[] = []
  for (const r of rules) for (const o of r.evaluate(ctx)) outcomes.push({rule: r.id, ...o})
  return {outcomes, counts: countRows(ctx)}
}

/** Severities of the fired outcomes: what --fail-on gates on. */
export function firedSeverities(run: RuleRun): Severity[] {
  return run.outcomes.filter((o) => o.status === 'fired').map((o) => o.severity)
}
