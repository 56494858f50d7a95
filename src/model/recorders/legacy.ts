// The March 2026 recorder (7.0.4 stable): a fixed __initdata array of EARLY_ALLOC_PFN_MAX PFNs
// appended with a cmpxchg loop from __pgalloc_tag_add() when get_page_tag_ref() fails. Once full,
// pr_warn_once() and every further PFN is dropped. The cmpxchg loop never loses an update, so the
// interleaving changes which PFNs are dropped, never how many.
import {EARLY_ALLOC_PFN_MAX} from '../../kernel.js'
import type {Interleaving} from '../scheduler.js'
import type {Workload} from '../workload.js'
import {type RecorderRun, SAMPLE_DROPPED, newRun} from './result.js'

/** The array's size (its one home is src/kernel.ts). */
export {EARLY_ALLOC_PFN_MAX}

export const LEGACY_OVERFLOW_MESSAGE = (max: number) => `Early page allocations before page_ext init exceeded EARLY_ALLOC_PFN_MAX (${max})`

/**
 * The pages of the calls a full array drops, for `d` dropped calls: the cmpxchg loop never loses
 * an update, so the dropped calls are the last `d` issued, each with its own order (one PFN per
 * call, 2^order pages). The one home of that count: the legacy run's `wouldWarnIfFreed.pages` and
 * the kernel's own untagged pages (predict.ts kernelOutcome, at each end of its interval) both
 * come from here. Calls beyond the replay (an interval end above the replayed count) get the
 * replay's mean pages per call: no event says what order they would have.
 */
export type DroppedPages = (d: number) => number

export function replayDroppedPages(w: Pick<Workload, 'n' | 'order' | 'pages'>, il: Pick<Interleaving, 'order'>): DroppedPages {
  const perCall = w.n ? w.pages / w.n : 1
  return (d) => {
    let pages = 0
    for (let k = Math.max(0, w.n - d); k < w.n; k++) pages += 2 ** w.order[il.order[k]]
    return pages + Math.round(Math.max(0, d - w.n) * perCall)
  }
}

/** Past the replay limit no event exists: every dropped call gets the mean pages per call. */
export const countedDroppedPages =
  (perCall: number): DroppedPages =>
  (d) =>
    Math.round(Math.max(0, d) * perCall)

export interface LegacyOptions {
  max?: number
  wordBytes?: number
}

export function runLegacy(w: Workload, il: Interleaving, opts: LegacyOptions = {}): RecorderRun {
  const max = opts.max ?? EARLY_ALLOC_PFN_MAX
  const word = opts.wordBytes ?? 8
  const slots = new Int32Array(Math.min(max, w.n)) // early_pfns[]: event index per slot
  let count = 0 // atomic_t early_pfn_count
  const run = newRun('legacy', w.n, max * word)
  for (let k = 0; k < w.n; k++) {
    const e = il.order[k]
    if (count < max) {
      slots[count++] = e
      continue
    }
    if (!run.overflow) {
      run.overflow = {text: LEGACY_OVERFLOW_MESSAGE(max), atEvent: k + 1, time: il.issue[e], cpu: w.cpu[e]}
      run.warnings.push(run.overflow)
    }
    run.dropped++
    const d = run.wouldWarnIfFreed
    d.calls++
    if (d.sample.length < SAMPLE_DROPPED) d.sample.push({pfn: w.pfn[e], order: w.order[e], cpu: w.cpu[e]})
  }
  run.recorded = count
  run.wouldWarnIfFreed.pages = replayDroppedPages(w, il)(run.dropped)
  // clear_early_alloc_pfn_tag_refs(): write CODETAG_EMPTY where the reference is still empty; a
  // page freed and reallocated after page_ext came up carries a real tag and is left alone.
  for (let i = 0; i < count; i++) {
    if (w.retag[slots[i]]) run.clearPass.keptTagged++
    else run.clearPass.setEmpty++
  }
  return run
}
