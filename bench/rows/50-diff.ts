// Two 20 000-site allocinfo captures: `diff a b --json` end to end against bare Node start-up
// (issue 17: ≤ 2× `node -e 0`), and the diff function alone in-process (< 100 ms).
import {readFileSync} from 'node:fs'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {REPO} from '../gen.js'
import {type BenchContext, both, NODE, ours, ratios, spread} from '../context.js'
import {timeFn} from '../harness.js'

export default async function diff(ctx: BenchContext): Promise<void> {
  const {diffA, diffB} = ctx.inputs
  const r = ctx.pair(ours('diff a b --json (20 000 sites each)', 'diff', diffA, diffB, '--json'), {label: 'node -e 0', cmd: [NODE, '-e', '0']})
  if (typeof r === 'string') ctx.unavailable('diff-e2e', '`diff a b --json`, 20 000 sites each', '≤ 2× node -e 0', r)
  else {
    const [o, a] = r
    const w = o.median / a.median
    ctx.rows.push({id: 'diff-e2e', what: '`diff a b --json`, 20 000 sites each', ours: both(o), anchor: `\`node -e 0\`: ${both(a)}`, ratio: ratios(w, o.cpu && a.cpu ? o.cpu.median / a.cpu.median : undefined), goal: '≤ 2× node -e 0', status: w <= 2 ? 'met' : 'NOT met'})
    ctx.log(`  diff: ${w.toFixed(2)}× node -e 0`)
  }
  try {
    const {parseAllocInfoText} = await import(pathToFileURL(join(REPO, 'dist', 'readers', 'allocinfo.js')).href)
    const {diffAllocInfo} = await import(pathToFileURL(join(REPO, 'dist', 'diff', 'allocinfo.js')).href)
    const a = parseAllocInfoText(readFileSync(diffA, 'utf8'), diffA)
    const b = parseAllocInfoText(readFileSync(diffB, 'utf8'), diffB)
    const s = await timeFn(() => diffAllocInfo(a, b, {}), ctx.runs)
    ctx.details.push(`- diffAllocInfo (in-process, ${a.sites.length} vs ${b.sites.length} sites): ${spread(s)}`)
    ctx.rows.push({id: 'diff', what: `diffAllocInfo, ${a.sites.length} vs ${b.sites.length} sites (in-process, after start-up)`, ours: spread(s), anchor: 'goal 100 ms', ratio: `${(s.median / 100).toFixed(2)} of goal`, goal: '< 100 ms', status: s.median < 100 ? 'met' : 'NOT met'})
  } catch (e) {
    ctx.unavailable('diff', 'diffAllocInfo 20 000 sites', '< 100 ms', (e as Error).message.split('\n')[0]!)
  }
}
