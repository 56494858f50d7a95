// `allocscope diff`: predicted vs observed for one capture, or capture vs capture. Thin: flags →
// DiffRequest (src/diff/run.ts, also run without oclif by the fast path in bin/run.js) → the diff
// engine (src/diff/engine.ts) decides and builds → emit() → gate().
import {Args, Flags} from '@oclif/core'
import {FORMAT_IDS, inputFormatHelp} from '../readers/bootlog/formats.js'
import {BaseCommand, baseFlagsFor} from '../cli/base.js'
import {bootFlag, pathFlag, recorderFlag} from '../cli/flags.js'
import {ALLOC_KEYS, ALLOC_METRICS, ALLOC_SORTS, type AllocKeyBy, type AllocMetric, type AllocSort} from '../diff/allocinfo.js'
import {runDiffCommand} from '../diff/run.js'
import type {BootLogFormat} from '../types.js'


export type {CountsResult, ObservedResult, PairResult} from '../diff/engine.js'

export default class Diff extends BaseCommand<typeof Diff> {
  static summary = 'Check a capture against the model, or compare two captures.'

  static description =
    'Compare what the kernel did with what it should have done, or two captures with each other. ' +
    'With one capture (a boot log, or a capture directory holding dmesg.txt and allocinfo.txt), runs the reference model for its host and evaluates the rules ' +
    '(legacy overflow, unset tags, leaked accounting, inaccurate counters, recorder failure, predicted vs measured counts). ' +
    'With --predicted (or a `predict --json` file as an input), compares counts: a prediction against a capture\'s klab measurements, or two predictions. ' +
    'With two allocinfo dumps, prints a bloat-o-meter style diff (add/remove, grow/shrink, up/down, per-site old/new/delta, total and percentage change); ' +
    'with two boot logs, the host differences, findings that appeared or disappeared (matched by signature) and profiling state changes; ' +
    'two capture directories get both. --fail-on gates on the severity of fired rules or of findings that appeared.'

  static examples = [
    '<%= config.bin %> <%= command.id %> samples/linux-7.2-notrack-c8-m1024-shrink',
    '<%= config.bin %> <%= command.id %> samples/lkml-7.0-rc4-alloc-tag-not-set/dmesg-excerpt.txt --fail-on warning',
    '<%= config.bin %> <%= command.id %> samples/linux-7.2-pool-c64-m1024 samples/linux-7.2-notrack-c8-m1024-shrink',
    '<%= config.bin %> <%= command.id %> --predicted samples/linux-6.12-nodebug_smp064_1G',
    '<%= config.bin %> <%= command.id %> --predicted samples/linux-7.2-pool-c64-m1024 samples/linux-7.2-legacylate-c255-m1024',
    '<%= config.bin %> <%= command.id %> samples/linux-6.12-instr_smp064_2G_numa2/dmesg.txt samples/linux-6.12-nodebug_smp064_1G/dmesg.txt --format text',
    '<%= config.bin %> <%= command.id %> samples/linux-7.2-pool-c64-m1024/allocinfo.txt samples/linux-7.2-legacylate-c255-m1024/allocinfo.txt --top 10',
    '<%= config.bin %> <%= command.id %> samples/linux-6.12-nodebug_smp064_1G samples/linux-7.2-pool-c64-m1024 --what allocinfo --key func --format text',
    '<%= config.bin %> <%= command.id %> samples/linux-7.2-pool-c64-m1024 samples/linux-7.2-legacylate-c255-m1024 --metric calls --function "^alloc_" --json',
    '<%= config.bin %> <%= command.id %> testdata/trend/leak/recording.arec.gz --top 5',
  ]

  static args = {
    a: Args.string({description: 'capture directory, boot log, or allocinfo dump (the "old" side, or the capture to check); not needed with --rules', ignoreStdin: true}),
    b: Args.string({description: 'the "new" side: capture directory, boot log, or allocinfo dump', ignoreStdin: true}),
  }

  // --sample's help says how many inputs it reads (samples.ts SAMPLE_USE).
  static baseFlags = baseFlagsFor('diff')
  static flags = {
    rules: Flags.boolean({description: 'List the rules a capture is checked against (id, severity, title, explanation) and exit.', default: false}),
    what: Flags.option({
      options: ['auto', 'allocinfo', 'bootlog'] as const,
      description: 'What to compare for two inputs: auto (whatever both sides have), allocinfo, or bootlog.',
      default: 'auto' as const,
    })(),
    metric: Flags.option({options: ALLOC_METRICS, description: 'allocinfo diff: the column the delta, sort, --min-delta and summary use.', default: 'bytes' as AllocMetric})(),
    sort: Flags.option({
      options: ALLOC_SORTS,
      description: 'allocinfo diff order: abs (|delta|, default), delta (signed, bloat-o-meter order), old, new, rel (relative change) or site.',
      default: 'abs' as AllocSort,
    })(),
    'min-delta': Flags.string({description: 'allocinfo diff: fold rows whose |delta| is below this (bytes: 4K, 1M...; calls: a count) into the others row.'}),
    top: Flags.integer({char: 'n', description: 'allocinfo diff: show this many rows, the rest in an `[N others]` row (0 = all).', default: 0, min: 0}),
    key: Flags.option({
      options: ALLOC_KEYS,
      description: 'allocinfo diff: match sites by `file:line func` (site) or by `file func` ignoring line numbers (func, for two kernel versions).',
      default: 'site' as AllocKeyBy,
    })(),
    all: Flags.boolean({description: 'boot-log diff: also show the host facts, findings and klab counts that did not change.', default: false}),
    predicted: Flags.boolean({
      description:
        "Compare counts: each capture stands for the model's prediction for its host (one capture: prediction vs its klab measurements; two: prediction vs prediction). A `predict --json` file is always a prediction.",
      default: false,
    }),
    'legacy-max': Flags.integer({
      description: "One capture: EARLY_ALLOC_PFN_MAX of the legacy array (default: the size the kernel printed in its overflow warning, else 8192).",
      min: 1,
    }),
    profile: pathFlag.profile({description: 'One capture: the model profile (profiles/*.json name or a calibrate output file; default: the shipped one for the kernel and page_ext window).'}),
    allocinfo: pathFlag.file({description: 'One capture: the /proc/allocinfo dump to check with the boot log (default: allocinfo.txt of a capture directory).'}),
    'input-format': Flags.option({options: FORMAT_IDS, description: inputFormatHelp()})(),
    boot: bootFlag(),
    recorder: recorderFlag(),
    module: Flags.string({description: 'allocinfo diff: only sites whose module matches this regular expression (built-in sites: ^$).'}),
    file: Flags.string({description: 'allocinfo diff: only sites whose source file matches this regular expression.'}),
    function: Flags.string({description: 'allocinfo diff: only sites whose function matches this regular expression.'}),
    'from-snap': Flags.integer({description: 'A recording (allocscope record): the snapshot to compare from (0 = first, -1 = last; default: first for one recording, last for a recording given as the old side).'}),
    'to-snap': Flags.integer({description: 'A recording: the snapshot to compare to (default: the last).'}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(Diff)
    this.finish(await runDiffCommand(args, this.flags))
  }
}
