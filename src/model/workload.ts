// Host + profile → the early page allocations as events (cpu, pfn, order, time, phase), kept in
// typed arrays so that 8192-CPU hosts replay in milliseconds. The workload does not depend on the
// scheduler's seed: only the interleaving (and so the race counts) does.
import {type Host, type Window, pageExtWindow, sections} from './host.js'
import type {Profile} from './profile.js'
import {term} from './terms.js'
import {mergeByKey} from './merge.js'

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
  /** When the page_ext of each section (ascending PFN order, as page_ext_init() walks them) exists. */
  sectionReady: Float64Array
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

export function buildWorkload(host: Host, profile: Profile): Workload {
  const {window, reason} = pageExtWindow(host)
  const exp = expectedCounts(host, profile)
  const C = window === 'none' ? 0 : Math.max(0, Math.round(exp.calls))
  const onlineShare = exp.byTerm.filter((t) => term(t.id).attribution === 'online').reduce((s, t) => s + t.calls, 0)
  const setupShare = exp.byTerm.filter((t) => term(t.id).phase === 'setup').reduce((s, t) => s + t.calls, 0)
  // Bring-up work runs on every online CPU only when page_ext comes after smp_init().
  const nCpus = window === 'after-smp' ? host.onlineCpus : 1
  const nBringup = window === 'after-smp' ? Math.min(C, Math.max(0, Math.round(onlineShare))) : 0
  const nSetup = Math.min(C - nBringup, Math.max(0, Math.round(setupShare)))
  const nBoot = C - nBringup - nSetup
  const P = C === 0 ? 0 : Math.max(C, Math.round(exp.pages))

  const cpu = nCpus > 65535 ? new Uint32Array(C) : new Uint16Array(C)
  const order = new Uint8Array(C)
  const pfn = new Float64Array(C)
  const time = new Float64Array(C)
  const phase = new Uint8Array(C)
  const retag = new Uint8Array(C)
  const cpuStart = new Int32Array(nCpus + 1)

  // Per-CPU share of the bring-up events: CPU c gets floor or ceil of nBringup / nCpus.
  const share = (c: number) => Math.floor(((c + 1) * nBringup) / nCpus) - Math.floor((c * nBringup) / nCpus)
  // Time in units of one boot-CPU allocation. smp_init() brings CPUs up one after another: CPU c
  // starts its work U after CPU c-1 and spends 2U on it (its kthreads overlap the next bring-up),
  // so about two CPUs allocate at any moment.
  const tBoot = nBoot
  const U = Math.max(1, Math.ceil(nBringup / nCpus))
  const setupStart = tBoot + (nBringup > 0 ? nCpus * U : 0)
  const readyTime = setupStart + Math.max(nSetup + 1, nBringup > 0 ? U : 1)

  let k = 0
  // CPU 0: start_kernel()/mm_core_init() work, its own bring-up share, then page_ext_init().
  for (let i = 0; i < nBoot; i++, k++) {
    time[k] = i
    phase[k] = PHASE_BOOT
  }
  const s0 = share(0)
  for (let i = 0; i < s0; i++, k++) {
    time[k] = tBoot + ((i + 0.5) * U) / s0
    phase[k] = PHASE_BRINGUP
  }
  for (let i = 0; i < nSetup; i++, k++) {
    time[k] = setupStart + i + 0.5
    phase[k] = PHASE_SETUP
  }
  cpuStart[1] = k
  for (let c = 1; c < nCpus; c++) {
    const s = share(c)
    const t0 = tBoot + c * U
    for (let i = 0; i < s; i++, k++) {
      cpu[k] = c
      time[k] = t0 + ((i + 0.5) * 2 * U) / s
      phase[k] = PHASE_BRINGUP
    }
    cpuStart[c + 1] = k
  }

  // Order mix: the pages beyond one per call come from high-order allocations of maxOrder
  // (page_ext chunks, large hashes); page_ext set-up events take them first.
  const K = Math.max(0, Math.min(10, profile.maxOrder))
  let nHigh = K > 0 ? Math.min(C, Math.round((P - C) / (2 ** K - 1))) : 0
  const pagesTotal = C + nHigh * (2 ** K - 1)
  for (let i = cpuStart[1] - nSetup; i < cpuStart[1] && nHigh > 0; i++, nHigh--) order[i] = K
  if (nHigh > 0) {
    const boot = cpuStart[1] - nSetup
    evenly(boot, nHigh, (i) => {
      order[i] = K
    })
    nHigh -= Math.min(boot, nHigh)
    evenly(C - cpuStart[1], nHigh, (i) => {
      order[cpuStart[1] + i] = K
    })
  }
  evenly(C, Math.round(profile.keptTaggedRate * C), (i) => {
    retag[i] = 1
  })

  // PFNs from a top-down allocator in time order: the buddy allocator hands out the blocks
  // memblock_free_all() freed last (the highest) first.
  const totalPfns = Math.floor(host.memoryBytes / host.pageSize)
  const idx = mergeByKey(time, cpuStart, nCpus)
  let cursor = totalPfns
  for (let j = 0; j < C; j++) {
    const i = idx[j]
    const size = 2 ** order[i]
    let next = Math.floor((cursor - size) / size) * size
    if (next < 0) next = Math.floor((totalPfns - size) / size) * size // memory exhausted: wrap (noted by the caller)
    pfn[i] = next
    cursor = next
  }
  const nSections = sections(host)
  const sectionReady = new Float64Array(nSections)
  // page_ext_init() walks the sections in PFN order while the last CPUs are still allocating.
  for (let s = 0; s < nSections; s++) sectionReady[s] = setupStart + ((s + 1) * (readyTime - setupStart)) / nSections
  return {
    window,
    windowReason: reason,
    n: C,
    cpu,
    order,
    pfn,
    time,
    phase,
    retag,
    nCpus,
    cpuStart,
    calls: C,
    pages: pagesTotal,
    byTerm: exp.byTerm,
    setupStart,
    readyTime,
    sectionReady,
    pagesPerSection: Math.floor((128 * 2 ** 20) / host.pageSize),
    nextPfn: cursor,
    totalPfns,
  }
}
