// Bench rows for `allocscope batch` (issue 18), called from bench/run.ts: files/s against a shell
// loop running `allocscope analyse --json` per file and a shell loop running `dmesg -F` per file,
// on the test corpus (peer console logs + lab captures) and on 10 000 inputs (DERIVED: hard links
// to the corpus boot logs, cycled), and peak RSS for 100 000 such inputs.
//   node --import tsx bench/batch.ts [--quick]    (alone; bench/run.ts runs it with the others)
import {spawnSync} from 'node:child_process'
import {existsSync, linkSync, mkdirSync, readdirSync, rmSync, writeFileSync} from 'node:fs'
import {availableParallelism} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {resolveCapture} from '../src/readers/dir.js'
import {LAB_CAPTURES, PEER} from '../test/helpers/paths.js'
import {OUT, REPO} from './gen.js'
import {fmtMs, type Measured, measure, measurePair, peakRss} from './harness.js'
import type {Row} from './context.js'

/** A bench row, as every row module returns it (bench/context.ts). */
export type BatchRow = Row

interface Ctx {
  runs: number
  quick: boolean
  env: NodeJS.ProcessEnv
  log: (s: string) => void
}

const BIN = join(REPO, 'bin', 'run.js')
/** The analyse loop starts one Node per file (~0.3-1 s each): timed on this many files, as files/s. */
const ANALYSE_LOOP_FILES = 40

/** The test corpus as batch inputs (peer logs, lab capture directories) and as boot-log files (for dmesg). */
function corpus(): {inputs: string[]; files: string[]} {
  const peers = readdirSync(PEER)
    .filter((n) => /^\d+$/.test(n))
    .map((n) => join(PEER, n))
  const labs = readdirSync(LAB_CAPTURES).map((n) => join(LAB_CAPTURES, n))
  const labLogs = labs.map((d) => resolveCapture(d).bootLog).filter((x): x is string => x !== undefined)
  return {inputs: [...peers, ...labs], files: [...peers, ...labLogs]}
}

/** `n` DERIVED inputs: hard links to the corpus boot logs, cycled (no bytes copied); returns the list file. */
function copies(files: string[], n: number): string {
  const dir = join(OUT, `batch-${n}`)
  const list = `${dir}.list`
  if (!existsSync(list)) {
    rmSync(dir, {recursive: true, force: true})
    mkdirSync(dir, {recursive: true})
    const paths: string[] = []
    for (let i = 0; i < n; i++) {
      const sub = join(dir, String(Math.floor(i / 1000)))
      if (i % 1000 === 0) mkdirSync(sub)
      const p = join(sub, `${i}.log`)
      linkSync(files[i % files.length]!, p)
      paths.push(p)
    }
    writeFileSync(list, paths.join('\n') + '\n')
  }
  return list
}

const listFile = (name: string, paths: string[]): string => {
  mkdirSync(OUT, {recursive: true})
  const f = join(OUT, name)
  writeFileSync(f, paths.join('\n') + '\n')
  return f
}

/** Files/s of a command over `n` inputs (median wall time of `runs`). */
function rate(label: string, cmd: string[], n: number, ctx: Ctx, runs = ctx.runs): {fps: number; ms: number} | string {
  try {
    const m = measure(label, cmd, {runs, env: ctx.env, cwd: REPO, warmup: 1})
    return {fps: n / (m.median / 1000), ms: m.median}
  } catch (e) {
    return (e as Error).message
  }
}

interface Rate {
  fps: number
  ms: number
  cpuMs?: number
}

const rateOf = (m: Measured, n: number): Rate => ({fps: n / (m.median / 1000), ms: m.median, cpuMs: m.cpu?.median})

/**
 * batch and the `dmesg -F` loop, their runs interleaved (batch, loop, batch, ...) so that the load of
 * other jobs falls on both alike; batch alone when there is no dmesg. A string when a run failed.
 */
function batchAndLoop(id: string, batchCmd: string[], inputs: number, files: string[], ctx: Ctx): {ours: Rate; loop: Rate | string} | string {
  const ours = {label: `batch ${id}`, cmd: batchCmd}
  try {
    if (spawnSync('sh', ['-c', 'command -v dmesg']).status !== 0) {
      return {ours: rateOf(measure(ours.label, ours.cmd, {runs: ctx.runs, env: ctx.env, cwd: REPO, warmup: 1}), inputs), loop: 'dmesg not found: apt-get install util-linux'}
    }
    const loopCmd = {label: `dmesg loop ${id}`, cmd: loop('dmesg -F', listFile(`${id}.files`, files))}
    const [a, b] = measurePair(ours, loopCmd, {runs: ctx.runs, env: ctx.env, cwd: REPO})
    return {ours: rateOf(a, inputs), loop: rateOf(b, files.length)}
  } catch (e) {
    return (e as Error).message
  }
}

