// `allocscope batch`: the map step over many inputs. Thin: flags → src/batch/run.ts (task list,
// worker pool, NDJSON); records are described in batch/schema.ts.
import {Args, Flags} from '@oclif/core'
import {MAX_JOBS} from '../batch/pool.js'
import {runBatch} from '../batch/run.js'
import {BaseCommand, RUN_FLAGS} from '../cli/base.js'
import {recipe} from '../cli/examples.js'
import {bootFlag, failOnErrorFlag, pathFlag} from '../cli/flags.js'

export default class Batch extends BaseCommand<typeof Batch> {
  static summary = 'Analyse many inputs at once, one NDJSON record per input.'

  static description =
    'Analyse many inputs at once and write one NDJSON record per input (schema allocscope/batch-v1, see README): files, ' +
    'directories (walked; a capture directory is one input), glob patterns, .tar/.tar.gz/.tgz archives (each member an input, ' +
    'read as a stream) and --files-from lists. Each record has the input, its kind, host facts, profiling state, findings, ' +
    'allocinfo totals and, for a boot log, the model\'s prediction for that host; a log holding several boots gives a record per boot, each saying which ' +
    '(as analyse reports every boot; --boot N picks one); an input that cannot be read is a record ' +
    'with an error, never the end of the run. Records come in input order (--unordered: as they finish). Summarise with `allocscope fleet`.'

  static examples = [
    '<%= config.bin %> <%= command.id %> --sample pool-c64 --sample legacylate-c255 --sample notrack-c8 > corpus.ndjson',
    recipe('your boot logs and a tar of them', "<%= config.bin %> <%= command.id %> 'logs/**/*.log' hosts.tar.gz --jobs 8 --out run.ndjson --resume"),
    recipe('your boot logs', 'find /srv/logs -name "dmesg*" | <%= config.bin %> <%= command.id %> --files-from - --shard 2/4 --unordered'),
    "<%= config.bin %> <%= command.id %> 'samples/*/' | <%= config.bin %> fleet",
  ]

  static strict = false

  // Records are NDJSON, never a report: the output flags (--json, --format, --block, --csv-*,
  // --color) would be accepted and do nothing, so batch does not take them. The cast: TypeScript
  // wants a subclass's static to carry the base's flags; batch's run never reads those.
  static baseFlags = RUN_FLAGS as typeof BaseCommand.baseFlags

  static args = {
    // ignoreStdin: oclif would otherwise read stdin into a missing argument; stdin is --files-from -.
    inputs: Args.string({description: 'files, directories, glob patterns (quoted), .tar/.tar.gz/.tgz archives', ignoreStdin: true}),
  }

  static flags = {
    'files-from': pathFlag.file({description: 'Read input paths from this file, one per line (- for stdin); blank lines and lines starting with # are skipped, and a line starting with " is a path quoted as a JSON string (as --list writes a name holding a newline, or starting with #).'}),
    jobs: Flags.integer({char: 'j', description: `Worker threads, at most ${MAX_JOBS} and never more than the inputs (default: the number of cores).`, min: 1}),
    unordered: Flags.boolean({description: 'Write records as inputs finish instead of in input order.', default: false}),
    out: pathFlag.file({char: 'o', description: 'Write the NDJSON to this file instead of stdout.'}),
    resume: Flags.boolean({description: 'With --out: keep the records already in the file and skip their inputs.', default: false}),
    force: Flags.boolean({description: 'With --out: overwrite a file that already holds records (refused otherwise; --resume goes on with it).', default: false}),
    list: Flags.boolean({description: 'Only print the inputs, one path per line (after --shard and duplicate removal), as a --files-from list; analyse nothing. With --shard an archive is listed as this shard\'s archive//member inputs, which --files-from reads back as those inputs.', default: false}),
    boot: bootFlag(),
    'fail-on-error': failOnErrorFlag(),
    shard: Flags.string({description: 'Only the inputs of shard K of N (K/N, by a hash of each input path): N machines split one listing.'}),
  }

  async run(): Promise<void> {
    const {argv} = await this.parse(Batch)
    this.gate(await runBatch(argv as string[], this.flags))
  }
}
