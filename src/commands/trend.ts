// `allocscope trend`: which allocation sites keep growing. Thin: flags → src/trend/run.ts (input →
// analyse → report) → emit() → gate().
import {Args, Flags} from '@oclif/core'
import {pathFlag} from '../cli/flags.js'
import {BaseCommand, baseFlagsFor} from '../cli/base.js'
import {recipe} from '../cli/examples.js'
import {DEFAULT_ALPHA, DEFAULT_MIN_RATE} from '../trend/analyse.js'
import {TIME_FROM, type TimeFrom} from '../trend/input.js'
import {runTrend} from '../trend/run.js'

export default class TrendCommand extends BaseCommand<typeof TrendCommand> {
  static summary = 'Allocation sites that keep growing across allocinfo snapshots.'

  static baseFlags = baseFlagsFor('trend')

  static description =
    'Find the allocation sites that keep growing in a series of /proc/allocinfo snapshots: an `allocscope record` recording (or a capture directory holding one: a lab series), or a directory or list of plain snapshots ' +
    '(times from an `# allocscope: time=…` header line, an ISO 8601 time in the file name, or the file mtime). Per site: a Theil–Sen rate in bytes per hour, ' +
    'a signed-rank test of its changes between snapshots with Benjamini–Hochberg correction over all sites, the growth, whether it appeared or disappeared. Leak suspects are ranked by the evidence; ' +
    'growth that stops (a warming cache), growth that returns (churn) and a single step are not suspects, and say so. A module site that disappears with bytes still ' +
    'charged (at the end, or before the module is loaded again) is a module-unload leak, cross-checked with --log (a capture directory\'s own boot log unless given). Negative or wrapped counters are kept out of the fits. --fail-on warning exits 1 on a suspect, an unload leak or a counter anomaly.'

  static examples = [
    '<%= config.bin %> <%= command.id %> testdata/trend/leak/recording.arec.gz',
    '<%= config.bin %> <%= command.id %> testdata/trend/unload/recording.arec.gz --log testdata/trend/unload/dmesg.txt',
    '<%= config.bin %> <%= command.id %> testdata/trend/unload',
    recipe('your directory of allocinfo snapshots with an ISO 8601 time in each name', '<%= config.bin %> <%= command.id %> snapshots/ --time-from name --min-rate 1M/h --fail-on warning'),
    '<%= config.bin %> <%= command.id %> testdata/trend/leak/recording.arec.gz --json --top 3 --svg /tmp/leak.svg',
  ]

  static strict = false
  static args = {
    input: Args.string({description: 'recording, capture directory holding one, directory of snapshots, or snapshot files (several)', required: true, ignoreStdin: true}),
  }

  static flags = {
    top: Flags.integer({char: 'n', description: 'Show this many suspects (and as many other growing sites); 0 = all.', default: 20, min: 0}),
    'min-rate': Flags.string({description: 'Slowest growth that makes a suspect: a size per hour (64K, 1M/h, 10K/min).', default: `${DEFAULT_MIN_RATE / 1024}K/h`}),
    alpha: Flags.string({description: 'Largest Benjamini–Hochberg corrected p-value (q) that counts as a trend.', default: String(DEFAULT_ALPHA)}),
    'time-from': Flags.option({options: TIME_FROM, description: 'Snapshot times for plain files: header line, ISO 8601 in the name, mtime; auto tries them in that order.', default: 'auto' as TimeFrom})(),
    log: pathFlag.file({description: 'Boot log (dmesg, journal, console) to cross-check module-unload leaks with; default: the boot log of a capture directory given as the input.'}),
    svg: pathFlag.file({description: "Write the top suspects' bytes over time as an SVG chart to this file."}),
    module: Flags.string({description: 'Only sites whose module matches this regular expression (built-in sites have no module: use ^$).'}),
    file: Flags.string({description: 'Only sites whose source file matches this regular expression.'}),
    function: Flags.string({description: 'Only sites whose function matches this regular expression.'}),
  }

  async run(): Promise<void> {
    const {argv} = await this.parse(TrendCommand)
    this.finish(await runTrend(argv as string[], this.flags, {ascii: this.flags.format === 'text'}))
  }
}
