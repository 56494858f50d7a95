// `allocinfo --top 10` on 20 000 sites against bare Node start-up (issue 17: ≤ 1.5× `node -e 0`),
// with the shell pipeline people use today as context.
import {type BenchContext, both, NODE, ours, ratios} from '../context.js'

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
  ctx.anchors.add('sort')
  const s = ctx.pair(top, {label: 'sort -g | tail | numfmt (20 000 sites)', cmd: ['bash', '-c', `sort -g '${file}' | tail | numfmt --to=iec`]})
  if (typeof s === 'string') return
  const [o, a] = s
  ctx.rows.push({id: 'allocinfo-sort', what: '(context) the same against the shell pipeline', ours: both(o), anchor: `\`sort -g | tail | numfmt\`: ${both(a)}`, ratio: ratios(a.median / o.median, o.cpu && a.cpu ? a.cpu.median / o.cpu.median : undefined, '× faster'), goal: 'informative', status: 'n/a'})
}
