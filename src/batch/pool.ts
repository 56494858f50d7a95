// The worker-thread pool of `allocscope batch`: tasks go out one per idle worker; the main thread
// only orders the lines that come back and writes them. In input order, at most `window` tasks
// are in flight past the oldest unwritten one, and a running archive's lines held unwritten are
// bounded too (its worker waits for acknowledgements: messages.ts HOLD_MAX), so what waits in
// memory is bounded whatever the number of inputs; --unordered writes lines as they come.
import {setFlagsFromString} from 'node:v8'
import {Worker} from 'node:worker_threads'
import type {Task} from './inputs.js'
import {type AckMessage, internalErrorResult, type ResultMessage, type TaskMessage} from './messages.js'

export interface PoolOptions {
  jobs: number
  /** Workers started before the tasks were known (startWorkers), taken before any new one. */
  started?: Worker[]
  ordered: boolean
  /** Write complete lines (the caller writes them in one call). */
  write(lines: string[]): void
  /** Inputs done so far (an archive's members count one by one), of `total`; undefined while an archive is not counted yet. */
  onProgress?(done: number, total: number | undefined): void
}

export interface PoolResult {
  records: number
  /** Inputs read: files, capture directories, an archive's inputs. */
  inputs: number
  /** Most lines held unwritten at once (waiting for an earlier input, in input order). */
  heldMax: number
  errors: number
  /** Records that are one boot of a log holding several. */
  multiBoot: number
  maxSeverity: number
  /** True when stop() ended the run before every task was done. */
  stopped: boolean
}

const WORKER_URL = new URL('./worker.js', import.meta.url)

/**
 * A small young generation per worker: V8's default lets each isolate's nursery grow to tens of
 * MiB of garbage between scavenges, which made RSS grow with the number of inputs (276 MiB peak
 * over 100 000 inputs with defaults). Records die young; a small nursery costs little time.
 */
const WORKER_LIMITS = {maxYoungGenerationSizeMb: 8}

/**
 * Tasks handed to a worker before it has finished the one it runs: with one, a worker idles for
 * a round trip through the main thread after each input (a small log takes ~0.7 ms warm). The
 * worker takes them in turn. (Its gain was not measurable alone on a shared machine: bench/NOTES.md.)
 */
const IN_FLIGHT = 2

/**
 * V8 optimises a function once it has run about 66 KB of bytecode (its default interrupt budget);
 * each optimisation is TurboFan compiling on a background thread, CPU time the run pays for. A
 * batch of small logs spends most of its time warming up (the corpus: ~2.3 s of CPU on the first
 * pass, ~0.5 s on the next ones in the same process), and most of that warm-up was optimising
 * functions that were barely used again. A 16× budget leaves the hot functions optimised early
 * enough (the steady state and a 20 MiB log cost the same) and cut the corpus's CPU by a third
 * (bench/NOTES.md, issue 18). V8 flags are per process: set before the workers start, they apply
 * to them. Only on the V8 majors where the flag is known to exist (an unknown flag is an error
 * line on stderr); ALLOCSCOPE_V8_DEFAULTS=1 keeps V8's defaults (to measure the difference).
 */
export function tuneJitForBatch(): void {
  if (process.env.ALLOCSCOPE_V8_DEFAULTS || !/^1[12]\./.test(process.versions.v8)) return
  setFlagsFromString('--interrupt-budget=1048576')
}

/**
 * V8 lets an isolate's old generation grow to up to 4× what survived its last full collection
 * before the next one. Growth by 1.5× collects sooner, where memory is the limit and not speed:
 * - batch: a worker's garbage is many small inputs' worth; each of the three isolates sat at
 *   45-60 MiB of heap with 15-50 used, and 100 000 inputs peaked at 241-250 MiB RSS (goal < 250);
 *   bounded: 200-203 MiB (3 runs), for 0-8 % more CPU on that run (60: 232 MiB; bench/NOTES.md);
 * - a log of 256 MiB or more read on two threads (analysis/split.ts): 1 GiB peaked at
 *   183-214 MiB (goal < 200), bounded 165-173 MiB, for 5-20 % more time; at 100 MiB it saved
 *   nothing and cost 5-10 % (4 interleaved runs), hence the threshold.
 * The flag is the process's, read at every collection: restoreHeaps() gives an in-process caller
 * (the tests) V8's default back when the work ends.
 */
