// The start-up goals counted in instructions (issue 17): one run each of the commands and floors
// under valgrind (cachegrind, no cache simulation), Node with --single-threaded so that the JIT
// compiler and the garbage collector run on the main thread and are counted with the rest. On this
// shared 2-core machine wall times move by ±30 % between runs an hour apart and a row flips between
// met and not met; an instruction count repeats within ~0.5 %. Context for the wall-time rows, which
// stay the goals' measure: it says which goals no Node program doing the job can meet here.
import {spawnSync} from 'node:child_process'
import {join} from 'node:path'
import {REPO} from '../gen.js'
import {BIN, type BenchContext, hasCmd, NODE} from '../context.js'

const floor = (name: string) => join(REPO, 'bench', 'floors', name)

interface Counted {
  label: string
  args: string[]
}

/** Instructions of one run of `node --single-threaded <args>`; a string says why there is none. */
function instructions(args: string[], env: NodeJS.ProcessEnv): number | string {
  const r = spawnSync('valgrind', ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null', NODE, '--single-threaded', ...args], {cwd: REPO, env, encoding: 'utf8', maxBuffer: 1 << 26})
  const m = /I\s+refs:\s+([\d,]+)/.exec(r.stderr)
  if (r.status !== 0 || m === null) return `valgrind ${args.join(' ')}: exit ${r.status}: ${r.stderr.trim().split('\n').pop()}`
  return Number(m[1]!.replaceAll(',', ''))
}

export default async function instructionRows(ctx: BenchContext): Promise<void> {
  const what = 'instructions, start-up goals (valgrind, node --single-threaded, 1 run each)'
  if (ctx.quick) return ctx.unavailable('instructions', what, 'context', 'not in a --quick run (each run takes 10-40 s under valgrind)')
  if (!hasCmd('valgrind')) return ctx.unavailable('instructions', what, 'context', 'valgrind not found: apt-get install valgrind')
  const {allocinfo, diffA, diffB} = ctx.inputs
  const runs: Counted[] = [
    {label: 'node -e 0', args: ['-e', '0']},
    {label: 'an empty ES module (bench/floors/empty.mjs)', args: [floor('empty.mjs')]},
    {label: 'floor: top 10 of 20 000 sites (bench/floors/top.cjs)', args: [floor('top.cjs'), allocinfo, '10']},
    {label: '`allocinfo --top 10`, 20 000 sites', args: [BIN, 'allocinfo', '--top', '10', allocinfo]},
    {label: 'floor: two 20 000-site files diffed (bench/floors/diff.cjs)', args: [floor('diff.cjs'), diffA, diffB]},
    {label: '`diff a b --json`, 20 000 sites each', args: [BIN, 'diff', diffA, diffB, '--json']},
  ]
  const counted: [string, number][] = []
  for (const c of runs) {
    const n = instructions(c.args, ctx.env)
    if (typeof n === 'string') return ctx.unavailable('instructions', what, 'context', n)
    counted.push([c.label, n])
    ctx.details.push(`- instructions: \`valgrind --tool=cachegrind --cache-sim=no node --single-threaded ${c.args.map((a) => a.replace(REPO + '/', '')).join(' ')}\` — ${(n / 1e9).toFixed(3)} G`)
  }
  const base = counted[0]![1]
  for (const [label, n] of counted.slice(1)) {
    const x = n / base
    ctx.rows.push({id: 'instructions', what: `(instructions) ${label}`, ours: `${(n / 1e9).toFixed(3)} G instructions`, anchor: `\`node -e 0\`: ${(base / 1e9).toFixed(3)} G`, ratio: `${x.toFixed(2)}×`, goal: 'context for: allocinfo ≤ 1.5×, diff ≤ 2× node -e 0', status: 'n/a'})
    ctx.log(`  instructions: ${label}: ${x.toFixed(2)}× node -e 0`)
  }
}
