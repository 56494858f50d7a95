// `allocinfo --top 10` on 20 000 sites against bare Node start-up (issue 17: ≤ 1.5× `node -e 0`),
// with the shell pipeline people use today as context, and the parse alone in-process (issue 17:
// "well under 30 ms"): the first call (cold, as a run pays it) and the calls after it.
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {REPO} from '../gen.js'
import {type BenchContext, both, NODE, ours, ratios, spread} from '../context.js'
import {timeFn} from '../harness.js'

/** Goal for parsing 20 000 lines in-process: "well under 30 ms" (issue 17). */
const PARSE_GOAL_MS = 30

async function parseRow(ctx: BenchContext, file: string): Promise<void> {
  const {parseAllocInfoText} = await import(pathToFileURL(join(REPO, 'dist', 'readers', 'allocinfo.js')).href)
  const text = readFileSync(file, 'utf8')
  // The first call in this process is the cold one (the bench process has not parsed allocinfo yet).
  const t0 = performance.now()
  const sites = parseAllocInfoText(text, file).sites.length
  const cold = performance.now() - t0
  const s = await timeFn(() => parseAllocInfoText(text, file), Math.max(ctx.runs, 10), 0)
  ctx.details.push(`- parseAllocInfoText (in-process, ${sites} sites): first call ${cold.toFixed(1)} ms; then ${spread(s)} (min / median / max of ${Math.max(ctx.runs, 10)})`)
  ctx.rows.push({id: 'allocinfo-parse', what: `parse ${sites} allocinfo lines in-process (first call; then min / median / max)`, ours: `${cold.toFixed(1)} ms; then ${spread(s)}`, anchor: `goal well under ${PARSE_GOAL_MS} ms`, ratio: `${(s.median / PARSE_GOAL_MS).toFixed(2)} of goal (median)`, goal: `< ${PARSE_GOAL_MS} ms`, status: s.median < PARSE_GOAL_MS ? 'met' : 'NOT met'})
}

export default async function allocinfo(ctx: BenchContext): Promise<void> {
  const file = ctx.inputs.allocinfo
  const top = ours('allocinfo --top 10 (20 000 sites)', 'allocinfo', '--top', '10', file)
  const r = ctx.pair(top, {label: 'node -e 0', cmd: [NODE, '-e', '0']})
  if (typeof r === 'string') ctx.unavailable('allocinfo', 'allocinfo top-10, 20 000 sites', '≤ 1.5× node -e 0', r)
  else {
    const [o, a] = r
    const w = o.median / a.median
    ctx.rows.push({id: 'allocinfo', what: '`allocinfo --top 10`, 20 000 sites', ours: both(o), anchor: `\`node -e 0\`: ${both(a)}`, ratio: ratios(w, o.cpu && a.cpu ? o.cpu.median / a.cpu.median : undefined), goal: '≤ 1.5× node -e 0', status: w <= 1.5 ? 'met' : 'NOT met'})
    ctx.log(`  allocinfo: ${w.toFixed(2)}× node -e 0`)
  }
  await parseRow(ctx, file)
  ctx.anchors.add('sort')
  const s = ctx.pair(top, {label: 'sort -g | tail | numfmt (20 000 sites)', cmd: ['bash', '-c', `sort -g '${file}' | tail | numfmt --to=iec`]})
  if (typeof s === 'string') return
  const [o, a] = s
  ctx.rows.push({id: 'allocinfo-sort', what: '(context) the same against the shell pipeline', ours: both(o), anchor: `\`sort -g | tail | numfmt\`: ${both(a)}`, ratio: ratios(a.median / o.median, o.cpu && a.cpu ? a.cpu.median / o.cpu.median : undefined, '× faster'), goal: 'informative', status: 'n/a'})
}
