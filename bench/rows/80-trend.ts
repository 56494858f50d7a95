// Rows of `record` / `trend` (issue 19): they live in bench/trend.ts.
import {BIN, type BenchContext, NODE} from '../context.js'
import {trendRows} from '../trend.js'

export default async function trend(ctx: BenchContext): Promise<void> {
  ctx.rows.push(...(await trendRows({runs: ctx.runs, node: NODE, bin: BIN, env: ctx.env})))
}
