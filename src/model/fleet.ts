// Predictions for every host of an inventory, each with its own profile (by kernel and window).
import type {InventoryHost} from './inventory.js'
import {type PredictOptions, type Prediction, predict} from './predict.js'
import type {Profile} from './profile.js'
import {chooseProfile, otherSeries} from './profile.js'
import {releaseGuess} from './host-input.js'
import {predictionSeverity, severityField, splitDrops} from './severity.js'
import {InputError} from '../errors.js'
import type {Severity} from '../types.js'


export interface InventoryRow {
  name: string
  cpus: number
  window: string
  profile: string
  /** The predicted early calls (PFNs offered) and their 90 % interval (predict's calls: value, low, high). */
  events: number
  eventsLow: number
  eventsHigh: number
  /** The kernel's own recorder, as the prediction judged it (none without DEBUG: the runs below are what-ifs then). */
  recorder: string
  /** The interval's widening for a host outside the profile's fitted range (1 inside it; the notes say which facts). */
  widened: number
  /** The what-if recorder runs below are one replay of `events`: counts without an interval. */
  legacyRecorded?: number
  legacyDropped?: number
  legacyOverflow: boolean
  poolRecorded?: number
  poolsPublished?: number
  raceFrees?: number
  /** Pages whose free would warn "alloc_tag was not set": the kernel's own recorder's dropped pages on a DEBUG host (both runs' while the recorder is unknown), 0 without DEBUG. */
  mayWarnPages: number
  /** The row's severity under the one policy (severity.ts): what --fail-on gates on, host by host. */
  severity?: Severity
  notes: string[]
  extra: Record<string, string>
}

export function predictFleet(hosts: InventoryHost[], opts: PredictOptions & {profile?: string}): {rows: InventoryRow[]; predictions: Prediction[]} {
  const predictions: Prediction[] = []
  const rows = hosts.map((h) => {
    const {row, prediction} = predictHostRow(h, opts)
    predictions.push(prediction)
    return row
  })
  return {rows, predictions}
}

/** Predictions kept for hosts of the same shape: a fleet of 10^6 rows has a few hundred shapes. */
const CACHE_LIMIT = 4096

/**
 * Remembers the profile and prediction of each host shape (the row's documented cells but its name,
 * inventory.ts): the model is deterministic (seeded) and a cache lives for one run (one set of
 * options), so a host like one already seen is not re-run (nor profiles/ read again). Bounded: the
 * oldest shape is forgotten past CACHE_LIMIT.
 */
export class PredictionCache {
  private map = new Map<string, {prof: Profile; p: Prediction}>()

  get(h: InventoryHost, explicit: string | undefined, make: () => {prof: Profile; p: Prediction}): {prof: Profile; p: Prediction} {
    const key = `${explicit ?? ''}\u0000${h.shape ?? shapeOf(h.host)}`
    let v = this.map.get(key)
    if (v === undefined) {
      v = make()
      if (this.map.size >= CACHE_LIMIT) this.map.delete(this.map.keys().next().value!)
      this.map.set(key, v)
    }
    return v
  }
}

/** A host built elsewhere than from an inventory row: every fact but the name and where they came from. */
function shapeOf(host: InventoryHost['host']): string {
  const {name: _name, origins: _origins, extra: _extra, ...shape} = host
  return JSON.stringify(shape)
}

/** The row's profile: its profile column (an error names the row), else --profile, else by kernel and window. */
function rowProfile(h: InventoryHost, explicit: string | undefined): Profile {
  try {
    return chooseProfile(h.host, explicit)
  } catch (e) {
    if (!(e instanceof InputError) || h.profile === undefined || h.at === undefined) throw e
    throw new InputError(`${h.at}: column profile: ${e.message}`, undefined, h.row)
  }
}

/**
 * A row's recorder: --recorder for every row, else a guess from the row's kernel, as `predict
 * --kernel` guesses it (so a row's severity is the one host's: a 7.2 row's legacy array is a what-if).
 */
function rowOptions(h: InventoryHost, opts: PredictOptions): PredictOptions {
  if (opts.recorder || !h.host.kernel) return opts
  return {...opts, ...releaseGuess(h.host.kernel, `the row's kernel ${h.host.kernel}`)}
}

/** One inventory host's row (and prediction); with a cache, hosts of a shape already seen are not re-run. */
export function predictHostRow(h: InventoryHost, opts: PredictOptions & {profile?: string}, cache?: PredictionCache): {row: InventoryRow; prediction: Prediction} {
  const explicit = h.profile ?? opts.profile
  const make = () => {
    const prof = rowProfile(h, explicit)
    const others = explicit === undefined ? otherSeries(h.host, prof) : []
    return {prof, p: predict(h.host, prof, {...rowOptions(h, opts), otherSeries: others})}
  }
  const {prof, p} = cache ? cache.get(h, explicit, make) : make()
  const row: InventoryRow = {
    name: h.host.name ?? `row ${h.row}`,
    cpus: h.host.possibleCpus,
    window: p.window,
    profile: prof.name,
    events: p.events,
    eventsLow: p.calls.low,
    eventsHigh: p.calls.high,
    recorder: p.recorder,
    widened: p.uncertainty.widen,
    legacyRecorded: p.legacy?.recorded,
    legacyDropped: p.legacy?.dropped,
    legacyOverflow: !!p.legacy?.overflow,
    poolRecorded: p.pool?.recorded,
    poolsPublished: p.pool?.poolsPublished,
    raceFrees: p.pool?.raceFrees,
    // Only a DEBUG kernel has the WARN: a host without it warns for none of the what-if runs' drops.
    // The kernel's own recorder's drops (severity.ts splitDrops: both runs while it is unknown); a what-if's warn nobody.
    mayWarnPages: h.host.debug ? splitDrops(p.recorder, p.legacy?.wouldWarnIfFreed.pages ?? 0, p.pool?.wouldWarnIfFreed.pages ?? 0, Math.round(p.kernel?.wouldWarnIfFreedPages.value ?? 0)).own : 0,
    ...severityField('severity', predictionSeverity(h.host.debug, p)),
    notes: p.notes,
    extra: h.extra,
  }
  return {row, prediction: p}
}
