// What the model expects for one host, in the shape the predicted-vs-observed rules read. The
// model (src/model) produces richer results; adapters in this folder reduce them to this value so
// that the rules stay a table of small functions over plain data.
import type {Interval} from '../model/interval.js'
import type {KlabCounts, Recorder} from '../types.js'

/** One predicted quantity that an instrumented boot also measures (a `klab:` value). */
export interface PredictedCount {
  /** The klab line it is measured by, and the key on that line. */
  kind: KlabCounts['kind']
  metric: string
  predicted: number
  /** What the number is, in the kernel's words. */
  label: string
  /** The 90 % interval predict states for it, where the count is judged against one (pools: model/tolerance.ts COUNT_CHECKS). */
  interval?: Interval
}

export interface Expectation {
  /** Which model and profile produced it (shown in reports). */
  source: string
  /** The profile and page_ext window of `source`, each a value of its own (the Model block, CSV). */
  profile?: string
  window?: string
  /** The recorder modelled for this kernel. */
  recorder: Recorder
  /** PFNs a recorder is asked to record: one per page allocation call before page_ext. */
  earlyPfns: number
  /** EARLY_ALLOC_PFN_MAX of the legacy array (8192 upstream). */
  legacyMax: number
  /** earlyPfns > legacyMax: the legacy array would print its overflow warning. */
  legacyOverflow: boolean
  legacyDropped: number
  /** pfn_pool pages the pool recorder allocates (ceil(recorded / PFN_POOL_SIZE) + race frees). */
  poolPages?: number
  pageSize: number
  /**
   * Bytes that may stay charged at the tracking allocation site after boot: at most one page per
   * tracking node (review point 4 of the pfn_pool series, accepted upstream as debug-only).
   */
  leakBoundBytes: number
  /** The model's expected (not worst-case) leaked bytes, when it says. */
  leakExpectedBytes?: number
  /** Functions the model expects to allocate before page_ext (their tags get ` accurate:no`). */
  earlySites?: string[]
  /** Where earlySites came from, for the report. */
  earlySitesSource?: string
  counts: PredictedCount[]
}
