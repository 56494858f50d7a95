// `npm run bench`: allocscope against the tools people use today, each ratio measured in the same
// run on the same DERIVED input (bench/gen.ts), end to end on the built CLI (`node bin/run.js`).
//   node --import tsx bench/run.ts [--quick] [--runs N] [--no-huge] [--only a,b] [--no-write]
// --quick: 10 MiB log, 3 runs, no 1 GiB log (a smoke run; RESULTS.md is written only by full runs).
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import {cpus, totalmem} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {benchBatch} from './batch.js'
import {generate, REPO, sizeMiB} from './gen.js'
import {CommandFailed, fmtMs, type Measured, measure, measurePair, peakRss, type Stats, timeFn} from './harness.js'

const argv = process.argv.slice(2)
const flag = (n: string) => argv.includes(`--${n}`)
const opt = (n: string) => (argv.indexOf(`--${n}`) >= 0 ? argv[argv.indexOf(`--${n}`) + 1] : undefined)
const QUICK = flag('quick')
const RUNS = Number(opt('runs') ?? (QUICK ? 3 : 5))
const HUGE = !QUICK && !flag('no-huge')
const ONLY = opt('only')?.split(',')
const BIN = join(REPO, 'bin', 'run.js')
const NODE = process.execPath
// The CLI as a user runs it; no colour, no TTY: what a CI job sees.
const ENV = {...process.env, NO_COLOR: '1'}
delete (ENV as Record<string, string | undefined>).DEBUG

interface Row {
  id: string
  what: string
  ours: string
  anchor: string
  ratio: string
  goal: string
  status: 'met' | 'NOT met' | 'n/a'
  note?: string
}

const rows: Row[] = []
const details: string[] = []
const spread = (s: Stats) => `${fmtMs(s.min)} / ${fmtMs(s.median)} / ${fmtMs(s.max)}`
/** Median wall time, and median CPU time when measured. */
const both = (m: Measured) => `${fmtMs(m.median)} wall${m.cpu ? `, ${fmtMs(m.cpu.median)} CPU` : ''}`

function log(s: string): void {
  process.stdout.write(s + '\n')
}

/** A markdown table cell: pipes escaped, the repo path shortened. */
const cell = (s: string) => s.replaceAll(REPO + '/', '').replaceAll('|', '\\|')

function unavailable(id: string, what: string, goal: string, why: string): void {
  rows.push({id, what, ours: '—', anchor: '—', ratio: '—', goal, status: 'n/a', note: why})
  log(`  ${id}: n/a — ${why}`)
}

function detail(m: Measured): void {
  details.push(
    `- ${m.label}: \`${m.cmd.map((c) => c.replace(REPO + '/', '')).join(' ')}\` — wall ${spread(m)}${m.cpu ? `; CPU (user+sys) ${spread(m.cpu)}` : ''} (min / median / max of ${m.runs}); stdout ${m.stdoutBytes} bytes`,
  )
}

function tryMeasure(label: string, cmd: string[]): Measured | string {
  try {
    const m = measure(label, cmd, {runs: RUNS, env: ENV, cwd: REPO})
    detail(m)
    return m
  } catch (e) {
    if (e instanceof CommandFailed) return e.message
    throw e
  }
}

/** Ours and the anchor, runs interleaved. */
function tryPair(ours: {label: string; cmd: string[]}, anchor: {label: string; cmd: string[]}): [Measured, Measured] | string {
  try {
    const r = measurePair(ours, anchor, {runs: RUNS, env: ENV, cwd: REPO})
    r.forEach(detail)
    return r
  } catch (e) {
    if (e instanceof CommandFailed) return e.message
    throw e
  }
}

/** ratio text: by wall time (end to end), and by CPU time (what the shared machine cannot blur). */
function ratios(wall: number, cpu: number | undefined, unit = '×'): string {
  return `${wall.toFixed(2)}${unit} wall${cpu !== undefined ? `; ${cpu.toFixed(2)}${unit} CPU` : ''}`
}

const want = (id: string) => !ONLY || ONLY.includes(id)
const hasCmd = (c: string) => spawnSync('sh', ['-c', `command -v ${c}`]).status === 0

