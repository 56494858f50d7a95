// The replacement recorder (final version of the linked-list patch, carried by 7.2): a chain of
// page-sized struct pfn_pool, newest first. Recording a PFN: read current_pfn_pool; if none or
// full, alloc_page(__GFP_HIGH | __GFP_NO_CODETAG) (not recorded itself), link it in front and
// publish it with cmpxchg(&current_pfn_pool, old, new). The loser of that race clears its page's
// tag reference and frees it, then retries. Then reserve a slot with atomic_cmpxchg(&count) and
// store the PFN. The allocation is a window other CPUs can run in: it is modelled as a pending
// micro-step whose latency the seeded scheduler draws.
import type {Workload} from '../workload.js'
import {type Interleaving, StepHeap} from '../scheduler.js'
import {type RecorderRun, SAMPLE_DROPPED, newRun} from './result.js'

/** The latency used when the profile has none fitted (an uncalibrated guess: a quarter of an event gap). */
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

export function runPool(w: Workload, il: Interleaving, opts: PoolOptions): RecorderRun {
  const SIZE = opts.poolSize
  const latency = opts.allocLatency ?? DEFAULT_ALLOC_LATENCY
  const run = newRun('pool', w.n, 0)
  // The pool chain: per pool its count, next, page PFN and whether its page got accounted.
  const cap = Math.ceil(w.n / SIZE) + 1
  let poolCount = new Int32Array(cap)
  let poolNext = new Int32Array(cap)
  let poolAccounted = new Uint8Array(cap)
  let slots = new Int32Array(cap * SIZE)
  let nPools = 0
  let current = -1 // current_pfn_pool (RCU pointer); -1 is NULL
  let nextPfn = w.nextPfn
  let live = 0 // tracking pages allocated and not freed
  let attempts = 0

  // Per-CPU pending publish: the event being recorded, the pool seen full, the new page.
  const nC = w.nCpus
  const blocked = new Uint8Array(nC)
  const pendEvent = new Int32Array(nC)
  const pendOld = new Int32Array(nC)
  const pendPfn = new Float64Array(nC)
  const pendAllocTime = new Float64Array(nC)
  const deferred: number[][] = new Array(nC)
  const heap = new StepHeap()
  let issued = 0

  const sectionOf = (pfn: number) => Math.min(w.sectionReady.length - 1, Math.floor(pfn / w.pagesPerSection))
  const pageExtReady = (pfn: number, t: number) => w.sectionReady[sectionOf(pfn)] <= t

  const grow = () => {
    const n = poolCount.length * 2
    const c2 = new Int32Array(n)
    c2.set(poolCount)
    poolCount = c2
    const n2 = new Int32Array(n)
    n2.set(poolNext)
    poolNext = n2
    const a2 = new Uint8Array(n)
    a2.set(poolAccounted)
    poolAccounted = a2
    const s2 = new Int32Array(n * SIZE)
    s2.set(slots)
    slots = s2
  }

  const drop = (e: number, c: number, t: number) => {
    run.dropped++
    const d = run.wouldWarnIfFreed
    d.calls++
    d.pages += 2 ** w.order[e]
    if (d.sample.length < SAMPLE_DROPPED) d.sample.push({pfn: w.pfn[e], order: w.order[e], cpu: c})
    if (run.allocFailures === 1) run.warnings.push({text: POOL_ALLOC_FAILED_MESSAGE, atEvent: issued, time: t, cpu: c})
  }

  /** Records event e on CPU c at time t; returns false when the CPU now waits on its allocation. */
  const attempt = (e: number, c: number, t: number): boolean => {
    if (current >= 0 && poolCount[current] < SIZE) {
      slots[current * SIZE + poolCount[current]++] = e
      run.recorded++
      return true
    }
    attempts++
    if (opts.failAttempts?.has(attempts)) {
      run.allocFailures++
      drop(e, c, t)
      return true
    }
    // alloc_page() with the no-codetag flag: pgalloc_tag_add() skips it, so it is not recorded.
    run.noCodetagCalls++
    run.poolPages++
    live++
    if (live * opts.pageSize > run.trackingBytesPeak) run.trackingBytesPeak = live * opts.pageSize
    blocked[c] = 1
    pendEvent[c] = e
    pendOld[c] = current
    // Next block of the top-down allocator; wraps when the model runs out of memory.
    nextPfn = nextPfn > 0 ? nextPfn - 1 : w.totalPfns - 1
    pendPfn[c] = nextPfn
    pendAllocTime[c] = t
    heap.push(t + latency * (0.5 + il.rng()), c)
    return false
  }

  const runDeferred = (c: number, t: number) => {
    const q = deferred[c]
    while (q && q.length && !blocked[c]) attempt(q.shift()!, c, t)
  }

  const publish = (c: number, t: number) => {
    blocked[c] = 0
    const e = pendEvent[c]
    if (current === pendOld[c]) {
      if (nPools === poolCount.length) grow()
      const p = nPools++
      poolNext[p] = current // new->next = old
      poolCount[p] = 0
      // Hazard (b): page_ext of the page's section existed when it was allocated, so the
      // allocation was accounted to the tracking site; the walk overwrites the reference.
      poolAccounted[p] = pageExtReady(pendPfn[c], pendAllocTime[c]) ? 1 : 0
      current = p
      run.poolsPublished++
      slots[p * SIZE + poolCount[p]++] = e
      run.recorded++
    } else {
      // cmpxchg lost: clear_page_tag_ref() then __free_page(), and retry.
      run.raceFrees++
      live--
      if (!pageExtReady(pendPfn[c], pendAllocTime[c]) && pageExtReady(pendPfn[c], t)) run.raceFreesAcrossPageExt++
      if (!attempt(e, c, t)) return
    }
    runDeferred(c, t)
  }

  for (let k = 0; k < w.n; k++) {
    const e = il.order[k]
    const t = il.issue[e]
    while (heap.size && heap.peekTime() <= t) {
      const s = heap.pop()
      publish(s.cpu, s.time)
    }
    issued = k + 1
    const c = w.cpu[e]
    if (blocked[c]) {
      ;(deferred[c] ??= []).push(e)
      continue
    }
    attempt(e, c, t)
  }
  while (heap.size) {
    const s = heap.pop()
    publish(s.cpu, s.time)
  }

  // The final walk at page_ext init, newest first: clear the still-empty references, then clear
  // each pool page's own reference and free it.
  for (let p = current; p >= 0; p = poolNext[p]) {
    for (let i = 0; i < poolCount[p]; i++) {
      if (w.retag[slots[p * SIZE + i]]) run.clearPass.keptTagged++
      else run.clearPass.setEmpty++
    }
    if (poolAccounted[p]) run.leakedAccounting.expected++
  }
  // Bound accepted in review: at most one page per tracking node.
  run.leakedAccounting.worstCase = run.poolsPublished
  run.leakedAccounting.bytes = run.leakedAccounting.expected * opts.pageSize
  return run
}
