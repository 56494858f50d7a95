// The `fleet` command's work, without oclif: batch NDJSON or fleet summaries (stdin by default) →
// one merged summary → Report, the HTML page when asked, and the severities --fail-on gates on.
import type {CommandRun} from '../cli/output.js'
import {writeUserFileParts} from '../cli/write-file.js'
import type {Severity} from '../types.js'
import {fleetHtmlParts} from './html.js'
import {readFleetInputs} from './read.js'
import {fleetReport} from './report.js'
import type {FleetSummary} from './summary.js'

export async function runFleet(inputs: string[], f: {html?: string}): Promise<CommandRun> {
  const summary = await readFleetInputs(inputs.length > 0 ? inputs : ['-'])
  if (f.html) writeUserFileParts(f.html, fleetHtmlParts(summary), 'the HTML page')
  return {result: summary, report: fleetReport(summary), severities: fleetSeverities(summary), warnings: []}
}

/** Each signature seen in the fleet, at the severity of its finding. */
export const fleetSeverities = (s: FleetSummary): Severity[] => Object.values(s.signatures).map((x) => x.severity as Severity)
