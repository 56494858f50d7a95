// RuleRun → Report blocks: the expectation the capture was held against, one row per rule outcome
// (fired rules first), their evidence, and the predicted-vs-measured counts.
import type {Block, Cell, Style} from '../render/report.js'
import type {Severity} from '../types.js'
import type {Expectation} from './expectation.js'
import type {RuleRun, RuleStatus} from './rules.js'

const SEV_STYLE: Record<Severity, Style | undefined> = {info: 'dim', notice: undefined, warning: 'warn', error: 'bad', critical: 'bad'}
const STATUS_ORDER: Record<RuleStatus, number> = {fired: 0, ok: 1, 'n/a': 2}

export function expectationBlock(e: Expectation | undefined, why?: string): Block {
  if (!e) return {kind: 'kv', title: 'Model', rows: [{key: 'model', value: {text: 'not run', style: 'warn'}, ...(why ? {note: why} : {})}]}
  return {
    kind: 'kv',
    title: 'Model',
    rows: [
      {key: 'source', value: e.source},
      {key: 'recorder', value: e.recorder},
      {key: 'early PFNs', value: e.earlyPfns, note: 'one per page allocation call before page_ext'},
      {key: 'legacy array', value: e.legacyOverflow ? {text: `overflows (${e.legacyDropped} dropped)`, style: 'bad'} : 'fits', note: `EARLY_ALLOC_PFN_MAX ${e.legacyMax}`},
      ...(e.poolPages !== undefined && (e.recorder === 'pool' || e.recorder === 'unknown') ? [{key: 'pfn_pool pages', value: e.poolPages}] : []),
      {key: 'leak bound', value: `${e.leakBoundBytes} bytes`, note: 'at most one page per tracking node'},
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
        {key: 'status', header: 'status', priority: 0},
        {key: 'message', header: 'finding', priority: 0},
      ],
      rows: outcomes.map((o) => ({
        rule: o.rule,
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
        {key: 'abs', header: 'abs err', align: 'right', priority: 0},
        {key: 'rel', header: 'rel err', align: 'right', priority: 0},
        {key: 'ok', header: 'within', priority: 1},
      ],
      rows: run.counts.map((c) => ({
        metric: `${c.kind}.${c.metric}`,
        predicted: c.predicted,
        measured: c.measured,
        abs: c.absError > 0 ? `+${c.absError}` : String(c.absError),
        rel: c.relError === null ? 'n/a' : `${c.relError >= 0 ? '+' : ''}${(c.relError * 100).toFixed(1)}%`,
        ok: c.withinTolerance === null ? {text: '-', style: 'dim'} : c.withinTolerance ? {text: 'yes', style: 'good'} : {text: 'no', style: 'bad'},
      })),
    })
  }
  return blocks
}
