// Predicted vs observed: the rules, as a table. Each row is an id, a title, an explanation, the
// severity of what it reports (one, or one per case it tells apart, stated in the row) and one
// evaluate(evidence) over the observed capture (boot-log analysis, allocinfo) and, when the model
// ran, its Expectation. The outcome carries the row's own id, title and severity; `diff --rules`
// lists the same rows. Adding a rule is adding a row.
import {POOL_TRACKING_FUNC} from '../analysis/built-recorder.js'
import {judgeCount, measuredDelta, MODEL_TOLERANCE} from '../model/tolerance.js'
import {byCount, plural} from '../render/units.js'
import type {AllocSite, Severity} from '../types.js'
import {num} from '../readers/count.js'
import {earlySitesFor} from './early-sites.js'
import {type Evidence, findings, fromFinding, klab, klabEvidence, type RuleContext, UNSET_TAG_CAUSES} from './rule-evidence.js'

export type {Evidence, RuleContext} from './rule-evidence.js'

/** fired: the rule found something; ok: checked, nothing found; n/a: inputs missing. */
export type RuleStatus = 'fired' | 'ok' | 'n/a'

type Data = Record<string, string | number | boolean | null>

/** What evaluate() says. A fired verdict of a rule whose severity varies names its case. */
export type Verdict<C extends string = string> =
  | {status: 'fired'; case?: C; message: string; cause?: string; disagreement?: boolean; evidence: Evidence[]; data?: Data}
  | {status: 'ok' | 'n/a'; message: string; evidence: Evidence[]; data?: Data}

/** When a rule's severity truly varies: each case, when it applies, and its severity. */
export type SeverityCases<C extends string> = Readonly<Record<C, {severity: Severity; when: string}>>

export interface Rule<Id extends string = string, C extends string = string> {
  id: Id
  title: string
  explanation: string
  /** Severity of a fired outcome: one, or one per case (evaluate names the case). Not fired: info. */
  severity: Severity | SeverityCases<C>
  evaluate: (ctx: RuleContext) => Verdict<C>[]
}

/** Checks a row's shape at compile time: its cases and its verdicts' cases are one set. */
function rule<const Id extends string, C extends string = never>(r: Rule<Id, C>): Rule<Id, C> {
  return r
}

export interface RuleOutcome {
  rule: RuleId
  /** The row's title. */
  title: string
  status: RuleStatus
  /** From the row: its severity (or its case's) when fired; info when ok or n/a. */
  severity: Severity
  /** The row's case that fired, when its severity varies. */
  case?: string
  /** One line: what was found. */
  message: string
  /** The cause, when the rule can tell it (e.g. why tags were unset). */
  cause?: string
  /** true when the model and the capture disagree. */
  disagreement?: boolean
  evidence: Evidence[]
  data?: Data
}

/**
 * A count the capture measured (klab) next to the model's prediction. One sign convention in
 * every diff: delta = measured − predicted (observed − predicted), rel = delta / measured.
 */
export interface CountRow {
  kind: string
  metric: string
  label: string
  predicted: number
  measured: number
  /** measured − predicted. */
  delta: number
  /** (measured − predicted) / measured; null when measured is 0. */
  rel: number | null
  /** null: shown, not judged (the model claims no fidelity for this metric). */
  withinTolerance: boolean | null
}

const na = (message: string): Verdict<never>[] => [{status: 'n/a', message, evidence: []}]

/** Per-metric predicted vs measured, for the counts rule and the reports. */
export function countRows(ctx: RuleContext): CountRow[] {
  if (!ctx.expected || !ctx.analysis) return []
  const rows: CountRow[] = []
  for (const c of ctx.expected.counts) {
    const k = klab(ctx, c.kind)
    // Judged against the model's doubles: a count beyond 2^53 is already far outside any tolerance.
    const exact = k?.values[c.metric]
    if (exact === undefined) continue
    const measured = num(exact)
    rows.push({
      kind: c.kind,
      metric: c.metric,
      label: c.label,
      predicted: c.predicted,
      measured,
      ...measuredDelta(c.predicted, measured),
      withinTolerance: judgeCount(c.metric, c.predicted, measured, (m) => (k?.values[m] === undefined ? undefined : num(k.values[m])), c.interval),
    })
  }
  return rows
}

