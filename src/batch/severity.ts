// What --fail-on sees in a batch record: its findings' severities, its impossible klab counters'
// and its dump's accounting anomalies' (allocinfo/report.ts badCounterSeverities and
// anomalySeverities: the rules analyse and allocinfo apply), and its prediction's (graded when it
// was made, as predict --from grades it: model/severity.ts). One
// rule for the records a worker makes and those --resume keeps from an earlier run; a module of
// its own so that the main thread reads it without the record builder (the model).
import {bootSeverities, severityRank} from '../allocinfo/report.js'
import type {Severity} from '../types.js'
import type {BatchRecord} from './schema.js'

/** The worst severity in a record, as its index in SEVERITIES; -1 when it has none. */
export function recordRank(r: BatchRecord): number {
  return severityRank([...bootSeverities(r), ...predictionSeverities(r)])
}

/** The prediction's severity, when it has one (a record of an earlier run may have none: it is not graded again). */
function predictionSeverities(r: BatchRecord): Severity[] {
  const p = r.prediction
  return p && !('error' in p) && p.severity ? [p.severity.severity] : []
}
