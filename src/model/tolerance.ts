// The model's stated fidelity (issue 3), in one place: a predicted PFN count is right when it is
// within 10 % of the measurement or 8 PFNs, whichever is larger. calibrate ranks term sets by it,
// the diff rules judge klab counts with it, and the reports print its label.
export const MODEL_TOLERANCE = {rel: 0.1, abs: 8} as const

/** How the tolerance is printed in column headers and notes: "max(10%,8)". */
export const TOLERANCE_LABEL = `max(${MODEL_TOLERANCE.rel * 100}%,${MODEL_TOLERANCE.abs})`

/** The allowed |predicted − measured| for a count of this size. */
export function toleranceFor(scale: number): number {
  return Math.max(MODEL_TOLERANCE.abs, MODEL_TOLERANCE.rel * Math.abs(scale))
}

/**
 * true when predicted is within the tolerance of measured.
 * @param scale the count the tolerance is a fraction of (default: the measurement itself).
 */
export function withinTolerance(predicted: number, measured: number, scale = measured): boolean {
  return Math.abs(predicted - measured) <= toleranceFor(scale)
}

/**
 * The one sign every prediction-vs-measurement delta uses (README, "diff"): delta = measured −
 * predicted (negative: the model predicted more than the kernel did), rel = delta / measured.
 * diff's tables, its rules' counts and predict --from's measured line all take it from here.
 */
export const DELTA_NOTE = 'delta = measured - predicted; rel = delta / measured'

export function measuredDelta(predicted: number, measured: number): {delta: number; rel: number | null} {
  const delta = measured - predicted
  return {delta, rel: measured === 0 ? null : delta / measured}
}

/** rel as shown in tables and notes: signed percent, 'n/a' when the measurement is 0. */
export const relText = (rel: number | null): string => (rel === null ? 'n/a' : `${rel >= 0 ? '+' : ''}${(rel * 100).toFixed(1)}%`)

/**
 * How each klab metric is judged. The model claims fidelity for PFN counts (MODEL_TOLERANCE) and
 * for the pools published (inside the interval predict states for them, model/measured.ts
 * poolsInterval: a pool count follows the PFNs; exact when no interval is known); the rest (page totals of high-order allocations, seed-dependent races)
 * is shown next to the measurement but not judged. `dropped` is the early count minus the array
 * size, so it carries the early count's error: judged with the tolerance of that count
 * (recorded + dropped), not of the small difference.
 */
export const COUNT_CHECKS: Readonly<Record<string, 'pfns' | 'interval' | 'remainder'>> = {
  calls: 'pfns',
  recorded: 'pfns',
  untagged_calls: 'pfns',
  set_empty: 'pfns',
  dropped: 'remainder',
  pools: 'interval',
}

/**
 * true/false when the metric is judged (see COUNT_CHECKS), null when it is only shown: the one
 * judgement of a count row, diff's counts rule and its count tables (--predicted, a prediction
 * document against a capture) alike.
 * @param measuredOf the measured counts of the same klab line, by metric: a 'remainder' (dropped)
 * is judged against the early count it is the remainder of, recorded + dropped.
 * @param interval the predicted interval of an 'interval' metric (pools); without one it is judged exact.
 */
export function judgeCount(metric: string, predicted: number, measured: number, measuredOf: (metric: string) => number | undefined, interval?: {low: number; high: number}): boolean | null {
  const how = COUNT_CHECKS[metric]
  if (how === 'interval') return interval ? measured >= interval.low && measured <= interval.high : predicted === measured
  const scale = how === 'remainder' ? Math.max(measured + (measuredOf('recorded') ?? 0), measured) : how === 'pfns' ? measured : undefined
  if (scale === undefined) return null
  return withinTolerance(predicted, measured, scale)
}
