// What one run of a recorder reports: the same quantities for both, so they compare side by side.

export interface KernelWarning {
  text: string
  /** 1-based position of the event that triggered it, in issue order. */
  atEvent: number
  time: number
  cpu: number
}

export interface DroppedPage {
  pfn: number
  order: number
  cpu: number
}

export interface RecorderRun {
  recorder: 'legacy' | 'pool'
  events: number
  recorded: number
  dropped: number
  /** Pool: every tracking page allocated: the pools published plus the race losers' pages (raceFrees). */
  trackingPagesAllocated: number
  /** Pool: pools linked into the chain and kept until the final walk frees them (klab `pools=`). */
  poolsPublished: number
  /** Pool: pages allocated by cmpxchg losers, cleared and freed. */
  raceFrees: number
  /** Pool: tracking page allocations that failed (PFN dropped). */
  allocFailures: number
  /** Pool: tracking-page allocations skipped by the recorder because of the no-codetag flag. */
  noCodetagCalls: number
  /** Most bytes the recorder held at once (legacy: the static __initdata array). */
  trackingBytesPeak: number
  /**
   * Tracking pages whose accounting stays charged (hazard b), published pools and race losers'
   * pages alike: expected in this run, and the bound (one page per tracking page allocated).
   */
  leakedAccounting: {expected: number; worstCase: number; bytes: number}
  /** Race losers whose page got its page_ext between alloc_page() and __free_page() (hazard a). */
  raceFreesAcrossPageExt: number
  warnings: KernelWarning[]
  /** Legacy: when the array filled up (the pr_warn_once). */
  overflow?: KernelWarning
  /** The clear pass at page_ext init. */
  clearPass: {setEmpty: number; keptTagged: number}
  /** Dropped pages: each can trip `alloc_tag was not set` when freed on a DEBUG kernel (WARN_ONCE). */
  wouldWarnIfFreed: {calls: number; pages: number; sample: DroppedPage[]}
}

export const SAMPLE_DROPPED = 5

export function emptyDropped(): RecorderRun['wouldWarnIfFreed'] {
  return {calls: 0, pages: 0, sample: []}
}

/** A run with every counter at zero, as both recorders start. */
export function newRun(recorder: RecorderRun['recorder'], events: number, trackingBytesPeak: number): RecorderRun {
  return {
    recorder,
    events,
    recorded: 0,
    dropped: 0,
    trackingPagesAllocated: 0,
    poolsPublished: 0,
    raceFrees: 0,
    allocFailures: 0,
    noCodetagCalls: 0,
    trackingBytesPeak,
    leakedAccounting: {expected: 0, worstCase: 0, bytes: 0},
    raceFreesAcrossPageExt: 0,
    warnings: [],
    clearPass: {setEmpty: 0, keptTagged: 0},
    wouldWarnIfFreed: emptyDropped(),
  }
}
