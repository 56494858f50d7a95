// Host + profile → the early page allocations as events (cpu, pfn, order, time, phase), kept in
// typed arrays so that 8192-CPU hosts replay in milliseconds. The workload does not depend on the
// scheduler's seed: only the interleaving (and so the race counts) does.
import {type Host, SECTION_BYTES, type Window, pageExtWindow, sections} from './host.js'
import type {Profile} from './profile.js'
import {type TermDef, movesWithCpus, term} from './terms.js'
import {mergeByKey} from './merge.js'

/**
 * Most early allocations replayed event by event (2^20; 65536 CPUs after SMP make ~600 000). More
 * than the largest fitted host by far: beyond it the recorders' counts are computed, not replayed.
 */
export const MAX_REPLAY_EVENTS = 2 ** 20

export const PHASE_BOOT = 0
export const PHASE_BRINGUP = 1
export const PHASE_SETUP = 2

export interface TermCount {
  id: string
  value: number
  calls: number
  pages: number
}

export interface Workload {
  window: Window
  windowReason: string
  /** Events, grouped by CPU, in time order within each CPU. */
  n: number
  cpu: Uint16Array | Uint32Array
  order: Uint8Array
  pfn: Float64Array
  time: Float64Array
  phase: Uint8Array
  /** 1: the page is freed and reallocated after page_ext came up (the clear pass finds it re-tagged). */
  retag: Uint8Array
  /** CPUs that allocate in the window: 1 before SMP, every online CPU after. */
  nCpus: number
  /** Events of CPU c are [cpuStart[c], cpuStart[c+1]). */
  cpuStart: Int32Array
  calls: number
  pages: number
  byTerm: TermCount[]
  /** Time page_ext_init() starts allocating, and when every section has its page_ext. */
  setupStart: number
  readyTime: number
  /** Sections of the host (page_ext_init() walks them in PFN order: sectionReadyTime()). */
  nSections: number
  pagesPerSection: number
  /** The top-down allocator continues below this PFN (tracking pages come from there). */
  nextPfn: number
  totalPfns: number
}

/** Evaluates the profile's terms for a host: predicted calls and pages (before rounding). */
export function expectedCounts(host: Host, profile: Profile): {calls: number; pages: number; byTerm: TermCount[]} {
  const byTerm = profile.terms.map((t) => {
    const v = term(t.id).value(host, profile.params ?? {})
    return {id: t.id, value: v, calls: t.calls * v, pages: t.pages * v}
  })
  const calls = byTerm.reduce((s, t) => s + t.calls, 0)
  const pages = byTerm.reduce((s, t) => s + t.pages, 0)
  return {calls, pages, byTerm}
}

/**
 * expectedCounts' calls at any CPU count (possible = online) of one host, for a sweep's ~74 000
 * counts: the terms' definitions and the values of those no CPU count moves (terms.ts
 * movesWithCpus) are made once, the rest evaluated per count on one host object of its own. The
 * same products summed in the same order as expectedCounts, so the same number to the last bit.
 */
export function callsByCpus(host: Host, profile: Profile): (cpus: number) => number {
  const params = profile.params ?? {}
  const at: Host = {...host}
  // Per term: its calls at this host when no CPU count moves them, else its coefficient and value.
  const parts = profile.terms.map((t): number | [number, TermDef['value']] => {
    const def = term(t.id)
    return movesWithCpus(def) ? [t.calls, def.value] : t.calls * def.value(host, params)
  })
  return (cpus) => {
    at.possibleCpus = at.onlineCpus = cpus
    let calls = 0
    for (const p of parts) calls += typeof p === 'number' ? p : p[0] * p[1](at, params)
    return calls
  }
}

/** Spread k marks evenly over n slots (Bresenham), deterministic. */
function evenly(n: number, k: number, mark: (i: number) => void): void {
  if (k <= 0 || n <= 0) return
  k = Math.min(k, n)
  let acc = 0
  for (let i = 0; i < n; i++) {
    acc += k
    if (acc >= n) {
      acc -= n
      mark(i)
    }
  }
}

