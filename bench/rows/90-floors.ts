// Floors (issue 17): the least a Node program can do for each start-up and line-scan goal,
// measured in the same go as the goal's anchor. bench/floors/*.cjs are yardsticks, not allocscope
// code: no check, no finding, no table. When a floor is already past a goal, no Node tool doing the
// job can meet that goal on this machine; the row says so.
import {join} from 'node:path'
import {REPO, sizeMiB} from '../gen.js'
import {type BenchContext, both, NODE, ratios} from '../context.js'
import {keywords} from './10-bootlog.js'

const floor = (name: string) => join(REPO, 'bench', 'floors', name)
const NODE0 = {label: 'node -e 0', cmd: [NODE, '-e', '0']}

interface Floor {
  id: string
  what: string
  cmd: string[]
  anchor: {label: string; cmd: string[]}
  /** The goal the floor is context for. */
  goal: string
  /** The floor's time over the anchor's that the goal allows at most. */
  maxRatio: number
}

function floors(ctx: BenchContext, pattern: string): Floor[] {
  const {bootRaw, allocinfo, diffA, diffB} = ctx.inputs
  const mib = sizeMiB(bootRaw).toFixed(0)
  return [
    {id: 'floor-lines', what: `(floor) Node reads the ${mib} MiB log and counts its lines: no record, no fact`, cmd: [NODE, floor('lines.cjs'), bootRaw], anchor: {label: `grep -cE keywords (${mib} MiB)`, cmd: ['grep', '-cE', pattern, bootRaw]}, goal: 'analyse ≥ 0.5× grep', maxRatio: 2},
    {id: 'floor-records', what: `(floor) Node reads each record's time in the ${mib} MiB log and searches it for the key words, on both cores: no record, no boot, no fact`, cmd: [NODE, floor('records.cjs'), bootRaw, pattern], anchor: {label: `grep -cE keywords (${mib} MiB)`, cmd: ['grep', '-cE', pattern, bootRaw]}, goal: 'analyse ≥ 0.5× grep', maxRatio: 2},
    {id: 'floor-top', what: '(floor) Node sums bytes per key of 20 000 sites and prints the top 10: no check, no table', cmd: [NODE, floor('top.cjs'), allocinfo, '10'], anchor: NODE0, goal: 'allocinfo ≤ 1.5× node -e 0', maxRatio: 1.5},
    {id: 'floor-diff', what: '(floor) Node maps two 20 000-site files and prints the changed sites as JSON: no check, no total', cmd: [NODE, floor('diff.cjs'), diffA, diffB], anchor: NODE0, goal: 'diff ≤ 2× node -e 0', maxRatio: 2},
  ]
}

export default async function floorRows(ctx: BenchContext): Promise<void> {
  for (const f of floors(ctx, await keywords())) {
    const r = ctx.pair({label: f.id, cmd: f.cmd}, f.anchor)
    if (typeof r === 'string') {
      ctx.unavailable(f.id, f.what, f.goal, r)
      continue
    }
    const [o, a] = r
    const w = o.median / a.median
    const past = w > f.maxRatio
    const note = past ? `the floor alone takes ${w.toFixed(2)}× the anchor's time, past the goal's ${f.maxRatio}×: no Node tool doing the job meets it here` : `the floor leaves ${(f.maxRatio / w).toFixed(2)}× room for the work under the goal`
    ctx.rows.push({id: f.id, what: f.what, ours: both(o), anchor: `\`${f.anchor.label}\`: ${both(a)}`, ratio: ratios(w, o.cpu && a.cpu && a.cpu.median > 0 ? o.cpu.median / a.cpu.median : undefined), goal: `context for: ${f.goal}`, status: 'n/a', note})
    ctx.log(`  ${f.id}: ${w.toFixed(2)}× (${note})`)
  }
}