const legacyOverflow = rule({
  id: 'legacy-overflow',
  title: 'legacy early-PFN array overflow',
  explanation:
    'The legacy recorder keeps at most EARLY_ALLOC_PFN_MAX (8192) early PFNs; past that it warns once and drops every further PFN, whose pages can later trip `alloc_tag was not set`. Compares the model (more than 8192 early PFNs predicted for this host) with the log (the overflow message).',
  severity: {
    'log-shows': {severity: 'error', when: 'the log shows the overflow (whatever the model predicts)'},
    'model-only': {severity: 'warning', when: 'the model predicts an overflow on a legacy (or unknown) kernel whose log shows none'},
    'other-recorder': {severity: 'notice', when: "a legacy kernel would overflow on this host, but this kernel's recorder is another"},
  },
  evaluate: (ctx) => {
    if (!ctx.analysis) return na('no boot log')
    const seen = findings(ctx, 'early-pfn-overflow')[0]
    const k = klab(ctx, 'early_pfn_legacy')
    const logSays = Boolean(seen) || (k?.values.dropped ?? 0) > 0
    const ev: Evidence[] = [...(seen ? [fromFinding(seen)] : []), ...(k ? [klabEvidence(k)] : [])]
    const e = ctx.expected
    const recorder = ctx.analysis.profiling.recorder
    const data = {logOverflow: logSays, ...(e ? {predictedEarlyPfns: e.earlyPfns, legacyMax: e.legacyMax, modelOverflow: e.legacyOverflow} : {})}
    if (e) ev.push({from: 'model', text: `${e.earlyPfns} early PFNs predicted (max ${e.legacyMax}, ${e.source})`})
    if (!e) {
      return logSays
        ? [{status: 'fired', case: 'log-shows', message: 'the log shows the legacy array overflow (no model to compare)', evidence: ev, data}]
        : [{status: 'ok', message: 'no overflow message in the log (no model to compare)', evidence: ev, data}]
    }
    if (logSays && e.legacyOverflow) {
      return [{status: 'fired', case: 'log-shows', message: `overflow: the log shows it and the model predicts ${e.earlyPfns} > ${e.legacyMax}`, evidence: ev, data}]
    }
    if (logSays) {
      return [{status: 'fired', case: 'log-shows', disagreement: true, message: `the log shows the overflow but the model predicts only ${e.earlyPfns} <= ${e.legacyMax} early PFNs`, evidence: ev, data}]
    }
    if (e.legacyOverflow) {
      // Only a legacy kernel can print the message: on another recorder the prediction is a
      // statement about what a legacy kernel would do on this host.
      return recorder === 'legacy' || recorder === 'unknown'
        ? [{status: 'fired', case: 'model-only', disagreement: true, message: `the model predicts ${e.earlyPfns} > ${e.legacyMax} early PFNs but the log has no overflow message`, evidence: ev, data}]
        : [{status: 'fired', case: 'other-recorder', message: `a legacy-array kernel would overflow on this host (${e.earlyPfns} > ${e.legacyMax} predicted); this kernel's recorder is ${recorder}`, evidence: ev, data}]
    }
    return [{status: 'ok', message: `no overflow: model predicts ${e.earlyPfns} <= ${e.legacyMax} and the log agrees`, evidence: ev, data}]
  },
})

const unsetTags = rule({
  id: 'unset-tags',
  title: '`alloc_tag was not set` warnings',
  explanation:
    'A DEBUG kernel warns (once) when it frees a page whose tag reference is empty: typically a page allocated before page_ext that no recorder cleared. Explained by an overflow (dropped PFNs), a kernel without early tracking, or a recorder failure; otherwise flagged as unexplained.',
  severity: {
    explained: {severity: 'warning', when: 'the capture shows why (overflow, recorder failure, no early tracking)'},
    unexplained: {severity: 'error', when: 'nothing in the capture explains it'},
  },
  evaluate: (ctx) => {
    if (!ctx.analysis) return na('no boot log')
    const fs = findings(ctx, 'alloc-tag-not-set')
    if (fs.length === 0) return [{status: 'ok', message: 'no `alloc_tag was not set` warning in the log', evidence: []}]
    const count = fs.reduce((s, f) => Math.max(s, f.count ?? 0), fs.length)
    for (const c of UNSET_TAG_CAUSES) {
      const why = c.applies(ctx)
      if (why) return [{status: 'fired', case: 'explained', message: `${count} \`alloc_tag was not set\` ${byCount(count, 'warning')}: ${c.id}`, cause: c.cause, evidence: [...fs.map(fromFinding), why], data: {count, cause: c.id}}]
    }
    return [
      {
        status: 'fired',
        case: 'unexplained',
        message: `${count} \`alloc_tag was not set\` ${byCount(count, 'warning')}: unexplained`,
        cause: 'unexplained: no overflow, no recorder failure, and the kernel records early PFNs (a recorder bug, or a page freed untagged for another reason)',
        evidence: fs.map(fromFinding),
        data: {count, cause: 'unexplained'},
      },
    ]
  },
})

type LeakCase = 'above-bound' | 'charged' | 'module-leak'

