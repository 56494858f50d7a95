// What an instrumented boot measured (its klab: line, `predict --from`), each count against the
// prediction's 90 % interval for it: the early calls (PFNs offered), their pages, and on a pool
// kernel the pools it published. Outside is a `warning` (model/severity.ts measuredGrade): the
// model missed this boot. Against a host the flags changed (host-override.ts) nothing is judged.
import {expectationFromPrediction} from '../diff/model.js'
import {evaluateRule, type RuleOutcome} from '../diff/rules.js'
import type {BootAnalysis} from '../types.js'
import type {MeasuredEarly} from './from-boot.js'
import type {Interval} from './interval.js'
import type {Prediction} from './predict.js'

export type MeasuredCount = 'calls' | 'pages' | 'pools'

/** One measured count against its predicted interval. */
export interface MeasuredCheck {
  count: MeasuredCount
  measured: number
  predicted: Interval
  /** undefined: not judged (the prediction is for another host than the one measured). */
  inside?: boolean
}

/**
 * The pools a pfn_pool recorder publishes for n recorded PFNs: ceil(n / PFN_POOL_SIZE). The pool
 * count's interval is this at the ends of the calls interval (a count of pools has no fit of its
 * own: it follows the PFNs).
 */
export function poolsInterval(p: Pick<Prediction, 'calls' | 'poolSize'>, value: number): Interval {
  const pools = (n: number) => Math.ceil(n / p.poolSize)
  return {value, low: Math.min(value, pools(p.calls.low)), high: Math.max(value, pools(p.calls.high))}
}

/** Each count the boot measured against its interval; judged unless the host is not the one measured. */
export function measuredChecks(p: Prediction, m: MeasuredEarly, judged: boolean): MeasuredCheck[] {
  const checks: Omit<MeasuredCheck, 'inside'>[] = [{count: 'calls', measured: m.calls, predicted: p.calls}]
  if (m.pages !== undefined) checks.push({count: 'pages', measured: m.pages, predicted: p.pagesInterval})
  // Pools only where the kernel's own recorder is the pool: on another the pool run is a what-if.
  if (m.pools !== undefined && p.pool && p.recorder === 'pool') checks.push({count: 'pools', measured: m.pools, predicted: poolsInterval(p, p.pool.poolsPublished)})
  return checks.map((c) => (judged ? {...c, inside: c.measured >= c.predicted.low && c.measured <= c.predicted.high} : c))
}

/**
 * The `alloc_tag was not set` warnings the boot's log shows, judged by diff's own rule (unset-tags:
 * explained a warning, unexplained an error), the model's expectation as diff gives it; undefined
 * when the log shows none. Set against the pages the prediction says would warn.
 */
export function observedUnsetTags(analysis: BootAnalysis, p: Prediction): RuleOutcome | undefined {
  return evaluateRule('unset-tags', {analysis, expected: expectationFromPrediction(p, p.recorder)}).find((o) => o.status === 'fired')
}
