// `allocscope fleet`: the reduce step. Thin: NDJSON from batch (or earlier summaries) → one
// FleetSummary (fleet/summary.ts) → report, --json, or an HTML page (fleet/html.ts).
import {writeFileSync} from 'node:fs'
import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {InputError} from '../errors.js'
import {fleetHtml} from '../fleet/html.js'
import {readFleetInputs} from '../fleet/read.js'
import {fleetReport} from '../fleet/report.js'
import type {Severity} from '../types.js'

export default class Fleet extends BaseCommand<typeof Fleet> {
  static summary = 'Summarise the NDJSON records of allocscope batch.'

  static description =
    'Summarise the NDJSON of `allocscope batch` (files, or stdin): per finding signature (inputs, distinct hosts, kernels, first and ' +
    'last seen, an example), per kernel release (inputs, findings per 1000 boots, recorders), hosts predicted to overflow the ' +
    'legacy early-PFN array, predicted early PFNs by CPU count, and errors by reason. Summaries merge: fleet --json outputs are ' +
    'valid inputs, and fleet over shards equals fleet over the whole run. --html writes one self-contained page with sortable tables and charts.'

  static examples = [
    '<%= config.bin %> batch samples testdata/captures | <%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> shard-*.ndjson --format markdown',
    '<%= config.bin %> <%= command.id %> run.ndjson --html fleet.html',
    '<%= config.bin %> <%= command.id %> site-a.json site-b.json --json > all.json',
  ]

  static strict = false

  static args = {
    inputs: Args.string({description: 'NDJSON files from batch, or fleet --json summaries (default: stdin)', ignoreStdin: true}),
  }

  static flags = {
    html: Flags.string({description: 'Also write a self-contained HTML page (sortable tables, SVG charts) to this file.'}),
  }

  async run(): Promise<void> {
    const {argv} = await this.parse(Fleet)
    const inputs = (argv as string[]).length > 0 ? (argv as string[]) : ['-']
    const summary = await readFleetInputs(inputs)
    if (this.flags.html) {
      try {
        writeFileSync(this.flags.html, fleetHtml(summary))
      } catch (e) {
        throw new InputError(`${this.flags.html}: cannot write the HTML page (${(e as Error).message})`, this.flags.html)
      }
    }
    this.emit(summary, fleetReport(summary))
    this.gate(Object.values(summary.signatures).map((s) => s.severity as Severity))
  }
}