export function boundHeaps(): void {
  if (process.env.ALLOCSCOPE_V8_DEFAULTS || !/^1[12]\./.test(process.versions.v8)) return
  setFlagsFromString('--heap-growing-percent=50')
}

/** V8's own growth factor again (0: computed from the collector's speed). */
export function restoreHeaps(): void {
  if (process.env.ALLOCSCOPE_V8_DEFAULTS || !/^1[12]\./.test(process.versions.v8)) return
  setFlagsFromString('--heap-growing-percent=0')
}

/**
 * Starts `n` workers now, so that their start-up (a Node isolate and the analysis modules each,
 * ~0.1-0.2 s) overlaps the main thread listing the inputs; the pool takes them (BatchPool's
 * `started`). The caller terminates them when it does not get as far as the pool.
 */
export function startWorkers(n: number): Worker[] {
  boundHeaps()
  return Array.from({length: Math.max(1, n)}, () => newWorker())
}

/**
 * A batch worker (or another module's: the split reader of a large log, src/analysis/split.ts);
 * the JIT flags are set first (they apply to isolates made after them).
 */
export function newWorker(url: URL = WORKER_URL): Worker {
  tuneJitForBatch()
  return new Worker(url, {resourceLimits: WORKER_LIMITS})
}

export class BatchPool {
  private readonly workers: Worker[] = []
  /** The tasks each worker holds, oldest first (at most IN_FLIGHT). */
  private readonly busy = new Map<Worker, number[]>()
  private next = 0
  private writeSeq = 0
  private done = 0
  private readonly pending = new Map<number, {lines: string[][]; final: boolean}>()
  /** The worker running each task sent out and not final yet (acknowledgements go to it). */
  private readonly owner = new Map<number, Worker>()
  private held = 0
  /** Inputs known to be in the run: tasks, an archive's counted inputs for the task; archives not counted yet. */
  private total: number
  private readonly uncounted: Set<number>
  private readonly result: PoolResult = {records: 0, inputs: 0, heldMax: 0, errors: 0, multiBoot: 0, maxSeverity: -1, stopped: false}
  private finish!: (r: PoolResult) => void
  private fail!: (e: Error) => void
  private readonly window: number

  constructor(
    private readonly tasks: Task[],
    private readonly opts: PoolOptions,
  ) {
    this.window = Math.max(8, opts.jobs * 8)
    this.uncounted = new Set(tasks.flatMap((t, seq) => (t.type === 'archive' ? [seq] : [])))
    this.total = tasks.length - this.uncounted.size
  }

  run(): Promise<PoolResult> {
    const p = new Promise<PoolResult>((res, rej) => {
      this.finish = res
      this.fail = rej
    })
    const started = this.opts.started ?? []
    const n = Math.min(Math.max(1, this.opts.jobs), this.tasks.length)
    // Started workers beyond what the tasks need are not kept.
    for (const w of started.splice(n)) void w.terminate()
    if (this.tasks.length === 0) {
      this.finish(this.result)
      return p
    }
    for (let i = 0; i < n; i++) this.spawn(started.shift())
    return p
  }

  /** Ends the run now: workers are terminated; lines already written are whole. */
  async stop(): Promise<void> {
    this.result.stopped = true
    await Promise.all(this.workers.map((w) => w.terminate()))
    this.finish(this.result)
  }

