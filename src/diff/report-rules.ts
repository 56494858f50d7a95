// RuleRun → Report blocks: the expectation the capture was held against, one row per rule outcome
// (fired rules first), their evidence, and the predicted-vs-measured counts.
import {type Block, type Cell, deltaCell, type Style} from '../render/report.js'
import type {AllocInfo, BootAnalysis, Severity} from '../types.js'
import type {Expectation} from './expectation.js'
import {DELTA_NOTE, relText} from '../model/tolerance.js'
import {withinCell} from './report-predicted.js'
import {outsideWords, type ScopeSources} from '../allocinfo/scope.js'
import {RULES, type RuleRun, type RuleStatus} from './rules.js'

const SEV_STYLE: Record<Severity, Style | undefined> = {info: 'dim', notice: undefined, warning: 'warn', error: 'bad', critical: 'bad'}
const STATUS_ORDER: Record<RuleStatus, number> = {fired: 0, ok: 1, 'n/a': 2}

/** What was checked: the boot log, the allocinfo, the kernel and its recorder (with the reason). */
export function observedHeadBlock(analysis: BootAnalysis | undefined, allocinfo: AllocInfo | undefined, unused?: {path: string}, scope?: {words: string; outside: number; filter: ScopeSources}): Block {
  // A capture directory's dump not used (another boot's) is named, so '-' does not read as none.
  const dump = unused ? {value: {text: `${unused.path}: not used`, style: 'warn' as const}, note: "read after the log's last boot, not this one"} : {value: allocinfo?.source ?? '-'}
  return {
    kind: 'kv',
    title: 'Predicted vs observed',
    rows: [
      {key: 'boot log', value: analysis?.source ?? '-'},
      {key: 'allocinfo', ...dump},
      // The site filters: what the allocinfo-side rules judge, and whose anomalies are shown and gated on.
      ...(scope ? [{key: 'filter', value: scope.words, note: `the allocinfo-side rules and anomalies: the sites it keeps; ${outsideWords(scope.outside, scope.filter)}`}] : []),
      ...(analysis
        ? [
            {key: 'kernel', value: analysis.host.release?.value ?? 'unknown'},
            {key: 'recorder', value: analysis.profiling.recorder, note: analysis.profiling.recorderReason},
          ]
        : []),
    ],
  }
}

export function expectationBlock(e: Expectation | undefined, why?: string): Block {
  if (!e) return {kind: 'kv', title: 'Model', rows: [{key: 'model', value: {text: 'not run', style: 'warn'}, ...(why ? {note: why} : {})}]}
  return {
    kind: 'kv',
    title: 'Model',
    rows: [
      // One value per row (CSV): the profile and the window, not `source`'s sentence, when known.
      ...(e.profile !== undefined && e.window !== undefined ? [{key: 'profile', value: e.profile}, {key: 'page_ext window', value: e.window}] : [{key: 'source', value: e.source}]),
      {key: 'recorder', value: e.recorder},
      {key: 'early PFNs', value: e.earlyPfns, note: 'one per page allocation call before page_ext'},
      {key: 'legacy array', value: e.legacyOverflow ? {text: `overflows (${e.legacyDropped} dropped)`, style: 'bad', raw: 'overflows', extra: {dropped: e.legacyDropped}} : 'fits', note: `EARLY_ALLOC_PFN_MAX ${e.legacyMax}`},
      ...(e.poolPages !== undefined && (e.recorder === 'pool' || e.recorder === 'unknown') ? [{key: 'pfn_pool pages', value: e.poolPages}] : []),
      {key: 'leak bound', value: {text: `${e.leakBoundBytes} bytes`, raw: e.leakBoundBytes}, note: 'at most one page per tracking node'},
    ],
  }
}

export function ruleBlocks(run: RuleRun, opts: {evidence?: boolean} = {}): Block[] {
  const outcomes = [...run.outcomes].sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status])
  const blocks: Block[] = [
    {
      kind: 'table',
      title: 'Rules',
      columns: [
        {key: 'rule', header: 'rule', priority: 0},
        {key: 'title', header: 'title', priority: 2},
        {key: 'status', header: 'status', priority: 0},
        {key: 'message', header: 'finding', priority: 0},
      ],
      rows: outcomes.map((o) => ({
        rule: o.rule,
        title: o.title,
        // The severity rides with the status so that no width drops it.
        status: (o.status === 'fired' ? {text: `${o.severity}${o.disagreement ? '*' : ''}`, style: SEV_STYLE[o.severity]} : o.status) as Cell,
        message: o.message,
      })),
    },
  ]
  if (run.outcomes.some((o) => o.disagreement)) blocks.push({kind: 'text', lines: ['* the model and the capture disagree']})
  if (opts.evidence !== false) {
    const lines: string[] = []
    for (const o of outcomes) {
      if (o.status !== 'fired') continue
      if (o.cause) lines.push(`${o.rule}: cause: ${o.cause}`)
      for (const e of o.evidence.slice(0, 8)) lines.push(`${o.rule}: ${e.from}${e.line !== undefined ? `:${e.line}` : ''}: ${e.text}`)
      if (o.evidence.length > 8) lines.push(`${o.rule}: ... ${o.evidence.length - 8} more`)
    }
    if (lines.length) blocks.push({kind: 'text', title: 'Causes and evidence', lines})
  }
  if (run.counts.length) {
    blocks.push({
      kind: 'table',
      title: 'Predicted vs measured (klab)',
      columns: [
        {key: 'metric', header: 'metric', priority: 0},
        {key: 'predicted', header: 'predicted', align: 'right', priority: 0},
        {key: 'measured', header: 'measured', align: 'right', priority: 0},
        {key: 'delta', header: 'delta', align: 'right', priority: 0},
        {key: 'rel', header: 'rel', align: 'right', priority: 0},
        {key: 'ok', header: 'within', priority: 1},
      ],
      rows: run.counts.map((c) => ({
        metric: `${c.kind}.${c.metric}`,
        predicted: c.predicted,
        measured: c.measured,
        delta: deltaCell(c.delta),
        rel: relText(c.rel),
        ok: withinCell(c.withinTolerance),
      })),
    })
    blocks.push({kind: 'text', lines: [DELTA_NOTE]})
  }
  return blocks
}

/** `diff --rules` as JSON: the rows of the table, as they are. */
export function ruleList(): {rules: {id: string; title: string; severity: unknown; explanation: string}[]} {
  return {rules: RULES.map((r) => ({id: r.id, title: r.title, severity: r.severity, explanation: r.explanation}))}
}

/** `diff --rules`: one row per rule, then each rule's explanation and, when it varies, its severity per case. */
export function ruleListBlocks(): Block[] {
  const sev = (s: (typeof RULES)[number]['severity']): string => (typeof s === 'string' ? s : [...new Set(Object.values(s).map((c) => c.severity))].join('/'))
  return [
    {
      kind: 'table',
      title: 'Rules (src/diff/rules.ts)',
      columns: [
        {key: 'id', header: 'rule', priority: 0},
        {key: 'severity', header: 'severity when fired', priority: 0},
        {key: 'title', header: 'title', priority: 0},
      ],
      rows: RULES.map((r) => ({id: r.id, severity: sev(r.severity), title: r.title})),
    },
    ...RULES.map(
      (r): Block => ({
        kind: 'text',
        title: r.id,
        lines: [r.explanation, ...(typeof r.severity === 'string' ? [] : Object.entries(r.severity).map(([c, v]: [string, {severity: string; when: string}]) => `${v.severity} (${c}): ${v.when}`))],
      }),
    ),
  ]
}