/** The tracking site's charged bytes against the bound (model's, else the klab pool count's). */
function trackingSiteVerdict(ctx: RuleContext): Verdict<LeakCase> | undefined {
  if (!ctx.allocinfo) return undefined
  const e = ctx.expected
  const sites: AllocSite[] = ctx.allocinfo.sites.filter((s) => s.func === POOL_TRACKING_FUNC)
  const bytes = sites.reduce((s, x) => s + x.bytes, 0n)
  const ev: Evidence[] = sites.map((s) => ({from: 'allocinfo', line: s.lines[0], text: `${s.bytes} ${s.calls} ${s.key}${s.accurate ? '' : ' accurate:no'}`}))
  // Without the model, the lab's klab pool count gives the bound: one page per pool page.
  const pools = klab(ctx, 'early_pfn')?.values.pools
  const bound = e ? e.leakBoundBytes : pools !== undefined ? num(pools) * 4096 : undefined
  const boundSrc = e ? `model: ${e.poolPages === undefined ? '? tracking pages' : plural(e.poolPages, 'tracking page')} × ${e.pageSize}` : pools !== undefined ? `klab: ${pools} pool ${byCount(num(pools), 'page')} × 4096` : undefined
  if (e) ev.push({from: 'model', text: `bound ${e.leakBoundBytes} bytes (${boundSrc})`})
  const data = {trackingBytes: Number(bytes), bound: bound ?? null}
  if (sites.length === 0) {
    const none = ctx.scope !== undefined ? `no tracking allocation site among the sites the filters keep (${ctx.scope})` : 'no tracking allocation site in allocinfo (kernel without the pfn_pool recorder)'
    return {status: 'n/a', message: none, evidence: [], data}
  }
  if (bytes === 0n) return {status: 'ok', message: `nothing left charged at the tracking site${bound !== undefined ? ` (bound ${bound} bytes)` : ''}`, evidence: ev, data}
  if (bound !== undefined && bytes > BigInt(bound)) {
    return {status: 'fired', case: 'above-bound', disagreement: Boolean(e), message: `${bytes} bytes charged at the tracking site, above the bound of ${bound} (${boundSrc})`, evidence: ev, data}
  }
  const within = bound !== undefined ? `, within the bound of ${bound} (${boundSrc})` : ''
  return {status: 'fired', case: 'charged', message: `${bytes} bytes still charged at the tracking site after boot${within}`, evidence: ev, data}
}

const leakedAccounting = rule({
  id: 'leaked-accounting',
  title: 'bytes left charged after boot',
  explanation:
    'A pfn_pool tracking page can be accounted and then have its tag reference overwritten with CODETAG_EMPTY, so its free never subtracts it: the bytes stay charged at the tracking allocation site (__alloc_tag_add_early_pfn), at most one page per tracking node. Also reports modules unloaded with bytes still allocated.',
  severity: {
    'above-bound': {severity: 'error', when: 'more bytes charged at the tracking site than the bound allows'},
    charged: {severity: 'warning', when: 'bytes charged at the tracking site, within the bound (or no bound known)'},
    'module-leak': {severity: 'warning', when: 'a module was unloaded with bytes still allocated'},
  } satisfies SeverityCases<LeakCase>,
  evaluate: (ctx) => {
    const site = trackingSiteVerdict(ctx)
    const out: Verdict<LeakCase>[] = site ? [site] : []
    for (const f of findings(ctx, 'module-unload-leak')) {
      out.push({status: 'fired', case: 'module-leak', message: f.title.replace(/has memory allocated/, `has ${f.data?.bytes ?? '?'} bytes allocated`), evidence: [fromFinding(f)], data: {...f.data}})
    }
    if (out.length === 0) return ctx.analysis ? [{status: 'ok', message: 'no module-unload leak in the log (no allocinfo)', evidence: []}] : na('no allocinfo and no boot log')
    return out
  },
})

const inaccurateCounters = rule({
  id: 'inaccurate-counters',
  title: '`accurate:no` sites',
  explanation:
    'Format 2.0 marks a tag ` accurate:no` when one of its pages was allocated before page_ext. Sites the model expects to allocate that early are normal; any other inaccurate site points at an allocation in the early window the model does not know of, or at a tag marked for another reason.',
  severity: 'warning',
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
    if (unexpected.length === 0) return [{status: 'ok', message: `${bad.length} accurate:no ${byCount(bad.length, 'site')}, all expected to allocate before page_ext`, evidence: ev(bad), data}]
    const funcs = [...new Set(unexpected.map((s) => s.func))].join(', ')
    return [
      {
        status: 'fired',
        // A disagreement with the model only when the model gave the list.
        disagreement: Boolean(e?.earlySites),
        message: `${unexpected.length} of ${bad.length} accurate:no ${byCount(bad.length, 'site')} not expected to allocate before page_ext: ${funcs}`,
        evidence: ev(unexpected),
        data,
      },
    ]
  },
})

