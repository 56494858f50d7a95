// The `batch` command's work, without oclif: inputs (arguments and --files-from) → task list,
// --shard, --list → the worker pool writing NDJSON (stdout or --out, --resume) → the severities
// --fail-on gates on. SIGINT/SIGTERM stop the pool with whole records written, and exit as a
// signalled process would. src/commands/batch.ts (oclif) and the fast path (src/cli/fast.ts, no
// oclif: its start-up was ~0.4 s of CPU before any worker could start) parse the flags.
import {availableParallelism} from 'node:os'
import {refuseCaptureFile, refuseInputAsOutput, refuseOverwrite} from '../cli/write-file.js'
import {PathCache} from '../readers/stat.js'
import {UsageError} from '../errors.js'
import {byCount, plural} from '../render/units.js'
import type {Gated} from '../cli/output.js'
import {SEVERITIES} from '../types.js'
import type {Task} from './inputs.js'
import type {Output, Rank, Resumed} from './output.js'
import {restoreHeaps} from '../v8-flags.js'
import {BatchPool, MAX_JOBS, startWorkers} from './pool.js'

export interface BatchFlags {
  'files-from'?: string
  jobs?: number
  unordered: boolean
  out?: string
  resume: boolean
  force?: boolean
  list: boolean
  shard?: string
  boot?: number
  /** Only whether it gates: the records --resume keeps are then read for their severities. */
  'fail-on'?: string
  'fail-on-error'?: boolean
}

/**
 * Runs the batch; resolves with the worst severity met and the error records written, the records
 * --resume kept included (nothing with --list or when stopped by a signal).
 */
export async function runBatch(inputs: string[], f: BatchFlags): Promise<Gated> {
  try {
    return await run(inputs, f)
  } finally {
    // The heap flag batch's workers start with is the process's: not for what runs after in it.
    restoreHeaps()
  }
}

async function run(inputs: string[], f: BatchFlags): Promise<Gated> {
  // The --out file and the arguments, asked of by the checks and the listing: each stat'ed once.
  const cache = new PathCache()
  if (f.out) checkOut(f.out, inputs, f, cache)
  else if (f.resume) throw new UsageError('--resume needs --out FILE (the records to resume from)')
  const jobs = jobsOf(f)
  // The workers start up while the inputs are listed (they are ended if the listing fails): no more
  // than the arguments can need (each is one input at least, a --files-from list too); the pool
  // starts the others the listed inputs need, up to --jobs.
  const started = f.list ? [] : startWorkers(Math.min(jobs, new Set(inputs).size + (f['files-from'] ? 1 : 0)))
  let todo: Task[]
  let out: Output
  let resumed: Resumed | undefined
  try {
    // Loaded once the workers are starting: the listing's modules (node:fs, node:path, the capture
    // directory rules; tinyglobby and node:crypto only when a pattern or --shard asks, inputs.ts)
    // delayed every worker's start-up, the critical path of a small batch.
    const [{batchTasks}, {fileOutput, recordedInputs, remainingTasks, stdoutOutput}] = await Promise.all([import('./inputs.js'), import('./output.js')])
    const tasks = batchTasks(inputs, f, cache).map((t) => (f.boot === undefined ? t : {...t, boot: f.boot}))
    if (f.list) {
      await listInputs(tasks)
      return {severities: []}
    }
    if (f.out) checkListedOut(f.out, tasks, f, cache)
    out = f.out ? fileOutput(f.out, f.resume) : stdoutOutput()
    resumed = f.out && f.resume ? recordedInputs(f.out, await gateRank(f)) : undefined
    todo = resumed ? remainingTasks(tasks, resumed.done) : tasks
  } catch (e) {
    await Promise.all(started.map((w) => w.terminate()))
    throw e
  }
  const bar = (await import('./progress.js')).progress()
  const pool = new BatchPool(todo, {jobs, started, ordered: !f.unordered, write: (l) => out.write(l), waitDrain: out.waitDrain, onProgress: (d, t) => bar.update(d, t)})
  const stop = (signal: NodeJS.Signals) => {
    // Whichever came first, the next SIGINT or SIGTERM takes its default action: it quits.
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    const waiting = stopHint()
    void pool
      .stop()
      .then(() => {
        clearTimeout(waiting)
        return interrupted(out, signal, f.out !== undefined)
      })
  }
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  const r = await pool.run()
  if (r.stopped) return {severities: []}
  bar.end()
  out.close()
  // The counts, when nobody watches the records go by: an error record on stdout piped to a file
  // or to fleet was said nowhere else (a path mistyped in a CI job).
  if (f.out || process.stderr.isTTY || r.errors > 0) process.stderr.write(`allocscope: ${plural(r.inputs, 'input')}, ${plural(r.records, 'record')}, ${plural(r.errors, 'error')}\n`)
  // Several boots in one log are several records: say so, and which boots, whatever stderr is.
  if (r.multiBoot) process.stderr.write(`allocscope: ${plural(r.multiBoot, 'record')} ${byCount(r.multiBoot, 'is a boot of a log', 'are boots of logs')} holding several (${f.boot === undefined ? 'a record per boot, as analyse reports every boot' : `--boot ${f.boot}`}; each record's "boot" says which, numbered as journalctl --list-boots)\n`)
  // The gate covers the whole output: the records --resume kept too.
  const worst = Math.max(r.maxSeverity, resumed?.maxSeverity ?? -1)
  return {severities: worst >= 0 ? [SEVERITIES[worst]!] : [], errors: r.errors + (resumed?.errors ?? 0)}
}

