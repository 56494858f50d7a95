// Which early-PFN recorder a kernel runs: the one rule for `analyse`'s verdict (profiling.ts) and
// every prediction's (model/predict.ts builtRecorder). lib/alloc_tag.c builds both recorders only
// under CONFIG_MEM_ALLOC_PROFILING_DEBUG, so without DEBUG none runs, whatever code the release
// carries. A review found one boot (page_ext after SMP, DEBUG not stated) called `pool` by analyse
// and `none` by predict, the latter stated as fact though DEBUG was only inferred off.
import type {Recorder, ProfilingState, HostFacts} from '../types.js'

/** DEBUG as a verdict takes it: stated (a DEBUG-only message, a flag, an inventory cell) unless `inferred` says why it was guessed. */
export interface DebugKnown {
  value: boolean
  /** Set when DEBUG is only inferred: why (the verdict says "most likely"). */
  inferred?: string
}

/** The recorder code a kernel has (or the recorder given), and how that is known. */
export interface RecorderCode {
  recorder: Recorder
  recorderReason: string
}

/**
 * DEBUG of a boot: the log's word when it has one; page_ext after SMP without it says most likely
 * off (DEBUG sets early_page_ext, domain.md §3), an inference; otherwise the default, on.
 */
export function debugOfBoot(p: Pick<ProfilingState, 'debug'>, h: Pick<HostFacts, 'pageExtWindow'>): DebugKnown {
  if (p.debug !== 'unknown') return {value: p.debug}
  const w = h.pageExtWindow
  if (w?.value !== 'after-smp') return {value: true}
  return {value: false, inferred: `page_ext came up after SMP (line ${w.line}), so DEBUG is most likely off`}
}

/**
 * The recorder the kernel runs: its code's with DEBUG, none without (its reason naming the code the
 * kernel has); an inferred DEBUG off gives "most likely none", never a fact.
 */
export function builtRecorder(debug: DebugKnown, code: RecorderCode): RecorderCode {
  if (debug.value || code.recorder === 'none') return code
  const has = code.recorder === 'unknown' ? '' : `, though the kernel has the ${code.recorder} recorder's code (${code.recorderReason})`
  const rule = `without MEM_ALLOC_PROFILING_DEBUG no early-PFN recorder is built${has}`
  return {recorder: 'none', recorderReason: debug.inferred ? `most likely none: ${debug.inferred}, and ${rule}` : rule}
}
