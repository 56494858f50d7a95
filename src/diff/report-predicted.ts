// CountDiff → Report: one row per metric both sides have, delta styled as growth/shrink.
import {type Block, type Cell, deltaCell} from '../render/report.js'
import type {CountDiff} from './predicted.js'

export function countDiffBlocks(d: CountDiff): Block[] {
  const judged = d.rows.some((r) => r.withinTolerance !== undefined)
  return [
    {
      kind: 'text',
      title: `counts: ${d.a.what} vs ${d.b.what}`,
      lines: [`a: ${d.a.source}${d.a.detail ? ` (${d.a.detail})` : ''}`, `b: ${d.b.source}${d.b.detail ? ` (${d.b.detail})` : ''}`],
    },
    {
      kind: 'table',
      columns: [
        {key: 'key', header: 'metric', priority: 0},
        {key: 'a', header: `a (${d.a.what})`, align: 'right', priority: 0},
        {key: 'b', header: `b (${d.b.what})`, align: 'right', priority: 0},
        {key: 'delta', header: 'delta', align: 'right', priority: 0},
        {key: 'rel', header: 'rel', align: 'right', priority: 0},
        ...(judged ? [{key: 'ok', header: 'within', priority: 1}] : []),
      ],
      rows: d.rows.map((r) => ({
        key: r.key,
        a: r.a,
        b: r.b,
        delta: deltaCell(r.delta),
        rel: r.rel === null ? 'n/a' : `${r.rel >= 0 ? '+' : ''}${(r.rel * 100).toFixed(1)}%`,
        ...(judged ? {ok: (r.withinTolerance === undefined ? {text: '-', style: 'dim'} : r.withinTolerance ? {text: 'yes', style: 'good'} : {text: 'no', style: 'bad'}) as Cell} : {}),
      })),
      empty: 'no metric in common (a capture without klab: lines measures nothing the model predicts)',
    },
  ]
}