async function main(): Promise<void> {
  if (!existsSync(join(REPO, 'dist', 'commands'))) {
    throw new Error('dist/ is missing: run `npm run build` first (the bench measures the built CLI)')
  }
  log(`allocscope bench${QUICK ? ' (quick)' : ''}: ${RUNS} runs after 1 warm-up, min / median / max; ours and anchor interleaved`)
  const t0 = Date.now()
  const inp = generate({quick: QUICK, huge: HUGE})
  log(`inputs (derived from the corpus captures by repetition) ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`)

  // 1. Boot-log parsing throughput: analyse --json vs util-linux dmesg --json -F, same file.
  if (want('bootlog')) {
    const mib = sizeMiB(inp.boot)
    const what = `boot-log parse, ${mib.toFixed(0)} MiB plain dmesg`
    const goal = '≥ 2× dmesg throughput'
    if (!hasCmd('dmesg')) {
      const ours = tryMeasure(`analyse --json (${mib.toFixed(0)} MiB)`, [NODE, BIN, 'analyse', '--json', inp.boot])
      const alone = typeof ours === 'string' ? ours : `allocscope alone: ${(mib / (ours.median / 1000)).toFixed(1)} MiB/s`
      unavailable('bootlog', what, goal, `dmesg not found: install util-linux (Debian/Ubuntu: apt-get install util-linux; Fedora: dnf install util-linux-core); ${alone}`)
    } else {
      const r = tryPair({label: `analyse --json (${mib.toFixed(0)} MiB)`, cmd: [NODE, BIN, 'analyse', '--json', inp.boot]}, {label: `dmesg --json -F (${mib.toFixed(0)} MiB)`, cmd: ['dmesg', '--json', '-F', inp.boot]})
      if (typeof r === 'string') unavailable('bootlog', what, goal, r)
      else {
        const [o, a] = r
        const tp = (m: Measured) => mib / (m.median / 1000)
        const tpc = (m: Measured) => (m.cpu ? mib / (m.cpu.median / 1000) : undefined)
        const cpuRatio = tpc(o) !== undefined && tpc(a) !== undefined ? tpc(o)! / tpc(a)! : undefined
        rows.push({
          id: 'bootlog',
          what,
          ours: `${tp(o).toFixed(1)} MiB/s (${both(o)})`,
          anchor: `dmesg --json -F: ${tp(a).toFixed(1)} MiB/s (${both(a)})`,
          ratio: ratios(tp(o) / tp(a), cpuRatio),
          goal,
          status: tp(o) / tp(a) >= 2 ? 'met' : 'NOT met',
        })
        log(`  bootlog: ours ${tp(o).toFixed(1)} MiB/s, dmesg ${tp(a).toFixed(1)} MiB/s → ${(tp(o) / tp(a)).toFixed(2)}×`)
      }
      // Context: the same anchor writing to /dev/null instead of a reader (its output is ~1:1 with its input).
      const nul = tryMeasure(`dmesg --json -F > /dev/null (${mib.toFixed(0)} MiB)`, ['bash', '-c', `dmesg --json -F '${inp.boot}' > /dev/null`])
      if (typeof nul !== 'string') {
        rows.push({id: 'bootlog-devnull', what: `(context) anchor with stdout to /dev/null, ${mib.toFixed(0)} MiB`, ours: '—', anchor: `dmesg --json -F > /dev/null: ${(mib / (nul.median / 1000)).toFixed(1)} MiB/s (${both(nul)})`, ratio: '—', goal: 'informative', status: 'n/a'})
      }
      // Context: util-linux on input it really splits into records (`<pri>[time] text`, text mode:
      // its --json mode repeats the rest of the buffer in every msg on such input, see RESULTS.md).
      const rmib = sizeMiB(inp.bootRaw)
      const rr = tryPair({label: `analyse --json, dmesg -r form (${rmib.toFixed(1)} MiB)`, cmd: [NODE, BIN, 'analyse', '--json', inp.bootRaw]}, {label: `dmesg -F, dmesg -r form (${rmib.toFixed(1)} MiB)`, cmd: ['dmesg', '-F', inp.bootRaw]})
      if (typeof rr !== 'string') {
        const [o, a] = rr
        const t = (m: Measured) => rmib / (m.median / 1000)
        rows.push({id: 'bootlog-raw', what: `(context) \`dmesg -r\` form, ${rmib.toFixed(1)} MiB`, ours: `${t(o).toFixed(1)} MiB/s (${both(o)})`, anchor: `dmesg -F (text): ${t(a).toFixed(1)} MiB/s (${both(a)})`, ratio: ratios(t(o) / t(a), o.cpu && a.cpu ? a.cpu.median / o.cpu.median : undefined), goal: 'informative', status: 'n/a'})
      }
    }
  }

  // 2. allocinfo top-N vs the documented pipeline (domain.md §4), same file.
  if (want('allocinfo')) {
    const what = 'allocinfo top-10, 20 000 sites'
    const goal = '≥ 2× faster'
    const r = tryPair({label: 'allocinfo --top 10 (20 000 sites)', cmd: [NODE, BIN, 'allocinfo', '--top', '10', inp.allocinfo]}, {label: 'sort -g | tail | numfmt (20 000 sites)', cmd: ['bash', '-c', `sort -g '${inp.allocinfo}' | tail | numfmt --to=iec`]})
    if (typeof r === 'string') unavailable('allocinfo', what, goal, r)
    else {
      const [o, a] = r
      const w = a.median / o.median
      rows.push({id: 'allocinfo', what, ours: both(o), anchor: `sort -g \| tail \| numfmt: ${both(a)}`, ratio: ratios(w, o.cpu && a.cpu ? a.cpu.median / o.cpu.median : undefined, '× faster'), goal, status: w >= 2 ? 'met' : 'NOT met'})
      log(`  allocinfo: ours ${fmtMs(o.median)}, sort pipeline ${fmtMs(a.median)} → ${w.toFixed(2)}×`)
    }
  }

  // 3. Start-up.
  if (want('startup')) {
    const goal = '≤ 2× node -e 0'
    const r = tryPair({label: 'allocscope --version', cmd: [NODE, BIN, '--version']}, {label: 'node -e 0', cmd: [NODE, '-e', '0']})
    if (typeof r === 'string') unavailable('startup', 'start-up', goal, r)
    else {
      const [o, a] = r
      const w = o.median / a.median
      rows.push({id: 'startup', what: 'start-up: `--version`', ours: both(o), anchor: `node -e 0: ${both(a)}`, ratio: ratios(w, o.cpu && a.cpu ? o.cpu.median / a.cpu.median : undefined), goal, status: w <= 2 ? 'met' : 'NOT met'})
      log(`  startup: ours ${fmtMs(o.median)}, node -e 0 ${fmtMs(a.median)} → ${w.toFixed(2)}×`)
      const h = tryPair({label: 'allocscope allocinfo --help', cmd: [NODE, BIN, 'allocinfo', '--help']}, {label: 'node -e 0', cmd: [NODE, '-e', '0']})
      if (typeof h !== 'string') {
        const [ho, ha] = h
        rows.push({id: 'startup-cmd', what: '(context) command load: `allocinfo --help`', ours: both(ho), anchor: `node -e 0: ${both(ha)}`, ratio: ratios(ho.median / ha.median, ho.cpu && ha.cpu ? ho.cpu.median / ha.cpu.median : undefined), goal: 'informative', status: 'n/a'})
      }
    }
  }

  // 4. The model: predict --cpus 8192 (< 1 s) and a 64-point sweep (< 2 s), end to end.
  if (want('model')) {
    const p1 = tryMeasure('predict --cpus 8192', [NODE, BIN, 'predict', '--cpus', '8192', '--json'])
    if (typeof p1 === 'string') unavailable('predict', 'predict --cpus 8192 (both recorders)', '< 1 s', p1)
    else rows.push({id: 'predict', what: 'predict --cpus 8192 (both recorders), end to end', ours: both(p1), anchor: 'goal 1 s', ratio: `${(p1.median / 1000).toFixed(2)} of goal`, goal: '< 1 s', status: p1.median < 1000 ? 'met' : 'NOT met'})
    const sw = tryMeasure('predict --sweep 1..8192 --points 64', [NODE, BIN, 'predict', '--sweep', '1..8192', '--points', '64', '--json'])
    if (typeof sw === 'string') unavailable('sweep', 'predict 64-point sweep 1..8192', '< 2 s', sw)
    else {
      let points = '?'
      try {
        points = String(JSON.parse(spawnSync(NODE, [BIN, 'predict', '--sweep', '1..8192', '--points', '64', '--json'], {cwd: REPO, env: ENV, maxBuffer: 256 * 1024 * 1024}).stdout.toString()).result.points.length)
      } catch {
        /* shape unknown: say '?' */
      }
      rows.push({id: 'sweep', what: `predict --sweep 1..8192, ${points} points, end to end`, ours: both(sw), anchor: 'goal 2 s', ratio: `${(sw.median / 2000).toFixed(2)} of goal`, goal: '< 2 s', status: sw.median < 2000 ? 'met' : 'NOT met'})
    }
  }

  // 5. Diff of two 20 000-site allocinfo captures: the pure function after start-up (< 100 ms), and end to end.
  if (want('diff')) {
    try {
      const {parseAllocInfoText} = await import(pathToFileURL(join(REPO, 'dist', 'capture', 'allocinfo.js')).href)
      const {diffAllocInfo} = await import(pathToFileURL(join(REPO, 'dist', 'diff', 'allocinfo.js')).href)
      const a = parseAllocInfoText(readFileSync(inp.diffA, 'utf8'), inp.diffA)
      const b = parseAllocInfoText(readFileSync(inp.diffB, 'utf8'), inp.diffB)
      const s = await timeFn(() => diffAllocInfo(a, b, {}), RUNS)
      details.push(`- diffAllocInfo (in-process, ${a.sites.length} vs ${b.sites.length} sites): ${spread(s)}`)
      rows.push({id: 'diff', what: `diffAllocInfo, ${a.sites.length} vs ${b.sites.length} sites (in-process, after start-up)`, ours: spread(s), anchor: 'goal 100 ms', ratio: `${(s.median / 100).toFixed(2)} of goal`, goal: '< 100 ms', status: s.median < 100 ? 'met' : 'NOT met'})
    } catch (e) {
      unavailable('diff', 'diffAllocInfo 20 000 sites', '< 100 ms', (e as Error).message.split('\n')[0])
    }
    const e2e = tryMeasure('diff a b (20 000 sites each)', [NODE, BIN, 'diff', inp.diffA, inp.diffB, '--json'])
    if (typeof e2e !== 'string') rows.push({id: 'diff-e2e', what: '(context) `diff a b --json`, end to end', ours: both(e2e), anchor: '—', ratio: '—', goal: 'informative', status: 'n/a'})
  }

  // record / trend (issue 19): rows made in bench/trend.ts.
  if (want('trend')) rows.push(...(await (await import('./trend.js')).trendRows({runs: RUNS, node: NODE, bin: BIN, env: ENV})))

  // 6. Memory: peak RSS analysing a 1 GiB log.
  if (want('rss')) {
    if (!inp.boot1G) unavailable('rss', 'peak RSS, 1 GiB log', '< 200 MiB', QUICK ? 'skipped in --quick' : 'skipped (--no-huge)')
    else {
      const r = peakRss([NODE, BIN, 'analyse', '--json', inp.boot1G], {cwd: REPO, env: ENV})
      if ('error' in r) unavailable('rss', 'peak RSS, 1 GiB log', '< 200 MiB', r.error)
      else {
        const mib = sizeMiB(inp.boot1G)
        rows.push({id: 'rss', what: `peak RSS, analyse --json of a ${mib.toFixed(0)} MiB log`, ours: `${r.mib.toFixed(0)} MiB (1 run, ${fmtMs(r.ms)}, ${(mib / (r.ms / 1000)).toFixed(1)} MiB/s)`, anchor: 'goal 200 MiB', ratio: `${(r.mib / 200).toFixed(2)} of goal`, goal: '< 200 MiB', status: r.mib < 200 ? 'met' : 'NOT met'})
        log(`  rss: ${r.mib.toFixed(0)} MiB peak on 1 GiB`)
      }
    }
  }

  // Rows of `batch` (issue 18) live in bench/batch.ts.
  if (want('batch')) rows.push(...benchBatch({runs: RUNS, quick: QUICK, env: ENV, log}))

  const table = [
    '| measurement | allocscope | anchor (same run) | ratio | goal | status |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${[r.what, r.ours, r.anchor, r.ratio, r.goal, `${r.status}${r.note ? ` — ${r.note}` : ''}`].map(cell).join(' | ')} |`),
  ].join('\n')
  log('\n' + table + '\n')
  if (!QUICK && !flag('no-write') && !ONLY) writeResults(table)
}

