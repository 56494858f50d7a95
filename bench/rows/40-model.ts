// The model end to end: predict --cpus 8192 (< 1 s) and a 64-point sweep (< 2 s).
import {spawnSync} from 'node:child_process'
import {REPO} from '../gen.js'
import {BIN, type BenchContext, both, NODE, ours} from '../context.js'

export default async function model(ctx: BenchContext): Promise<void> {
  const p1 = ctx.measure(ours('predict --cpus 8192', 'predict', '--cpus', '8192', '--json'))
  if (typeof p1 === 'string') ctx.unavailable('predict', 'predict --cpus 8192 (both recorders)', '< 1 s', p1)
  else ctx.rows.push({id: 'predict', what: 'predict --cpus 8192 (both recorders), end to end', ours: both(p1), anchor: 'goal 1 s', ratio: `${(p1.median / 1000).toFixed(2)} of goal`, goal: '< 1 s', status: p1.median < 1000 ? 'met' : 'NOT met'})
  const args = ['predict', '--sweep', '1..8192', '--points', '64', '--json']
  const sw = ctx.measure(ours('predict --sweep 1..8192 --points 64', ...args))
  if (typeof sw === 'string') return ctx.unavailable('sweep', 'predict 64-point sweep 1..8192', '< 2 s', sw)
  let points = '?'
  try {
    points = String(JSON.parse(spawnSync(NODE, [BIN, ...args], {cwd: REPO, env: ctx.env, maxBuffer: 256 * 1024 * 1024}).stdout.toString()).result.points.length)
  } catch {
    /* shape unknown: say '?' */
  }
  ctx.rows.push({id: 'sweep', what: `predict --sweep 1..8192, ${points} points, end to end`, ours: both(sw), anchor: 'goal 2 s', ratio: `${(sw.median / 2000).toFixed(2)} of goal`, goal: '< 2 s', status: sw.median < 2000 ? 'met' : 'NOT met'})
}
