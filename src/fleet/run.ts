// The `fleet` command's work, without oclif: batch NDJSON or fleet summaries (stdin by default) →
// one merged summary → Report, the HTML page when asked, and the severities --fail-on gates on.
import {type CommandRun, noteStdin} from '../cli/output.js'
import {waitingNotice} from '../cli/progress.js'
import {refuseInputAsOutput, writeUserFileParts} from '../cli/write-file.js'
import {type Severity, SEVERITIES} from '../types.js'
import {fleetHtmlParts} from './html.js'
import {onceEach, readFleetInputs, UnknownFields} from './read.js'
import {fleetReport} from './report.js'
import {countsByKind, type FleetSummary} from './summary.js'
import {anomalySeverities, badCounterSeverities} from '../allocinfo/report.js'
import {inputName} from '../readers/stdin.js'
import {PathCache} from '../readers/stat.js'
import {someOf} from '../errors.js'

export async function runFleet(inputs: string[], f: {html?: string}): Promise<CommandRun> {
  const named = inputs.length > 0 ? inputs : ['-']
  // Each input stat'ed once, for both.
  const cache = new PathCache()
  if (f.html) refuseInputAsOutput('--html', f.html, named, {cache})
  const {paths, warnings} = onceEach(named, cache)
  // No input is stdin: on a terminal that waited silently for typing.
  if (paths.includes('-')) noteStdin('-', 'the batch records')
  const unknown = new UnknownFields()
  const summary = await readFleetInputs(paths, waitingNotice, unknown)
  if (f.html) writeUserFileParts(f.html, fleetHtmlParts(summary), 'the HTML page')
  return {result: summary, report: fleetReport(summary), severities: fleetSeverities(summary), errors: summary.errors, warnings: [...warnings, ...unknown.warnings(), ...emptyWarning(summary, paths)]}
}

/** An empty input is not an error (a shard can hold nothing), but an all-zero summary is said to be one. */
function emptyWarning(s: FleetSummary, paths: string[]): string[] {
  if (s.inputs + s.boots + s.allocinfos + s.errors > 0) return []
  const names = paths.map(inputName)
  return [`no records in ${someOf(names)}: nothing to summarise`]
}

/**
 * What --fail-on sees: each signature at its severity, the dumps' anomalies by kind as allocinfo and
 * batch grade them, the boots' impossible klab counters as analyse and batch grade them, and each kernel's boots' predictions by severity (every prediction is of a
 * kernel: an overflow row's severity is among its kernel's).
 */
export const fleetSeverities = (s: FleetSummary): Severity[] => [
  ...Object.values(s.signatures).map((x) => x.severity as Severity),
  ...anomalySeverities(countsByKind(s.anomalies)),
  ...badCounterSeverities(countsByKind(s.badCounters)),
  ...Object.values(s.kernels).flatMap((k) => SEVERITIES.filter((x) => (k.predictionSeverities?.[x] ?? 0) > 0)),
]