  private spawn(started?: Worker): void {
    const w = started ?? newWorker()
    this.workers.push(w)
    w.on('message', (m: ResultMessage) => this.onMessage(w, m))
    w.on('error', (e) => {
      // A worker that dies takes its tasks with it: they become error records, a new worker takes over.
      const held = this.busy.get(w) ?? []
      this.workers.splice(this.workers.indexOf(w), 1)
      this.busy.delete(w)
      if (this.result.stopped) return
      if (held.length === 0) return this.fail(e)
      this.spawn()
      for (const seq of held) this.onMessage(undefined, internalErrorResult(seq, this.tasks[seq]!, `worker failed: ${e.message}`))
    })
    this.busy.set(w, [])
    this.dispatch(w)
  }

  private dispatch(w: Worker): void {
    const held = this.busy.get(w)!
    while (!this.result.stopped && held.length < IN_FLIGHT && this.next < this.tasks.length) {
      if (this.opts.ordered && this.next - this.writeSeq >= this.window) return
      const seq = this.next++
      held.push(seq)
      this.owner.set(seq, w)
      w.postMessage({seq, task: this.tasks[seq]!} satisfies TaskMessage)
    }
  }

  private onMessage(w: Worker | undefined, m: ResultMessage): void {
    if (this.result.stopped) return
    this.result.errors += m.errors
    this.result.multiBoot += m.multiBoot
    this.result.maxSeverity = Math.max(this.result.maxSeverity, m.maxSeverity)
    this.count(m)
    // A task's last message: its worker waits for no acknowledgement (one per input was 100 000
    // messages to the workers on 100 000 files: 67 s and 245 MiB peak RSS, against 51-55 s and
    // 231-236 MiB without, /usr/bin/time, one run each).
    if (m.final) this.owner.delete(m.seq)
    if (!this.opts.ordered || m.seq === this.writeSeq) this.emit(m.seq, m.lines)
    else this.hold(m)
    if (!m.final) return
    if (w) this.release(w, m.seq)
    if (!this.opts.ordered) this.taskWritten()
    else if (m.seq === this.writeSeq) this.advance()
    for (const x of this.workers) this.dispatch(x)
    if (this.done === this.tasks.length) void this.close()
  }

  /** Progress: the inputs the message finishes, and an archive's count. */
  private count(m: ResultMessage): void {
    // An archive whose worker died before counting it counts what it ended with (its error record).
    const counted = m.total ?? (m.final ? m.units : undefined)
    if (counted !== undefined && this.uncounted.delete(m.seq)) this.total += counted
    if (m.units === 0 && m.total === undefined) return
    this.result.inputs += m.units
    this.opts.onProgress?.(this.result.inputs, this.uncounted.size > 0 ? undefined : this.total)
  }

  private hold(m: ResultMessage): void {
    const p = this.pending.get(m.seq) ?? {lines: [], final: false}
    p.lines.push(m.lines)
    p.final = m.final
    this.pending.set(m.seq, p)
    this.held += m.lines.length
    this.result.heldMax = Math.max(this.result.heldMax, this.held)
  }

  private release(w: Worker, seq: number): void {
    const held = this.busy.get(w)
    const i = held?.indexOf(seq) ?? -1
    if (i >= 0) held!.splice(i, 1)
  }

  /** The oldest task is written: write the ones after it that are complete, and the lines the next one has so far. */
  private advance(): void {
    this.pending.delete(this.writeSeq)
    this.taskWritten()
    this.writeSeq++
    for (let p = this.pending.get(this.writeSeq); p; p = this.pending.get(this.writeSeq)) {
      for (const l of p.lines) {
        this.held -= l.length
        this.emit(this.writeSeq, l)
      }
      p.lines = []
      if (!p.final) break
      this.pending.delete(this.writeSeq)
      this.taskWritten()
      this.writeSeq++
    }
  }

  /** Writes lines of task `seq`, and tells its worker if it is still running it (flow control). */
  private emit(seq: number, lines: string[]): void {
    if (lines.length === 0) return
    this.result.records += lines.length
    this.opts.write(lines)
    this.owner.get(seq)?.postMessage({ack: seq, lines: lines.length} satisfies AckMessage)
  }

  private taskWritten(): void {
    this.done++
  }

  private async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
    this.finish(this.result)
  }
}
