// `allocscope allocinfo`: the top of /proc/allocinfo, filtered and summed. Thin: flags → the
// command's work (src/allocinfo/run.ts, also run without oclif by the fast path in bin/run.js) → emit.
import {Args, Flags} from '@oclif/core'
import {runAllocInfo} from '../allocinfo/run.js'
import {SORT_KEYS, type SortKey} from '../allocinfo/select.js'
import {TREE_DEPTH} from '../allocinfo/tree.js'
import {BaseCommand, baseFlagsFor} from '../cli/base.js'

export default class AllocInfoCommand extends BaseCommand<typeof AllocInfoCommand> {
  static summary = 'Top allocation sites of a /proc/allocinfo dump.'

  static description =
    'Show the largest allocation sites of a /proc/allocinfo dump (a file, the allocinfo.txt of a capture directory, or - for stdin; gzip is read too), ' +
    'sorted by bytes or calls, filtered by module, file, function, size or `accurate:no`, or summed by source path prefix with --tree. ' +
    'Duplicate `file:line func` keys (inlined helpers) are summed first; negative bytes and wrapped call counters are listed as anomalies after the table, ' +
    'and every input line that is neither a site nor a header is counted as skipped with its reason. ' +
    'With --fail-on warning, negative bytes or wrapped calls exit 1 (duplicate keys are info); --module, --file and --function keep only their sites\' anomalies, listed and gated on.'

  static examples = [
    '<%= config.bin %> <%= command.id %> samples/linux-7.2-pool-c64-m1024',
    '<%= config.bin %> <%= command.id %> samples/linux-7.2-pool-c64-m1024/allocinfo.txt --top 5 --sort calls',
    '<%= config.bin %> <%= command.id %> samples/linux-7.2-legacylate-c255-m1024 --accurate-no',
    '<%= config.bin %> <%= command.id %> samples/linux-6.12-nodebug_smp064_1G --file "^mm/" --min 1M --bytes',
    '<%= config.bin %> <%= command.id %> samples/linux-7.2-pool-c64-m1024 --tree --depth 1',
    '<%= config.bin %> <%= command.id %> --sample pool-c64 --top 10 --format csv',
  ]

  static args = {
    input: Args.string({description: 'allocinfo file, capture directory, or - for stdin', required: true, ignoreStdin: true}),
  }

  // --sample's help says how many inputs it reads (samples.ts SAMPLE_USE).
  static baseFlags = baseFlagsFor('allocinfo')
  static flags = {
    top: Flags.integer({char: 'n', description: 'Show this many sites (0 = all).', default: 20, min: 0}),
    sort: Flags.option({options: SORT_KEYS, description: 'Order: bytes or calls (largest first), file, func or key (ascending).', default: 'bytes' as SortKey})(),
    min: Flags.string({description: 'Only sites with at least this many bytes (e.g. 1M, 64K, 4096).'}),
    module: Flags.string({description: 'Only sites whose module matches this regular expression (built-in sites have no module: use ^$).'}),
    file: Flags.string({description: 'Only sites whose source file matches this regular expression.'}),
    function: Flags.string({description: 'Only sites whose function matches this regular expression.'}),
    'accurate-no': Flags.boolean({description: 'Only sites the kernel marked accurate:no (counters known to be incomplete).', default: false}),
    // No defaults on these two: oclif's dependsOn counts a flag with a default as given (the depth's is TREE_DEPTH, applied in run.ts).
    tree: Flags.boolean({description: 'Sum the selected sites by source path prefix instead of listing them.'}),
    depth: Flags.integer({description: `Path components per --tree prefix (default ${TREE_DEPTH}).`, min: 1, dependsOn: ['tree']}),
    bytes: Flags.boolean({description: 'Print raw byte counts instead of IEC units (KiB, MiB, ...).', default: false}),
    'accept-truncated': Flags.boolean({description: 'Read a truncated .gz dump up to the damage (the result is marked truncated) instead of refusing it.', default: false}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(AllocInfoCommand)
    this.noteStdin(args.input, 'the allocinfo dump')
    this.finish(await runAllocInfo(args, this.flags))
  }
}
