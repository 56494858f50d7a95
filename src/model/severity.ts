// The severity of a prediction, one rule for `predict` on one host, a sweep and a fleet (README,
// "Severity"): PFNs the recorder drops leave pages that trip `alloc_tag was not set` when freed,
// and only a DEBUG kernel prints that WARNING: `warning` on a DEBUG host, `notice` on another
// (the drop is real, nothing warns). Nothing dropped: no severity.
import type {Severity} from '../types.js'
import type {Prediction, Sweep} from './predict.js'

export function dropSeverity(debug: boolean, dropped: number): Severity | undefined {
  if (dropped <= 0) return undefined
  return debug ? 'warning' : 'notice'
}

/** One host: the PFNs both recorders dropped. */
export function predictionSeverity(debug: boolean, p: Pick<Prediction, 'legacy' | 'pool'>): Severity | undefined {
  return dropSeverity(debug, (p.legacy?.dropped ?? 0) + (p.pool?.dropped ?? 0))
}

/** A sweep drops PFNs from the CPU count where the legacy array overflows on. */
export function sweepSeverity(debug: boolean, s: Pick<Sweep, 'overflowAt'>): Severity | undefined {
  return dropSeverity(debug, s.overflowAt === undefined ? 0 : 1)
}