const loop = (body: string, list: string): string[] => ['sh', '-c', `while IFS= read -r f; do ${body} "$f" >/dev/null 2>&1 || true; done < '${list}'`]

const cpuText = (r: Rate): string => (r.cpuMs !== undefined ? `, ${fmtMs(r.cpuMs)} CPU` : '')

function compare(ctx: Ctx, id: string, what: string, inputs: string[], files: string[]): BatchRow[] {
  const rows: BatchRow[] = []
  const jobs = availableParallelism()
  const inList = listFile(`${id}.inputs`, inputs)
  const both = batchAndLoop(id, [process.execPath, BIN, 'batch', '--files-from', inList], inputs.length, files, ctx)
  if (typeof both === 'string') return [{id, what, ours: '—', anchor: '—', ratio: '—', goal: '≥ 10× analyse loop, ≥ 2× dmesg loop', status: 'n/a', note: both}]
  const {ours, loop: d} = both
  const oursText = `${ours.fps.toFixed(0)} files/s (${inputs.length} inputs, ${fmtMs(ours.ms)}${cpuText(ours)}, --jobs ${jobs})`
  const sub = files.slice(0, ANALYSE_LOOP_FILES)
  const a = rate(`analyse loop ${id}`, loop(`'${process.execPath}' '${BIN}' analyse --json`, listFile(`${id}.analyse`, sub)), sub.length, ctx, 1)
  if (typeof a === 'string') rows.push({id: `${id}-analyse`, what: `${what}: batch vs \`analyse --json\` per file`, ours: oursText, anchor: '—', ratio: '—', goal: '≥ 10×', status: 'n/a', note: a})
  else {
    const r = ours.fps / a.fps
    rows.push({id: `${id}-analyse`, what: `${what}: batch vs a shell loop of \`analyse --json\` per file`, ours: oursText, anchor: `${a.fps.toFixed(2)} files/s (first ${sub.length} files, 1 run)`, ratio: `${r.toFixed(1)}×`, goal: '≥ 10×', status: r >= 10 ? 'met' : 'NOT met'})
  }
  if (typeof d === 'string') rows.push({id: `${id}-dmesg`, what: `${what}: batch vs \`dmesg -F\` per file`, ours: oursText, anchor: '—', ratio: '—', goal: '≥ 2×', status: 'n/a', note: d})
  else {
    const r = ours.fps / d.fps
    rows.push({id: `${id}-dmesg`, what: `${what}: batch vs a shell loop of \`dmesg -F\` per file (runs interleaved)`, ours: oursText, anchor: `${d.fps.toFixed(0)} files/s (${files.length} files, ${fmtMs(d.ms)}${cpuText(d)})`, ratio: `${r.toFixed(2)}×`, goal: '≥ 2×', status: r >= 2 ? 'met' : 'NOT met'})
  }
  return rows
}

export function benchBatch(ctx: Ctx): BatchRow[] {
  const {inputs, files} = corpus()
  const rows = compare(ctx, 'batch-corpus', `batch, test corpus (${inputs.length} inputs)`, inputs, files)
  const n = ctx.quick ? 1000 : 10_000
  const many = copies(files, n)
  const manyPaths = Array.from({length: n}, (_, i) => join(OUT, `batch-${n}`, String(Math.floor(i / 1000)), `${i}.log`))
  rows.push(...compare({...ctx, runs: Math.min(ctx.runs, 3)}, `batch-${n}`, `batch, ${n} inputs (DERIVED copies)`, manyPaths, manyPaths))
  const big = ctx.quick ? 10_000 : 100_000
  const bigList = copies(files, big)
  ctx.log(`  batch: peak RSS over ${big} inputs (one run) …`)
  const r = peakRss([process.execPath, BIN, 'batch', '--files-from', bigList], {cwd: REPO, env: ctx.env})
  if ('error' in r) rows.push({id: 'batch-rss', what: `peak RSS, batch of ${big} inputs`, ours: '—', anchor: '—', ratio: '—', goal: '< 250 MiB', status: 'n/a', note: r.error})
  else rows.push({id: 'batch-rss', what: `peak RSS, batch of ${big} inputs (DERIVED copies)`, ours: `${r.mib.toFixed(0)} MiB (1 run, ${fmtMs(r.ms)}, ${(big / (r.ms / 1000)).toFixed(0)} files/s)`, anchor: 'goal 250 MiB', ratio: `${(r.mib / 250).toFixed(2)} of goal`, goal: '< 250 MiB', status: r.mib < 250 ? 'met' : 'NOT met'})
  for (const x of rows) ctx.log(`  ${x.id}: ${x.ours} vs ${x.anchor} → ${x.ratio} (${x.status}${x.note ? `: ${x.note}` : ''})`)
  return rows
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick')
  const env = {...process.env, NO_COLOR: '1'}
  delete (env as Record<string, string | undefined>).DEBUG
  benchBatch({runs: quick ? 1 : 3, quick, env, log: (s) => process.stdout.write(s + '\n')})
}
