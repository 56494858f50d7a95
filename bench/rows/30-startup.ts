// Start-up: `--version` (no command loaded) and `allocinfo --help` (oclif loaded: the fallback path).
import {type BenchContext, both, NODE, ours, ratios} from '../context.js'

export default async function startup(ctx: BenchContext): Promise<void> {
  const node = {label: 'node -e 0', cmd: [NODE, '-e', '0']}
  const r = ctx.pair(ours('allocscope --version', '--version'), node)
  if (typeof r === 'string') return ctx.unavailable('startup', 'start-up', '≤ 2× node -e 0', r)
  const [o, a] = r
  const w = o.median / a.median
  ctx.rows.push({id: 'startup', what: 'start-up: `--version`', ours: both(o), anchor: `\`node -e 0\`: ${both(a)}`, ratio: ratios(w, o.cpu && a.cpu ? o.cpu.median / a.cpu.median : undefined), goal: '≤ 2× node -e 0', status: w <= 2 ? 'met' : 'NOT met'})
  const h = ctx.pair(ours('allocscope allocinfo --help', 'allocinfo', '--help'), node)
  if (typeof h === 'string') return
  const [ho, ha] = h
  ctx.rows.push({id: 'startup-oclif', what: '(context) oclif loaded: `allocinfo --help`', ours: both(ho), anchor: `\`node -e 0\`: ${both(ha)}`, ratio: ratios(ho.median / ha.median, ho.cpu && ha.cpu ? ho.cpu.median / ha.cpu.median : undefined), goal: 'informative', status: 'n/a'})
}
