// CountDiff → Report: one row per metric both sides have, delta styled as growth/shrink. The count
// columns (delta, rel, within) and their sign convention are shared with the rules' counts table.
// The one sign convention (model/tolerance.ts), said under every table that compares a prediction with a measurement.
import {DELTA_NOTE, relText} from '../model/tolerance.js'
import {type Block, type Cell, deltaCell} from '../render/report.js'
import type {CountDiff} from './predicted.js'

/** within the model's tolerance: yes / no, or '-' when the metric is shown but not judged. */
export const withinCell = (ok: boolean | null | undefined): Cell =>
  ok === null || ok === undefined ? {text: '-', style: 'dim'} : ok ? {text: 'yes', style: 'good'} : {text: 'no', style: 'bad'}

export function countDiffBlocks(d: CountDiff): Block[] {
  const judged = d.rows.some((r) => r.withinTolerance !== undefined)
  const mixed = d.a.what !== d.b.what
  return [
    {
      kind: 'text',
      title: `counts: ${d.a.what} vs ${d.b.what}`,
      lines: [
        `a: ${d.a.source}${d.a.detail ? ` (${d.a.detail})` : ''}`,
        `b: ${d.b.source}${d.b.detail ? ` (${d.b.detail})` : ''}`,
        mixed ? DELTA_NOTE : 'delta = b - a; rel = delta / a',
      ],
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
        rel: relText(r.rel),
        ...(judged ? {ok: withinCell(r.withinTolerance)} : {}),
      })),
      empty: 'no metric in common (a capture without klab: lines measures nothing the model predicts)',
    },
  ]
}