/** How the calls split over the window's phases, and who runs them. */
interface Split {
  C: number
  P: number
  nCpus: number
  nBoot: number
  nBringup: number
  nSetup: number
}

/** The early calls a window holds: none without page_ext, else the expected calls rounded (a fit can dip below 0). */
export const eventsOf = (window: Window, calls: number): number => (window === 'none' ? 0 : Math.max(0, Math.round(calls)))

function splitCalls(host: Host, window: Window, exp: ReturnType<typeof expectedCounts>): Split {
  const C = eventsOf(window, exp.calls)
  const onlineShare = exp.byTerm.filter((t) => term(t.id).attribution === 'online').reduce((s, t) => s + t.calls, 0)
  const setupShare = exp.byTerm.filter((t) => term(t.id).phase === 'setup').reduce((s, t) => s + t.calls, 0)
  // Bring-up work runs on every online CPU only when page_ext comes after smp_init().
  const nCpus = window === 'after-smp' ? host.onlineCpus : 1
  const nBringup = window === 'after-smp' ? Math.min(C, Math.max(0, Math.round(onlineShare))) : 0
  const nSetup = Math.min(C - nBringup, Math.max(0, Math.round(setupShare)))
  return {C, P: C === 0 ? 0 : Math.max(C, Math.round(exp.pages)), nCpus, nBoot: C - nBringup - nSetup, nBringup, nSetup}
}

interface Placed {
  cpu: Uint16Array | Uint32Array
  time: Float64Array
  phase: Uint8Array
  cpuStart: Int32Array
  setupStart: number
  readyTime: number
}

/**
 * Time in units of one boot-CPU allocation. smp_init() brings CPUs up one after another: CPU c
 * starts its work U after CPU c-1 and spends 2U on it (its kthreads overlap the next bring-up),
 * so about two CPUs allocate at any moment.
 */
function placeEvents(sp: Split): Placed {
  const {C, nCpus, nBoot, nBringup, nSetup} = sp
  const cpu = nCpus > 65535 ? new Uint32Array(C) : new Uint16Array(C)
  const time = new Float64Array(C)
  const phase = new Uint8Array(C)
  const cpuStart = new Int32Array(nCpus + 1)
  // Per-CPU share of the bring-up events: CPU c gets floor or ceil of nBringup / nCpus.
  const share = (c: number) => Math.floor(((c + 1) * nBringup) / nCpus) - Math.floor((c * nBringup) / nCpus)
  const tBoot = nBoot
  const U = Math.max(1, Math.ceil(nBringup / nCpus))
  const setupStart = tBoot + (nBringup > 0 ? nCpus * U : 0)
  const readyTime = setupStart + Math.max(nSetup + 1, nBringup > 0 ? U : 1)
  let k = 0
  const put = (c: number, t: number, ph: number) => {
    cpu[k] = c
    time[k] = t
    phase[k++] = ph
  }
  // CPU 0: start_kernel()/mm_core_init() work, its own bring-up share, then page_ext_init().
  for (let i = 0; i < nBoot; i++) put(0, i, PHASE_BOOT)
  const s0 = share(0)
  for (let i = 0; i < s0; i++) put(0, tBoot + ((i + 0.5) * U) / s0, PHASE_BRINGUP)
  for (let i = 0; i < nSetup; i++) put(0, setupStart + i + 0.5, PHASE_SETUP)
  cpuStart[1] = k
  for (let c = 1; c < nCpus; c++) {
    const s = share(c)
    const t0 = tBoot + c * U
    for (let i = 0; i < s; i++) put(c, t0 + ((i + 0.5) * 2 * U) / s, PHASE_BRINGUP)
    cpuStart[c + 1] = k
  }
  return {cpu, time, phase, cpuStart, setupStart, readyTime}
}

