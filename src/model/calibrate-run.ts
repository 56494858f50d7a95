// The `calibrate` command's work, without oclif: --terms checked, capture facts read, the fit
// (calibrate.ts), the profile named and written (--out), result and Report.
// src/commands/calibrate.ts parses the flags and emits.
import type {CommandRun} from '../cli/output.js'
import {refuseInputAsOutput, refuseOverwrite, writeUserFile} from '../cli/write-file.js'
import {InputError} from '../errors.js'
import {byCount} from '../render/units.js'
import {type FitOutcome, calibrate} from './calibrate.js'
import {readCaptureFacts} from './capture-facts.js'
import {isShippedProfilePath} from './profile.js'
import {calibrationReport} from './report.js'
import {TERM_IDS, type TermId} from './terms.js'

export interface CalibrateFlags {
  out?: string
  force: boolean
  name?: string
  terms?: string
}

export function runCalibrate(captures: string[], f: CalibrateFlags): CommandRun {
  const terms = f.terms ? parseTerms(f.terms) : undefined
  if (f.out) {
    refuseInputAsOutput('--out', f.out, captures)
    refuseOverwrite('--out', f.out, f.force)
  }
  const facts = captures.map((p) => readCaptureFacts(p))
  const outcome = calibrate(facts, {name: f.name, terms})
  nameFit(outcome, f)
  if (f.out) writeUserFile(f.out, JSON.stringify(outcome.profile, null, 2) + '\n', 'the profile')
  return {result: outcome, report: calibrationReport(outcome), severities: [], warnings: []}
}

/** --terms a,b,c: each one a term the model knows. */
export function parseTerms(text: string): TermId[] {
  const terms = text.split(',').map((t) => t.trim()) as TermId[]
  const bad = terms.filter((t) => !TERM_IDS.includes(t))
  if (bad.length) throw new InputError(`--terms: unknown ${byCount(bad.length, 'term')} ${bad.join(', ')}; expected ${TERM_IDS.join(', ')}`)
  return terms
}

/**
 * A fit is the user's own unless it is written into profiles/ (lab/refit-profiles.sh): its default
 * name says so (user-…), so it is never mistaken for the shipped profile of the same kernel.
 */
export function nameFit(outcome: FitOutcome, f: Pick<CalibrateFlags, 'name' | 'out'>): void {
  if (!f.name && !(f.out && isShippedProfilePath(f.out))) outcome.profile.name = `user-${outcome.profile.name}`
}
