// `allocscope fleet`: the reduce step. Thin: NDJSON from batch (or earlier summaries) → one
// FleetSummary (fleet/summary.ts) → report, --json, or an HTML page (fleet/html.ts).
import {Args} from '@oclif/core'
import {BaseCommand, baseFlagsFor} from '../cli/base.js'
import {recipe} from '../cli/examples.js'
import {failOnErrorFlag, pathFlag} from '../cli/flags.js'
import {runFleet} from '../fleet/run.js'

export default class Fleet extends BaseCommand<typeof Fleet> {
  static summary = 'Summarise the NDJSON records of allocscope batch.'

  static baseFlags = baseFlagsFor('fleet')

  static description =
    'Summarise the NDJSON of `allocscope batch` (files, or stdin): per finding signature (inputs, distinct hosts, kernels, first and ' +
    'last seen, an example), per kernel release (inputs, findings per 1000 boots, recorders), hosts predicted to overflow the ' +
    'legacy early-PFN array, predicted early PFNs by CPU count against the legacy limit of each host, and errors by reason. Summaries merge: fleet --json outputs are ' +
    'valid inputs, and fleet over shards equals fleet over the whole run. --html writes one self-contained page with sortable tables and charts.'

  static examples = [
    '<%= config.bin %> batch --sample pool-c64 --sample legacylate-c255 --sample notrack-c8 | <%= config.bin %> <%= command.id %>',
    "<%= config.bin %> batch 'samples/*/' | <%= config.bin %> <%= command.id %> --html fleet.html",
    "<%= config.bin %> batch 'samples/*/' --shard 1/2 > s1.ndjson; <%= config.bin %> batch 'samples/*/' --shard 2/2 > s2.ndjson; <%= config.bin %> <%= command.id %> s1.ndjson s2.ndjson --format markdown",
    recipe('earlier fleet --json summaries of your sites', '<%= config.bin %> <%= command.id %> site-a.json site-b.json --json > all.json'),
  ]

  static strict = false

  static args = {
    inputs: Args.string({description: 'NDJSON files from batch, or fleet --json summaries (default: stdin)', ignoreStdin: true}),
  }

  static flags = {
    html: pathFlag.file({description: 'Also write a self-contained HTML page (sortable tables, SVG charts) to this file.'}),
    'fail-on-error': failOnErrorFlag(),
  }

  async run(): Promise<void> {
    const {argv} = await this.parse(Fleet)
    this.finish(await runFleet(argv as string[], this.flags))
  }
}