/**
 * Order mix: the pages beyond one per call come from high-order allocations of maxOrder (page_ext
 * chunks, large hashes); page_ext set-up events take them first. Returns the pages in total.
 */
function assignOrders(order: Uint8Array, sp: Split, bootEnd: number, maxOrder: number): number {
  const {C, P, nSetup} = sp
  const K = Math.max(0, Math.min(10, maxOrder))
  let nHigh = K > 0 ? Math.min(C, Math.round((P - C) / (2 ** K - 1))) : 0
  const pagesTotal = C + nHigh * (2 ** K - 1)
  for (let i = bootEnd - nSetup; i < bootEnd && nHigh > 0; i++, nHigh--) order[i] = K
  if (nHigh > 0) {
    const boot = bootEnd - nSetup
    evenly(boot, nHigh, (i) => (order[i] = K))
    nHigh -= Math.min(boot, nHigh)
    evenly(C - bootEnd, nHigh, (i) => (order[bootEnd + i] = K))
  }
  return pagesTotal
}

/**
 * PFNs from a top-down allocator in time order: the buddy allocator hands out the blocks
 * memblock_free_all() freed last (the highest) first. Returns where the allocator continues.
 */
function assignPfns(pfn: Float64Array, order: Uint8Array, idx: Int32Array, totalPfns: number): number {
  let cursor = totalPfns
  for (let j = 0; j < idx.length; j++) {
    const i = idx[j]
    const size = 2 ** order[i]
    let next = Math.floor((cursor - size) / size) * size
    if (next < 0) next = Math.floor((totalPfns - size) / size) * size // memory exhausted: wrap (noted by the caller)
    pfn[i] = next
    cursor = next
  }
  return cursor
}

/**
 * Events are stored (typed arrays of the call count), so predict() replays through this only up to
 * MAX_REPLAY_EVENTS; beyond that it counts (predict.ts), and the cost never grows with the host.
 */
export function buildWorkload(host: Host, profile: Profile): Workload {
  const {window, reason} = pageExtWindow(host)
  const exp = expectedCounts(host, profile)
  const sp = splitCalls(host, window, exp)
  if (sp.C > MAX_REPLAY_EVENTS) throw new Error(`buildWorkload: ${sp.C} events exceed the replay limit ${MAX_REPLAY_EVENTS} (predict counts instead)`)
  const placed = placeEvents(sp)
  const order = new Uint8Array(sp.C)
  const pagesTotal = assignOrders(order, sp, placed.cpuStart[1], profile.maxOrder)
  const retag = new Uint8Array(sp.C)
  evenly(sp.C, Math.round(profile.keptTaggedRate * sp.C), (i) => (retag[i] = 1))
  const totalPfns = Math.floor(host.memoryBytes / host.pageSize)
  const pfn = new Float64Array(sp.C)
  const nextPfn = assignPfns(pfn, order, mergeByKey(placed.time, placed.cpuStart, sp.nCpus), totalPfns)
  return {
    window,
    windowReason: reason,
    n: sp.C,
    ...placed,
    order,
    pfn,
    retag,
    nCpus: sp.nCpus,
    calls: sp.C,
    pages: pagesTotal,
    byTerm: exp.byTerm,
    nSections: sections(host),
    pagesPerSection: Math.floor(SECTION_BYTES / host.pageSize),
    nextPfn,
    totalPfns,
  }
}

/**
 * When the page_ext of section s exists: page_ext_init() walks the sections in PFN order from
 * setupStart to readyTime while the last CPUs are still allocating. A formula, not an array, so
 * that a petabyte host costs no more than a gigabyte one.
 */
export function sectionReadyTime(w: Pick<Workload, 'setupStart' | 'readyTime' | 'nSections'>, s: number): number {
  return w.setupStart + ((s + 1) * (w.readyTime - w.setupStart)) / w.nSections
}
