// The severity of a prediction, one rule for `predict` on one host, a sweep and a fleet (README,
// "Severity"): PFNs the recorder drops leave pages that trip `alloc_tag was not set` when freed,
// and only a DEBUG kernel prints that WARNING: `warning` on a DEBUG host, `notice` on another
// (the drop is real, nothing warns). Nothing dropped: no severity.
import type {Severity} from '../types.js'

export function dropSeverity(debug: boolean, dropped: number): Severity | undefined {
  if (dropped <= 0) return undefined
  return debug ? 'warning' : 'notice'
}
