// Rows of `batch` (issue 18): they live in bench/batch.ts (files/s against shell loops, peak RSS).
import {benchBatch} from '../batch.js'
import type {BenchContext} from '../context.js'

export default async function batch(ctx: BenchContext): Promise<void> {
  ctx.rows.push(...benchBatch({runs: ctx.runs, quick: ctx.quick, env: ctx.env, log: (s) => ctx.log(s)}))
}