/** The severity of a record --resume keeps, when --fail-on gates (a parse of every kept record); loaded only then. */
const gateRank = async (f: BatchFlags): Promise<Rank | undefined> => (f['fail-on'] === undefined || f['fail-on'] === 'never' ? undefined : (await import('./severity.js')).recordRank)

/** --jobs, at most MAX_JOBS; by default the cores (at most MAX_JOBS as well). */
function jobsOf(f: BatchFlags): number {
  if (f.jobs === undefined) return Math.min(availableParallelism(), MAX_JOBS)
  if (!Number.isInteger(f.jobs) || f.jobs < 1 || f.jobs > MAX_JOBS) throw new UsageError(`--jobs ${f.jobs}: expected 1 to ${MAX_JOBS} worker threads (each is a JavaScript engine of its own; more than the cores only wait for them)`)
  return f.jobs
}

/**
 * Before the workers start or anything is opened for writing: an input named on the command line
 * (or the list of them) is refused as --out (one a walk, a pattern or a --files-from list meets is
 * skipped, inputs.ts listTasks: `--out logs/run.ndjson logs`). An earlier run's records (a 10-hour
 * run.ndjson) are refused once the inputs are listed (checkListedOut), unless --force overwrites
 * them or --resume goes on with them.
 */
function checkOut(out: string, inputs: string[], f: BatchFlags, cache: PathCache): void {
  if (f.force && f.resume) throw new UsageError('--force overwrites the --out file, --resume goes on with it: give one')
  refuseInputAsOutput('--out', out, [...inputs, ...(f['files-from'] ? [{flag: '--files-from', path: f['files-from']}] : [])], {dirs: false, cache})
}

/**
 * Once the inputs are listed: a file of a capture directory read (read whole, never skipped as
 * the --out a walk meets) is refused, --force or --resume or not; then an earlier run's records,
 * after it, so that the refusal does not advise a --force that would be refused in turn.
 */
function checkListedOut(out: string, tasks: Task[], f: BatchFlags, cache: PathCache): void {
  refuseCaptureFile('--out', out, tasks.flatMap((t) => (t.type === 'capture-dir' ? [t.path] : [])), cache)
  if (!f.resume) refuseOverwrite('--out', out, f.force, {how: 'give --force to overwrite it, or --resume to go on with it', cache})
}

/** How long a stop may take before it says why it waits. */
const STOP_HINT_MS = 1000

/**
 * A worker waiting in a system call cannot be stopped until the call returns: opening a FIFO
 * nobody writes to waits for ever. Said after a second; the stop removed its handlers, so a second
 * signal takes its default action and quits at once.
 */
function stopHint(): NodeJS.Timeout {
  const say = () => process.stderr.write(`\nallocscope: stopping: a worker is still waiting on its input (a FIFO with no writer?); a second Ctrl-C (or SIGTERM) quits at once\n`)
  return setTimeout(say, STOP_HINT_MS).unref()
}

/**
 * How long a stopped run waits for stdout's reader to take the records already written (a pipe
 * holds 64 KiB; the rest waits in the process, and exiting would cut the last line): long enough
 * for a reader that is busy, bounded for one that stopped reading.
 */
export const DRAIN_MAX_MS = 10_000

/** After SIGINT/SIGTERM: the output holds whole lines only (once stdout has drained); exit as a signalled process would. */
async function interrupted(out: Output, signal: NodeJS.Signals, toFile: boolean): Promise<void> {
  out.close()
  const waiting = () => process.stderr.write(`\nallocscope: stopping: waiting for the reader of stdout to take the last records (at most ${DRAIN_MAX_MS / 1000} s); a second Ctrl-C (or SIGTERM) quits at once and may cut the last line\n`)
  const whole = await out.drained(DRAIN_MAX_MS, waiting)
  const what = whole ? 'the output holds complete records only' : `the last record on stdout may be cut: its reader did not take it within ${DRAIN_MAX_MS / 1000} s`
  process.stderr.write(`\nallocscope: batch stopped by ${signal}; ${what}${toFile ? ' (--resume goes on)' : ''}\n`)
  process.exit(signal === 'SIGINT' ? 130 : 143)
}

/**
 * --list: each input's path, as --files-from reads it back. An archive is one path, except with
 * --shard, where it is this shard's inputs inside it (`archive//member`, a capture directory
 * once), and when its members were named one by one (read back from such a list).
 */
async function listInputs(tasks: Task[]): Promise<void> {
  const [{listBytes, listLine}, {onlyPaths}] = await Promise.all([import('./list-file.js'), import('./inputs.js')])
  for (const t of tasks) {
    if (t.type !== 'archive' || (!t.shard && !t.only)) {
      // A name that is not UTF-8 as its bytes: its decoded path would read back as no such file.
      process.stdout.write(t.type === 'error' && t.bytes !== undefined ? listBytes(t.bytes) : `${listLine(t.path)}\n`)
      continue
    }
    const {archiveInputs} = await import('./archive-plan.js')
    const paths = await archiveInputs(t.path, {shard: t.shard, only: onlyPaths(t)})
    if (paths.length) process.stdout.write(paths.map(listLine).join('\n') + '\n')
  }
}
