// `allocscope calibrate`: fit a workload profile from capture directories (their klab: counts, or
// overflow messages as lower bounds), print the fit and write the profile JSON. Thin: flags →
// src/model/calibrate-run.ts (capture facts → model/calibrate → Report) → emit().
import {Args, Flags} from '@oclif/core'
import {pathFlag} from '../cli/flags.js'
import {BaseCommand} from '../cli/base.js'
import {runCalibrate} from '../model/calibrate-run.js'
import {TERM_IDS} from '../model/terms.js'

export default class Calibrate extends BaseCommand<typeof Calibrate> {
  static summary = 'Fit a workload profile from instrumented captures.'

  static description =
    'Fit a workload profile (the early page allocations of one kernel build in one page_ext window) from capture directories: ' +
    'the instrumented counts of their klab: lines, or the EARLY_ALLOC_PFN_MAX overflow message as a lower bound. Least squares ' +
    `on terms with a kernel meaning (${TERM_IDS.join(', ')}), chosen by leave-one-out error unless --terms says which; prints ` +
    'coefficients, residuals, R² and the leave-one-out prediction of every capture, and writes the profile JSON with that ' +
    'provenance (--out), including the nested leave-one-out (the term choice redone without each capture). With perCpuSlabs ' +
    '(per-CPU slab objects, slab order from SLUB calculate_order) the kmalloc size class of the objects is picked by least ' +
    'squares among the size classes, inside every fold. Refuses, saying why, when the captures cannot determine a term (e.g. every capture has the same ' +
    'CPU count), mix page_ext windows or kernels, or carry no counts at all.'

  static examples = [
    '<%= config.bin %> <%= command.id %> samples/linux-7.2-pool-c64-m1024 samples/linux-7.2-pool-c255-m1024',
    '<%= config.bin %> <%= command.id %> samples/linux-7.2-pool-c64-m1024 samples/linux-7.2-pool-c255-m1024 --out my-7.2.json --force --format text',
    '<%= config.bin %> <%= command.id %> samples/linux-7.2-pool-c64-m1024 samples/linux-7.2-pool-c255-m1024 --terms possibleCpus --json',
  ]

  static strict = false
  static args = {
    captures: Args.string({description: 'capture directories (or boot logs) to fit from', required: true, ignoreStdin: true}),
  }

  static flags = {
    out: pathFlag.file({char: 'o', description: 'Write the profile JSON to this file (an existing file only with --force).'}),
    force: Flags.boolean({description: 'Overwrite the --out file when it holds bytes (an empty file, a device or a FIFO needs none).', default: false}),
    name: Flags.string({description: 'Profile name (default user-linux-<kernel>-<window>; linux-<kernel>-<window> when --out is in profiles/).'}),
    terms: Flags.string({description: `Comma-separated terms to fit (base is always in): ${TERM_IDS.filter((t) => t !== 'base').join(', ')}.`}),
  }

  async run(): Promise<void> {
    const {argv} = await this.parse(Calibrate)
    this.finish(runCalibrate(argv as string[], this.flags))
  }
}
