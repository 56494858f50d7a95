// The one parameter of the pool recorder's race model: how long a CPU takes to allocate a new
// tracking page (alloc_page() between "pool full" and the cmpxchg that publishes it), in workload
// time units. Other CPUs that find the same pool full inside that window lose the cmpxchg and free
// their page (race frees). Fitted from the race frees real boots counted with several pools,
// where CPUs record concurrently (page_ext after SMP).
import {plural} from '../render/units.js'
import type {CaptureFacts} from './capture-facts.js'
import {pfnPoolSize} from './host.js'
import type {Profile} from './profile.js'
import {DEFAULT_ALLOC_LATENCY, runPool} from './recorders/pool.js'
import {interleave} from './scheduler.js'
import {buildWorkload} from './workload.js'

const SEEDS = 24
const STEPS = 10

/** Boots whose klab line can inform the race model: the pool recorder with 2+ pools (1+ transitions). */
export function raceBoots(facts: readonly CaptureFacts[]): CaptureFacts[] {
  return facts.filter((f) => f.klabKind === 'early_pfn' && (f.klab?.pools ?? 0) >= 2)
}

/** Mean race frees over SEEDS seeds, summed over the boots, at one latency. */
export function expectedRaceFrees(boots: readonly CaptureFacts[], profile: Profile, latency: number): number {
  let sum = 0
  for (const b of boots) {
    const w = buildWorkload(b.host, profile)
    const poolSize = pfnPoolSize(b.host.pageSize, b.host.wordBytes)
    for (let s = 1; s <= SEEDS; s++) sum += runPool(w, interleave(w, s), {poolSize, pageSize: b.host.pageSize, allocLatency: latency}).raceFrees
  }
  return sum / SEEDS
}

export interface LatencyFit {
  allocLatency: number
  observed: number
  transitions: number
  /** What the model expects at the fitted latency, and at the old default, over the same boots. */
  expected: number
  expectedAtDefault: number
  note: string
}

/**
 * Moment fit: the latency at which the model's expected race frees over the boots equal the
 * observed total; with none observed, equal ln 2 (the latency at which seeing none is a coin flip:
 * the median-unbiased estimate, where 0 would claim races are impossible).
 */
export function fitAllocLatency(boots: readonly CaptureFacts[], profile: Profile): LatencyFit | undefined {
  if (boots.length === 0) return undefined
  const observed = boots.reduce((s, b) => s + (b.klab?.race_frees ?? 0), 0)
  // klab pools counts the published pages only: each one after the first is a full pool replaced.
  const transitions = boots.reduce((s, b) => s + b.klab!.pools - 1, 0)
  const target = Math.max(observed, Math.LN2)
  let lo = 0
  let hi = 4 * DEFAULT_ALLOC_LATENCY
  for (let i = 0; i < STEPS; i++) {
    const mid = (lo + hi) / 2
    if (expectedRaceFrees(boots, profile, mid) < target) lo = mid
    else hi = mid
  }
  const allocLatency = Math.round(((lo + hi) / 2) * 1e4) / 1e4
  const expected = expectedRaceFrees(boots, profile, allocLatency)
  const expectedAtDefault = expectedRaceFrees(boots, profile, DEFAULT_ALLOC_LATENCY)
  const r = (x: number) => Math.round(x * 100) / 100
  return {
    allocLatency,
    observed,
    transitions,
    expected: r(expected),
    expectedAtDefault: r(expectedAtDefault),
    note:
      `race model: tracking-page allocation latency ${allocLatency} event gaps, fitted on ${plural(boots.length, 'pool boot')} with several pools (${boots.map((b) => `${b.name}: ${b.klab!.pools} pools, ${b.klab!.race_frees ?? 0} race frees`).join('; ')}): ` +
      `${observed} race frees observed over ${transitions} pool transitions; ${observed === 0 ? 'with none observed, the latency where seeing none is even odds (expected ln 2 = 0.69 in total)' : 'the latency where the expected total equals the observed one'}; ` +
      `the model expects ${r(expected)} there (mean of ${SEEDS} seeds), ${r(expectedAtDefault)} at the uncalibrated ${DEFAULT_ALLOC_LATENCY}`,
  }
}
