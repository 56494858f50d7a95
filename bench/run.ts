// `npm run bench`: allocscope against anchors run in the same go on the same DERIVED input
// (bench/gen.ts), end to end on the built CLI (`node bin/run.js`), ours and anchor interleaved.
//   node --import tsx bench/run.ts [--quick] [--runs N] [--no-huge] [--only a,b] [--no-write]
// --quick: 10 MiB log, 3 runs, no 1 GiB log (a smoke run; RESULTS.md is written only by full runs).
// Rows come from bench/rows/*.ts, run in file-name order: a new row is a new file there
// (`export default async (ctx: BenchContext) => {...}`), nothing to register. --only takes file
// names without the number and extension (bootlog, allocinfo, startup, model, diff, rss, ...).
import {execFileSync} from 'node:child_process'
import {existsSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import {cpus, totalmem} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {BenchContext, type Row} from './context.js'
import {generate, REPO} from './gen.js'

const argv = process.argv.slice(2)
const flag = (n: string) => argv.includes(`--${n}`)
const opt = (n: string) => (argv.indexOf(`--${n}`) >= 0 ? argv[argv.indexOf(`--${n}`) + 1] : undefined)
const QUICK = flag('quick')
const RUNS = Number(opt('runs') ?? (QUICK ? 3 : 5))
const HUGE = !QUICK && !flag('no-huge')
const ONLY = opt('only')?.split(',')
// The CLI as a user runs it; no colour, no TTY: what a CI job sees.
const ENV = {...process.env, NO_COLOR: '1'}
delete (ENV as Record<string, string | undefined>).DEBUG

const ROWS_DIR = join(REPO, 'bench', 'rows')
const rowName = (file: string) => file.replace(/^\d+-/, '').replace(/\.ts$/, '')

/** A markdown table cell: pipes escaped, the repo path shortened. */
const cell = (s: string) => s.replaceAll(REPO + '/', '').replaceAll('|', '\\|')

function table(rows: Row[]): string {
  return [
    '| measurement | allocscope | anchor (same run) | ratio | goal | status |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${[r.what, r.ours, r.anchor, r.ratio, r.goal, `${r.status}${r.note ? ` — ${r.note}` : ''}`].map(cell).join(' | ')} |`),
  ].join('\n')
}

async function main(): Promise<void> {
  if (!existsSync(join(REPO, 'dist', 'commands'))) throw new Error('dist/ is missing: run `npm run build` first (the bench measures the built CLI)')
  const t0 = Date.now()
  const ctx = new BenchContext(generate({quick: QUICK, huge: HUGE}), RUNS, ENV, QUICK)
  ctx.log(`allocscope bench${QUICK ? ' (quick)' : ''}: ${RUNS} runs after 1 warm-up, min / median / max; ours and anchor interleaved`)
  ctx.log(`inputs (derived from the corpus captures by repetition) ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  const files = readdirSync(ROWS_DIR).filter((f) => /^\d+-.*\.ts$/.test(f)).sort()
  for (const f of files) {
    if (ONLY && !ONLY.includes(rowName(f))) continue
    ctx.log(`${rowName(f)} …`)
    const mod = (await import(pathToFileURL(join(ROWS_DIR, f)).href)) as {default: (c: BenchContext) => Promise<void>}
    await mod.default(ctx)
  }
  const t = table(ctx.rows)
  ctx.log('\n' + t + '\n')
  if (!QUICK && !flag('no-write') && !ONLY) writeResults(ctx, t)
}

function version(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, {encoding: 'utf8'}).split('\n')[0]!.trim()
  } catch {
    return 'not installed'
  }
}

const ANCHOR_VERSION: Record<string, string[]> = {dmesg: ['--version'], grep: ['--version'], sort: ['--version']}

function writeResults(ctx: BenchContext, t: string): void {
  const model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'))
  const anchors = [...ctx.anchors].map((a) => version(a, ANCHOR_VERSION[a] ?? ['--version']))
  const machine = [
    `- date: ${new Date().toISOString()}`,
    `- machine: ${version('nproc', [])} CPUs (${model}), ${(totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, ${version('uname', ['-sr'])}; load average at the end ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (shared with other jobs while measured: compare ratios, not absolute times)`,
    `- allocscope ${pkg.version} at commit ${process.env.BENCH_COMMIT ?? version('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'])} (built dist/, \`node bin/run.js\`), node ${process.version}`,
    `- anchors: ${anchors.join('; ')}; node -e 0`,
    `- ${ctx.runs} runs after 1 warm-up per measurement, ours and the anchor interleaved; times are the whole process (spawn to exit), CPU = user + sys (GNU time)`,
  ].join('\n')
  const notesPath = join(REPO, 'bench', 'NOTES.md')
  const notes = existsSync(notesPath) ? `\n${readFileSync(notesPath, 'utf8')}` : ''
  const md = `# Benchmark results (\`npm run bench\`)\n\nLatest full run; regenerate with \`npm run bench\`. Inputs are DERIVED from the real\ncaptures of the corpus (samples/, testdata/captures/) by repetition (bench/gen.ts). Each row's anchor ran in the same go, its runs\ninterleaved with ours; the exact commands are under "Each measurement".\n\n${machine}\n\n${t}\n\n## Each measurement\n\n${ctx.details.join('\n')}\n${notes}`
  writeFileSync(join(REPO, 'bench', 'RESULTS.md'), md)
  ctx.log(`wrote bench/RESULTS.md`)
}

await main()