function version(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, {encoding: 'utf8'}).split('\n')[0].trim()
  } catch {
    return 'not installed'
  }
}

function writeResults(table: string): void {
  const model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpus()[0]?.model
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'))
  const machine = [
    `- date: ${new Date().toISOString()}`,
    `- machine: ${version('nproc', [])} CPUs (${model}), ${(totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, ${version('uname', ['-sr'])}; shared with other jobs while measured`,
    `- allocscope ${pkg.version} at commit ${process.env.BENCH_COMMIT ?? version('git', ['-C', REPO, 'rev-parse', '--short', 'HEAD'])} (built dist/, \`node bin/run.js\`), node ${process.version}`,
    `- anchors: ${version('dmesg', ['--version'])}; ${version('sort', ['--version'])}; ${version('numfmt', ['--version'])}`,
    `- ${RUNS} runs after 1 warm-up per measurement; times are wall clock of the whole process (spawn to exit)`,
  ].join('\n')
  const notesPath = join(REPO, 'bench', 'NOTES.md')
  const notes = existsSync(notesPath) ? `\n${readFileSync(notesPath, 'utf8')}` : ''
  const md = `# Benchmark results (\`npm run bench\`)\n\nLatest full run; regenerate with \`npm run build && npm run bench\`. Inputs are DERIVED from the real\ncaptures of the corpus (samples/, testdata/captures/) by repetition (bench/gen.ts). Ratios: throughput ours/anchor for the boot log,\nanchor time / our time for allocinfo, our time / node for start-up.\n\n${machine}\n\n${table}\n\n## Each measurement\n\n${details.join('\n')}\n${notes}`
  writeFileSync(join(REPO, 'bench', 'RESULTS.md'), md)
  log(`wrote bench/RESULTS.md`)
}

await main()