const recorderFailure = rule({
  id: 'recorder-failure',
  title: 'pfn_pool tracking page allocation failed',
  explanation:
    'The pfn_pool recorder allocates its tracking pages with __GFP_HIGH; when that fails it warns once and the PFN is not recorded, so its page can later trip `alloc_tag was not set`.',
  severity: 'error',
  evaluate: (ctx) => {
    if (!ctx.analysis) return na('no boot log')
    const fs = findings(ctx, 'pool-alloc-failed')
    const k = klab(ctx, 'early_pfn')
    const fails = num(k?.values.alloc_fail ?? 0)
    if (fs.length === 0 && fails === 0) return [{status: 'ok', message: 'no tracking page allocation failure', evidence: k ? [klabEvidence(k)] : []}]
    return [
      {
        status: 'fired',
        message: `early PFN tracking page allocation failed${fails ? ` (${plural(fails, 'failure')} counted by klab)` : ''}: PFNs were dropped`,
        evidence: [...fs.map(fromFinding), ...(k ? [klabEvidence(k)] : [])],
        data: {messages: fs.length, allocFail: fails},
      },
    ]
  },
})

const pct = `${MODEL_TOLERANCE.rel * 100} %`
const counts = rule({
  id: 'counts',
  title: 'predicted vs measured counts',
  explanation: `Instrumented lab kernels print their true early counts (\`klab:\` lines). Each predicted metric is compared with the measurement (delta = measured − predicted, and relative to the measurement); when a PFN count is beyond the model's stated fidelity (${pct} or ${MODEL_TOLERANCE.abs} PFNs, whichever is larger; for dropped PFNs, ${pct} of the early count they are the remainder of) or the pools published are outside the interval \`predict --from\` states for them (⌈PFNs / PFN_POOL_SIZE⌉ at the ends of the early PFNs' interval), the rule fires. Page totals and race counts are shown, not judged.`,
  severity: 'warning',
  evaluate: (ctx) => {
    if (!ctx.analysis) return na('no boot log')
    if (ctx.analysis.klab.length === 0) return na('no klab: counts in the log (not an instrumented kernel)')
    if (!ctx.expected) return na('no model run to compare with the klab counts')
    const rows = countRows(ctx)
    if (rows.length === 0) return na(`the model predicts none of the metrics this kernel's klab lines measure (${ctx.analysis.klab.map((k) => k.kind).join(', ')})`)
    const off = rows.filter((r) => r.withinTolerance === false)
    const judged = rows.filter((r) => r.withinTolerance !== null)
    const fmt = (r: CountRow) => `${r.metric} ${r.predicted} vs ${r.measured}`
    const data = {outside: off.length, judged: judged.length, compared: rows.length}
    return [
      off.length
        ? {status: 'fired', disagreement: true, message: `${off.length} of ${plural(judged.length, 'judged count')} outside tolerance: ${off.map(fmt).join('; ')}`, evidence: [], data}
        : {status: 'ok', message: `${plural(judged.length, 'judged count')} within tolerance: ${judged.map(fmt).join('; ')}`, evidence: [], data},
    ]
  },
})

/** The rules, in the order they are evaluated and listed. */
export const RULES = [legacyOverflow, unsetTags, leakedAccounting, inaccurateCounters, recorderFailure, counts] as const
export type RuleId = (typeof RULES)[number]['id']

/** The severity a fired verdict of this row has: the row's own, or its case's. */
export function severityOf(r: Rule, v: Verdict): Severity {
  if (v.status !== 'fired') return 'info'
  if (typeof r.severity === 'string') return r.severity
  const c = v.case !== undefined ? r.severity[v.case] : undefined
  if (!c) throw new Error(`rule ${r.id}: a fired verdict without one of its cases (${Object.keys(r.severity).join(', ')})`)
  return c.severity
}

/** One row's outcomes, each with the row's id, title and severity. */
export function evaluateRule(id: RuleId, ctx: RuleContext): RuleOutcome[] {
  const r: Rule = RULES.find((x) => x.id === id)!
  return r.evaluate(ctx).map((v) => ({rule: id, title: r.title, ...v, severity: severityOf(r, v)}))
}

export interface RuleRun {
  outcomes: RuleOutcome[]
  counts: CountRow[]
}

export function runRules(ctx: RuleContext): RuleRun {
  return {outcomes: RULES.flatMap((r) => evaluateRule(r.id, ctx)), counts: countRows(ctx)}
}

/** Severities of the fired outcomes: what --fail-on gates on. */
export function firedSeverities(run: RuleRun): Severity[] {
  return run.outcomes.filter((o) => o.status === 'fired').map((o) => o.severity)
}
