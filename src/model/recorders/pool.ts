// The replacement recorder (final version of the linked-list patch, carried by 7.2): a chain of
// page-sized struct pfn_pool, newest first. Recording a PFN: read current_pfn_pool; if none or
// full, alloc_page(__GFP_HIGH | __GFP_NO_CODETAG) (not recorded itself), link it in front and
// publish it with cmpxchg(&current_pfn_pool, old, new). The loser of that race clears its page's
// tag reference and frees it, then retries. Then reserve a slot with atomic_cmpxchg(&count) and
// store the PFN. The allocation is a window other CPUs can run in: it is modelled as a pending
// micro-step whose latency the seeded scheduler draws.
//
// Only counts are kept (the current pool's fill, and the clear pass's verdict per PFN as it is
// recorded): the walk's totals do not depend on its order, so memory stays O(CPUs), never O(PFNs).
import type {Workload} from '../workload.js'
import {sectionReadyTime} from '../workload.js'
import {type Interleaving, StepHeap} from '../scheduler.js'
import {type RecorderRun, SAMPLE_DROPPED, newRun} from './result.js'

/**
 * The latency used when the profile has none fitted: an assumption (a quarter of an event gap),
 * not a measurement.
 */
export const DEFAULT_ALLOC_LATENCY = 0.25

export const POOL_ALLOC_FAILED_MESSAGE = 'early PFN tracking page allocation failed'

export interface PoolOptions {
  /** PFN_POOL_SIZE (510 for 4 KiB pages on 64-bit). */
  poolSize: number
  pageSize: number
  /** 1-based tracking-page allocation attempts that fail (alloc_page() returns NULL). */
  failAttempts?: ReadonlySet<number>
  /** Mean latency of alloc_page() for the tracking page, in workload time units (one unit is the
   *  gap between two allocations of the boot CPU; a page allocation takes a fraction of it). */
  allocLatency?: number
}

/** A CPU waiting for its tracking page: the event it records, the pool it saw full, the page. */
interface Pending {
  event: number
  old: number
  pfn: number
  allocTime: number
}

class PoolReplay {
  readonly run: RecorderRun
  private current = -1 // current_pfn_pool (RCU pointer): the pool's serial number, -1 is NULL
  private currentCount = 0
  private nextPfn: number
  private live = 0 // tracking pages allocated and not freed
  private attempts = 0
  private issued = 0
  private readonly pending: (Pending | undefined)[]
  private readonly deferred: number[][]
  private readonly heap = new StepHeap()
  private readonly latency: number

  constructor(
    private readonly w: Workload,
    private readonly il: Interleaving,
    private readonly opts: PoolOptions,
  ) {
    this.run = newRun('pool', w.n, 0)
    this.nextPfn = w.nextPfn
    this.pending = new Array(w.nCpus)
    this.deferred = new Array(w.nCpus)
    this.latency = opts.allocLatency ?? DEFAULT_ALLOC_LATENCY
  }

  private pageExtReady(pfn: number, t: number): boolean {
    const s = Math.min(this.w.nSections - 1, Math.floor(pfn / this.w.pagesPerSection))
    return sectionReadyTime(this.w, s) <= t
  }

  /** A PFN stored: the final walk sets it empty, or keeps it when it was re-tagged meanwhile. */
  private store(e: number): void {
    this.currentCount++
    this.run.recorded++
    if (this.w.retag[e]) this.run.clearPass.keptTagged++
    else this.run.clearPass.setEmpty++
  }

  private drop(e: number, c: number, t: number): void {
    const run = this.run
    run.dropped++
    const d = run.wouldWarnIfFreed
    d.calls++
    d.pages += 2 ** this.w.order[e]
    if (d.sample.length < SAMPLE_DROPPED) d.sample.push({pfn: this.w.pfn[e], order: this.w.order[e], cpu: c})
    if (run.allocFailures === 1) run.warnings.push({text: POOL_ALLOC_FAILED_MESSAGE, atEvent: this.issued, time: t, cpu: c})
  }

  /** Records event e on CPU c at time t; returns false when the CPU now waits on its allocation. */
  attempt(e: number, c: number, t: number): boolean {
    if (this.current >= 0 && this.currentCount < this.opts.poolSize) {
      this.store(e)
      return true
    }
    const run = this.run
    this.attempts++
    if (this.opts.failAttempts?.has(this.attempts)) {
      run.allocFailures++
      this.drop(e, c, t)
      return true
    }
    // alloc_page() with the no-codetag flag: pgalloc_tag_add() skips it, so it is not recorded.
    run.noCodetagCalls++
    run.trackingPagesAllocated++
    this.live++
    run.trackingBytesPeak = Math.max(run.trackingBytesPeak, this.live * this.opts.pageSize)
    // Next block of the top-down allocator; wraps when the model runs out of memory.
    this.nextPfn = this.nextPfn > 0 ? this.nextPfn - 1 : this.w.totalPfns - 1
    this.pending[c] = {event: e, old: this.current, pfn: this.nextPfn, allocTime: t}
    this.heap.push(t + this.latency * (0.5 + this.il.rng()), c)
    return false
  }

  publish(c: number, t: number): void {
    const p = this.pending[c]!
    this.pending[c] = undefined
    const run = this.run
    if (this.current === p.old) {
      this.current = run.poolsPublished++
      this.currentCount = 0
      // Hazard (b): page_ext of the page's section existed when it was allocated, so the
      // allocation was accounted to the tracking site; the walk overwrites the reference.
      if (this.pageExtReady(p.pfn, p.allocTime)) run.leakedAccounting.expected++
      this.store(p.event)
    } else {
      // cmpxchg lost: clear_page_tag_ref() then __free_page(), and retry. An accounted loser's
      // page leaks its accounting the same way: the cleared reference is never subtracted.
      run.raceFrees++
      if (this.pageExtReady(p.pfn, p.allocTime)) run.leakedAccounting.expected++
      this.live--
      if (!this.pageExtReady(p.pfn, p.allocTime) && this.pageExtReady(p.pfn, t)) run.raceFreesAcrossPageExt++
      if (!this.attempt(p.event, c, t)) return
    }
    const q = this.deferred[c]
    while (q && q.length && !this.pending[c]) this.attempt(q.shift()!, c, t)
  }

  /** Publishes every pending allocation due by time t (all of them with Infinity). */
  drain(t: number): void {
    while (this.heap.size && this.heap.peekTime() <= t) {
      const s = this.heap.pop()
      this.publish(s.cpu, s.time)
    }
  }

  issue(k: number): void {
    const e = this.il.order[k]
    const t = this.il.issue[e]
    this.drain(t)
    this.issued = k + 1
    const c = this.w.cpu[e]
    if (this.pending[c]) (this.deferred[c] ??= []).push(e)
    else this.attempt(e, c, t)
  }
}

export function runPool(w: Workload, il: Interleaving, opts: PoolOptions): RecorderRun {
  const replay = new PoolReplay(w, il, opts)
  for (let k = 0; k < w.n; k++) replay.issue(k)
  replay.drain(Infinity)
  const run = replay.run
  // The final walk at page_ext init frees every pool page; a page whose allocation was accounted
  // (hazard b) stays charged to the tracking site. The bound accepted in review: at most one page
  // per tracking page the recorder allocated, the race losers' pages included (each loser's page
  // is accounted like a published one when its section already had page_ext).
  run.leakedAccounting.worstCase = run.trackingPagesAllocated
  run.leakedAccounting.bytes = run.leakedAccounting.expected * opts.pageSize
  return run
}
