// The worker-thread pool of `allocscope batch`: tasks go out one per idle worker; the main thread
// only orders the lines that come back and writes them. In input order, at most `window` tasks
// are in flight past the oldest unwritten one, and a running archive's lines held unwritten are
// bounded too (its worker waits for acknowledgements: messages.ts HOLD_MAX), so what waits in
// memory is bounded whatever the number of inputs; --unordered writes lines as they come.
import {Worker} from 'node:worker_threads'
import type {Task} from './inputs.js'
import {HeapBound, tuneJitForBatch} from '../v8-flags.js'
import {type AckMessage, internalErrorResult, type ResultMessage, type TaskMessage} from './messages.js'

export interface PoolOptions {
  jobs: number
  /** Workers started before the tasks were known (startWorkers), taken before any new one. */
  started?: Worker[]
  ordered: boolean
  /**
   * Write complete lines (the caller writes them in one call); false when the output holds more
   * than it wants (stdout's reader is slow): no new task is sent, and an archive's worker is not
   * told its lines were written, until `waitDrain`'s callback.
   */
  write(lines: string[]): boolean | void
  /** Calls back once the output takes lines again (after a write that returned false). */
  waitDrain?(resume: () => void): void
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
 * The most worker threads --jobs takes. Each is a V8 isolate of ~6 MiB with its own heap, started
 * at once: --jobs 64 over one input took 7.9 s and 420 MB RSS, --jobs 100000 ended in V8's
 * "Fatal javascript OOM" (exit 133). Past the cores, more workers only wait for them.
 */
export const MAX_JOBS = 256

/**
 * Resident memory past which the collectors' slack is bounded (v8-flags.ts HeapBound): above what
 * 10 000 small inputs peak at unbounded (165 MiB), below the 250 MiB that 100 000 must stay under.
 */
const BOUND_HEAPS_MIB = 180
/** Inputs between two looks at resident memory. */
const RSS_EVERY = 64

/**
 * Starts `n` workers now, so that their start-up (a Node isolate and the analysis modules each,
 * ~0.1-0.2 s) overlaps the main thread listing the inputs; the pool takes them (BatchPool's
 * `started`) and starts the others the tasks need. The caller terminates them when it does not
 * get as far as the pool.
 */
export function startWorkers(n: number): Worker[] {
  return Array.from({length: n}, () => newWorker())
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
  /** The output said it is full: see PoolOptions.write. */
  private paused = false
  /** Acknowledgements held while paused: an archive's worker stops at HOLD_MAX unacknowledged lines. */
  private readonly acksDue: [Worker, AckMessage][] = []
  private readonly heapBound = new HeapBound(BOUND_HEAPS_MIB)

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
    while (!this.result.stopped && !this.paused && held.length < IN_FLIGHT && this.next < this.tasks.length) {
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
    if (!this.opts.ordered) this.done++
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
    const before = this.result.inputs
    this.result.inputs += m.units
    if (Math.floor(before / RSS_EVERY) !== Math.floor(this.result.inputs / RSS_EVERY)) this.heapBound.check()
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
    this.done++
    this.writeSeq++
    for (let p = this.pending.get(this.writeSeq); p; p = this.pending.get(this.writeSeq)) {
      for (const l of p.lines) {
        this.held -= l.length
        this.emit(this.writeSeq, l)
      }
      p.lines = []
      if (!p.final) break
      this.pending.delete(this.writeSeq)
      this.done++
      this.writeSeq++
    }
  }

  /** Writes lines of task `seq`, and tells its worker if it is still running it (flow control). */
  private emit(seq: number, lines: string[]): void {
    if (lines.length === 0) return
    this.result.records += lines.length
    // Full only for an output that says when it drains: acknowledgements held otherwise would never go.
    const full = this.opts.write(lines) === false && this.opts.waitDrain !== undefined
    if (full && !this.paused) {
      this.paused = true
      this.opts.waitDrain!(() => this.resume())
    }
    const owner = this.owner.get(seq)
    if (!owner) return
    const ack: AckMessage = {ack: seq, lines: lines.length}
    if (this.paused) this.acksDue.push([owner, ack])
    else owner.postMessage(ack)
  }

  /**
   * The output takes lines again: held acknowledgements go out and tasks are sent. Memory stays
   * bounded when stdout's reader is slow: what is written but not taken is at most the tasks in
   * flight and HOLD_MAX lines per archive (before, every record waited in stdout's queue).
   */
  private resume(): void {
    this.paused = false
    for (const [w, ack] of this.acksDue.splice(0)) if (this.workers.includes(w)) w.postMessage(ack)
    for (const x of this.workers) this.dispatch(x)
  }

  private async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()))
    this.finish(this.result)
  }
}
