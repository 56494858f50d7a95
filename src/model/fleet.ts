// Predictions for every host of an inventory, each with its own profile (by kernel and window).
import type {InventoryHost} from './inventory.js'
import {type PredictOptions, type Prediction, predict} from './predict.js'
import {chooseProfile} from './profile.js'
import {predictionSeverity} from './severity.js'
import type {Severity} from '../types.js'

const severityField = (s: Severity | undefined): {severity?: Severity} => (s ? {severity: s} : {})

export interface InventoryRow {
  name: string
  cpus: number
  window: string
  profile: string
  events: number
  legacyRecorded?: number
  legacyDropped?: number
  legacyOverflow: boolean
  poolRecorded?: number
  poolsPublished?: number
  raceFrees?: number
  mayWarnPages: number
  /** The row's severity under the one policy (severity.ts): what --fail-on gates on, host by host. */
  severity?: Severity
  notes: string[]
  extra: Record<string, string>
}

export function predictFleet(hosts: InventoryHost[], opts: PredictOptions & {profile?: string}): {rows: InventoryRow[]; predictions: Prediction[]} {
  const predictions: Prediction[] = []
  const rows = hosts.map((h) => {
    const prof = chooseProfile(h.host, h.profile ?? opts.profile)
    const p = predict(h.host, prof, opts)
    predictions.push(p)
    return {
      name: h.host.name ?? `row ${h.row}`,
      cpus: h.host.possibleCpus,
      window: p.window,
      profile: prof.name,
      events: p.events,
      legacyRecorded: p.legacy?.recorded,
      legacyDropped: p.legacy?.dropped,
      legacyOverflow: !!p.legacy?.overflow,
      poolRecorded: p.pool?.recorded,
      poolsPublished: p.pool?.poolsPublished,
      raceFrees: p.pool?.raceFrees,
      mayWarnPages: (p.legacy?.wouldWarnIfFreed.pages ?? 0) + (p.pool?.wouldWarnIfFreed.pages ?? 0),
      ...severityField(predictionSeverity(h.host.debug, p)),
      notes: p.notes,
      extra: h.extra,
    }
  })
  return {rows, predictions}
}
