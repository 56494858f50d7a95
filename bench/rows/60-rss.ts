// Memory: peak RSS analysing a 1 GiB log (< 200 MiB; the README promises < 100 MiB).
import {sizeMiB, REPO} from '../gen.js'
import {BIN, type BenchContext, NODE} from '../context.js'
import {fmtMs, peakRss} from '../harness.js'

export default async function rss(ctx: BenchContext): Promise<void> {
  const file = ctx.inputs.boot1G
  if (!file) return ctx.unavailable('rss', 'peak RSS, 1 GiB log', '< 200 MiB', ctx.quick ? 'skipped in --quick' : 'skipped (--no-huge)')
  const r = peakRss([NODE, BIN, 'analyse', '--json', file], {cwd: REPO, env: ctx.env})
  if ('error' in r) return ctx.unavailable('rss', 'peak RSS, 1 GiB log', '< 200 MiB', r.error)
  const mib = sizeMiB(file)
  ctx.details.push(`- peak RSS: \`/usr/bin/time -f %M node bin/run.js analyse --json ${file.replace(REPO + '/', '')}\` — ${r.mib.toFixed(0)} MiB, ${fmtMs(r.ms)} (1 run)`)
  ctx.rows.push({id: 'rss', what: `peak RSS, analyse --json of a ${mib.toFixed(0)} MiB log`, ours: `${r.mib.toFixed(0)} MiB (1 run, ${fmtMs(r.ms)}, ${(mib / (r.ms / 1000)).toFixed(1)} MiB/s)`, anchor: 'goal 200 MiB', ratio: `${(r.mib / 200).toFixed(2)} of goal`, goal: '< 200 MiB', status: r.mib < 200 ? 'met' : 'NOT met'})
  ctx.log(`  rss: ${r.mib.toFixed(0)} MiB peak on 1 GiB`)
}
