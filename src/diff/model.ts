// The model side of predicted vs observed: the capture's host (src/model/from-boot), the shipped
// profile for its kernel and page_ext window, one predict() run, reduced to an Expectation.
import {legacyArraySize} from '../analysis/built-recorder.js'
import {bootKernelRefusal, hostFromAnalysis} from '../model/from-boot.js'
import {poolsInterval} from '../model/measured.js'
import {type Prediction, predict} from '../model/predict.js'
import {chooseProfile, fittedCapture, inSampleNote, loadProfile, type Profile} from '../model/profile.js'
import {EARLY_ALLOC_PFN_MAX} from '../model/recorders/legacy.js'
import type {RecorderRun} from '../model/recorders/result.js'
import type {BootAnalysis, Recorder} from '../types.js'
import type {Expectation, PredictedCount} from './expectation.js'

export interface ModelOptions {
  /** Profile name or file (default: the shipped one for the kernel and window). */
  profile?: string
  seed?: number
  legacyMax?: number
}

export interface ModelRun {
  expectation: Expectation
  prediction: Prediction
  profile: Profile
  /** What the reader should know: defaults used for host facts, in-sample captures. */
  notes: string[]
}

/**
 * Predicted values for each klab metric the lab kernels print (README of the captures). Which run
 * is compared depends on the recorder the kernel carries: the pool run for `early_pfn`, the legacy
 * run for `early_pfn_legacy`; `early_page_allocs` (6.12, no recorder) counts the calls themselves.
 */
export function predictedCounts(p: Prediction, recorder: Recorder): PredictedCount[] {
  const out: PredictedCount[] = [
    {kind: 'early_page_allocs', metric: 'calls', predicted: p.events, label: 'page allocation calls before page_ext'},
    {kind: 'early_page_allocs', metric: 'pages', predicted: p.pages, label: 'pages allocated before page_ext'},
  ]
  const pool = p.pool
  const legacy = p.legacy
  if (pool) {
    // A kernel whose recorder is off records nothing; its untagged calls are the events alone.
    const tracking = recorder !== 'none'
    // The pools' interval is the one predict --from judges them by (a prediction document written before it stated calls has none).
    const pools = tracking && p.calls ? {interval: poolsInterval(p, pool.poolsPublished)} : {}
    out.push(
      {kind: 'early_pfn', metric: 'untagged_calls', predicted: p.events + (tracking ? pool.noCodetagCalls : 0), label: 'untagged calls (PFNs + the pool pages themselves)'},
      {kind: 'early_pfn', metric: 'recorded', predicted: tracking ? pool.recorded : 0, label: 'PFNs the pfn_pool recorder stored'},
      {kind: 'early_pfn', metric: 'pools', predicted: tracking ? pool.poolsPublished : 0, label: 'pools kept (published; race losers\' pages are race_frees)', ...pools},
      {kind: 'early_pfn', metric: 'race_frees', predicted: tracking ? pool.raceFrees : 0, label: 'pages freed by cmpxchg losers'},
      {kind: 'early_pfn', metric: 'alloc_fail', predicted: tracking ? pool.allocFailures : 0, label: 'failed pool page allocations'},
    )
  }
  if (legacy) {
    out.push(
      {kind: 'early_pfn_legacy', metric: 'untagged_calls', predicted: p.events, label: 'untagged calls'},
      {kind: 'early_pfn_legacy', metric: 'recorded', predicted: legacy.recorded, label: 'PFNs the legacy array stored'},
      {kind: 'early_pfn_legacy', metric: 'dropped', predicted: legacy.dropped, label: 'PFNs dropped after the array filled'},
    )
  }
  const run: RecorderRun | undefined = recorder === 'legacy' ? legacy : recorder === 'pool' ? pool : undefined
  if (run) {
    out.push(
      {kind: 'early_pfn_walk', metric: 'set_empty', predicted: run.clearPass.setEmpty, label: 'tag references set to CODETAG_EMPTY at page_ext init'},
      {kind: 'early_pfn_walk', metric: 'kept_tagged', predicted: run.clearPass.keptTagged, label: 'recorded pages already re-tagged'},
    )
  }
  return out
}

export function expectationFromPrediction(p: Prediction, recorder: Recorder, legacyMax = EARLY_ALLOC_PFN_MAX): Expectation {
  const legacy = p.legacy
  const pool = p.pool
  // Only a kernel that runs the pool recorder can leave its tracking pages charged.
  const poolKernel = recorder === 'pool' || recorder === 'unknown'
  return {
    source: `profile ${p.profile}, ${p.window} window`,
    profile: p.profile,
    window: p.window,
    recorder,
    earlyPfns: p.events,
    legacyMax,
    legacyOverflow: Boolean(legacy?.overflow) || (legacy?.dropped ?? 0) > 0,
    legacyDropped: legacy?.dropped ?? Math.max(0, p.events - legacyMax),
    ...(pool ? {poolPages: pool.trackingPagesAllocated} : {}),
    pageSize: p.host.pageSize,
    leakBoundBytes: poolKernel && pool ? pool.leakedAccounting.worstCase * p.host.pageSize : 0,
    ...(poolKernel && pool ? {leakExpectedBytes: pool.leakedAccounting.bytes} : {}),
    counts: predictedCounts(p, recorder),
  }
}

/** Why the model has nothing to predict for the boot's kernel (before profiling existed), naming the log; undefined: it has. */
export function kernelRefusal(a: BootAnalysis): string | undefined {
  return bootKernelRefusal(a.host.release ? {kernel: a.host.release.value} : {}, a.source)
}

/** Runs the model for the host of a boot log. Throws InputError/UsageError for a bad --profile. */
export function modelForAnalysis(a: BootAnalysis, opts: ModelOptions = {}): ModelRun {
  const {host, notes} = hostFromAnalysis(a)
  const profile = opts.profile ? loadProfile(opts.profile) : chooseProfile(host)
  const legacyMax = opts.legacyMax ?? legacyArraySize(a)
  const prediction = predict(host, profile, {tracker: 'both', seed: opts.seed ?? 1, legacyMax})
  const out = [...notes.values(), ...prediction.notes]
  const name = fittedCapture(profile, a.source)
  if (name) out.push(inSampleNote(name, profile.name))
  return {expectation: expectationFromPrediction(prediction, a.profiling.recorder, legacyMax), prediction, profile, notes: out}
}
