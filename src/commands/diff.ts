// `allocscope diff`: predicted vs observed for one capture, or capture vs capture. Thin: flags →
// classify inputs → diff engine (src/diff) → Report → emit() → gate().
import {readFileSync} from 'node:fs'
import {Args, Flags} from '@oclif/core'
import {analyseBootLog} from '../analysis/read.js'
import {readAllocInfo} from '../capture/allocinfo.js'
import {BaseCommand} from '../cli/base.js'
import {recorderFlag} from '../cli/flags.js'
import {diffAllocInfo, ALLOC_KEYS, ALLOC_METRICS, ALLOC_SORTS, type AllocDiff, type AllocKeyBy, type AllocMetric, type AllocSort} from '../diff/allocinfo.js'
import {type BootLogDiff, bootLogDiffSeverities, diffBootLogs} from '../diff/bootlog.js'
import type {Expectation} from '../diff/expectation.js'
import {classifyInput, describeKind, type DiffInput} from '../diff/inputs.js'
import {modelForAnalysis} from '../diff/model.js'
import {type CountDiff, type CountSide, diffCounts, predictionFromJson, sideFromAnalysis, sideFromPrediction} from '../diff/predicted.js'
import {countDiffBlocks} from '../diff/report-predicted.js'
import {allocDiffBlocks} from '../diff/report-allocinfo.js'
import {bootLogDiffBlocks} from '../diff/report-bootlog.js'
import {expectationBlock, ruleBlocks} from '../diff/report-rules.js'
import {type CountRow, type RuleOutcome, firedSeverities, runRules} from '../diff/rules.js'
import {InputError, NotImplementedError, UsageError} from '../errors.js'
import type {Block} from '../render/report.js'
import {parseSize} from '../render/units.js'
import type {AllocInfo, BootAnalysis, BootLogFormat, Recorder, Severity} from '../types.js'

type What = 'auto' | 'allocinfo' | 'bootlog'
const INPUT_FORMATS: readonly BootLogFormat[] = ['dmesg', 'dmesg-raw', 'dmesg-decode', 'dmesg-json', 'kmsg', 'journal', 'journal-json', 'syslog', 'console']

export interface PairResult {
  mode: 'pair'
  a: string
  b: string
  allocinfo?: AllocDiff
  bootlog?: BootLogDiff
}

export interface CountsResult {
  mode: 'counts'
  counts: CountDiff
}

export interface ObservedResult {
  mode: 'observed'
  bootLog?: string
  allocinfo?: string
  /** What the model expects for this host; null when it did not run (with the reason). */
  expectation: Expectation | null
  modelNote?: string
  /** Host facts the model had to default, profile caveats, in-sample checks. */
  modelNotes: string[]
  outcomes: RuleOutcome[]
  counts: CountRow[]
}

export default class Diff extends BaseCommand<typeof Diff> {
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
  ]

  static args = {
    a: Args.string({description: 'capture directory, boot log, or allocinfo dump (the "old" side, or the capture to check)', required: true}),
    b: Args.string({description: 'the "new" side: capture directory, boot log, or allocinfo dump'}),
  }

  static flags = {
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
    profile: Flags.string({description: 'One capture: the model profile (profiles/*.json name or a calibrate output file; default: the shipped one for the kernel and page_ext window).'}),
    allocinfo: Flags.string({description: 'One capture: the /proc/allocinfo dump to check with the boot log (default: allocinfo.txt of a capture directory).'}),
    'input-format': Flags.option({options: INPUT_FORMATS, description: 'Boot-log format (default: detected from the first lines).'})(),
    recorder: recorderFlag(),
    module: Flags.string({description: 'allocinfo diff: only sites whose module matches this regular expression (built-in sites: ^$).'}),
    file: Flags.string({description: 'allocinfo diff: only sites whose source file matches this regular expression.'}),
    function: Flags.string({description: 'allocinfo diff: only sites whose function matches this regular expression.'}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(Diff)
    const a = classifyInput(args.a)
    const b = args.b === undefined ? undefined : classifyInput(args.b)
    if (this.flags.predicted || a.kind === 'allocscope-json' || b?.kind === 'allocscope-json') return this.counts(a, b)
    if (b === undefined) return this.observed(a)
    const what = this.flags.what as What
    const result: PairResult = {mode: 'pair', a: a.path, b: b.path}
    const blocks: Block[] = []
    const severities: Severity[] = []
    const bothDirs = a.kind === 'capture-dir' && b.kind === 'capture-dir'
    const doAlloc = what === 'allocinfo' || (what === 'auto' && hasAllocInfo(a) && hasAllocInfo(b))
    const doBoot = what === 'bootlog' || (what === 'auto' && (!doAlloc || (bothDirs && hasBootLog(a) && hasBootLog(b))))
    if (what === 'auto' && !doAlloc && !(hasBootLog(a) && hasBootLog(b))) {
      throw new InputError(`${a.path} is ${describeKind(a)} and ${b.path} is ${describeKind(b)}: nothing to compare; expected two allocinfo dumps, two boot logs, or two capture directories`, b.path)
    }
    if (doBoot) {
      for (const x of [a, b]) if (!hasBootLog(x)) throw new InputError(`${x.path}: no boot log (${x.kind}); expected a boot log or a capture directory holding dmesg.txt`, x.path)
      const [la, lb] = await Promise.all([this.analyse(a), this.analyse(b)])
      result.bootlog = diffBootLogs(la, lb)
      blocks.push(...bootLogDiffBlocks(result.bootlog, {all: this.flags.all}))
      severities.push(...bootLogDiffSeverities(result.bootlog))
    }
    if (doAlloc) {
      result.allocinfo = await this.allocDiff(a, b)
      blocks.push(...allocDiffBlocks(result.allocinfo))
      // Negative bytes / wrapped calls that b has and a had not: an accounting bug appeared
      // (the same severity `allocscope allocinfo` gives them).
      if (result.allocinfo.anomalies.appeared.length) severities.push('warning')
    }
    this.emit(result, {blocks})
    this.gate(severities)
  }

  /**
   * Counts vs counts. A `predict --json` document is a prediction; a capture is its klab
   * measurements, or with --predicted the model's prediction for its host. One capture with
   * --predicted: its prediction against its own measurements.
   */
  private async counts(a: DiffInput, b: DiffInput | undefined): Promise<void> {
    const predictedFlag = this.flags.predicted
    if (b === undefined && a.kind === 'allocscope-json') {
      throw new InputError(`${a.path}: a prediction alone has nothing to be compared with; give a capture (or a second prediction) as the second argument`, a.path)
    }
    const side = async (x: DiffInput, predicted: boolean): Promise<CountSide> => {
      if (x.kind === 'allocscope-json') return sideFromPrediction(predictionFromJson(readFileSync(x.spooled ?? x.path, 'utf8'), x.path), 'unknown', x.path)
      if (!hasBootLog(x)) throw new InputError(`${x.path}: no boot log (${x.kind}); counts come from a boot log's host (predicted) or its klab: lines (measured)`, x.path)
      const analysis = await this.analyse(x)
      if (!predicted) return sideFromAnalysis(analysis)
      const m = modelForAnalysis(analysis, {profile: this.flags.profile, legacyMax: this.flags['legacy-max']})
      return sideFromPrediction(m.prediction, analysis.profiling.recorder, analysis.source)
    }
    const sa = await side(a, predictedFlag || b === undefined)
    const sb = b === undefined ? await side(a, false) : await side(b, predictedFlag && b.kind !== 'allocscope-json' ? true : false)
    const counts = diffCounts(sa, sb)
    if (counts.rows.length === 0) this.warnings.push(`no metric in common between ${sa.source} (${sa.what}) and ${sb.source} (${sb.what})`)
    const result: CountsResult = {mode: 'counts', counts}
    this.emit(result, {blocks: countDiffBlocks(counts)})
    this.gate(counts.rows.some((r) => r.withinTolerance === false) ? ['warning'] : [])
  }

  /** One capture: the rules over what it shows, against what the model expects for its host. */
  private async observed(x: DiffInput): Promise<void> {
    if (x.kind === 'allocscope-json') throw new NotImplementedError(`checking an allocscope JSON document (${x.path}: \`${x.command}\` output) against the model`)
    let allocPath = this.flags.allocinfo ?? x.capture.allocinfo
    const analysis: BootAnalysis | undefined = hasBootLog(x) ? await this.analyse(x) : undefined
    if (x.kind === 'allocinfo') allocPath = x.path
    const allocinfo: AllocInfo | undefined = allocPath ? await readAllocInfo(allocPath, allocPath === x.spooled ? x.path : allocPath) : undefined
    let expected: Expectation | undefined
    let modelNote: string | undefined
    let modelNotes: string[] = []
    if (!analysis) modelNote = 'no boot log: the host (CPUs, memory, window) is unknown, so the model cannot run'
    else {
      const m = modelForAnalysis(analysis, {profile: this.flags.profile, legacyMax: this.flags['legacy-max']})
      expected = m.expectation
      modelNotes = m.notes
    }
    const run = runRules({analysis, allocinfo, expected})
    const result: ObservedResult = {
      mode: 'observed',
      ...(analysis ? {bootLog: analysis.source} : {}),
      ...(allocinfo ? {allocinfo: allocinfo.source} : {}),
      expectation: expected ?? null,
      ...(modelNote ? {modelNote} : {}),
      modelNotes,
      outcomes: run.outcomes,
      counts: run.counts,
    }
    const head: Block = {
      kind: 'kv',
      title: 'Predicted vs observed',
      rows: [
        {key: 'boot log', value: analysis?.source ?? '-'},
        {key: 'allocinfo', value: allocinfo?.source ?? '-'},
        ...(analysis
          ? [
              {key: 'kernel', value: analysis.host.release?.value ?? 'unknown'},
              {key: 'recorder', value: analysis.profiling.recorder, note: analysis.profiling.recorderReason},
            ]
          : []),
      ],
    }
    if (!analysis) this.warnings.push(`${x.path}: an allocinfo dump alone: the log-side rules are n/a`)
    const notes: Block[] = modelNotes.length ? [{kind: 'text', title: 'Model notes', lines: modelNotes}] : []
    this.emit(result, {blocks: [head, expectationBlock(expected, modelNote), ...ruleBlocks(run), ...notes]})
    this.gate(firedSeverities(run))
  }

  /** The boot log of a capture (a pipe's copy is named by the pipe's path). */
  private analyse(x: DiffInput): Promise<BootAnalysis> {
    return analyseBootLog(x.capture.bootLog!, {...(x.spooled !== undefined ? {source: x.path} : {}), format: this.flags['input-format'] as BootLogFormat | undefined, recorder: this.flags.recorder as Recorder | undefined})
  }

  private async allocDiff(a: DiffInput, b: DiffInput): Promise<AllocDiff> {
    for (const x of [a, b]) {
      if (!hasAllocInfo(x)) throw new InputError(`${x.path}: no allocinfo (${x.kind === 'capture-dir' ? 'capture directory without allocinfo.txt' : x.kind}); expected a /proc/allocinfo dump or a capture directory holding allocinfo.txt`, x.path)
    }
    const f = this.flags
    const metric = f.metric as AllocMetric
    let minDelta: bigint | undefined
    if (f['min-delta'] !== undefined) {
      const n = metric === 'bytes' ? parseSize(f['min-delta']) : /^\d+$/.test(f['min-delta']) ? Number(f['min-delta']) : undefined
      if (n === undefined) throw new UsageError(`--min-delta: '${f['min-delta']}' is not ${metric === 'bytes' ? 'a size; expected e.g. 4K, 1M or a byte count' : 'a count; expected a whole number of calls'}`)
      minDelta = BigInt(n)
    }
    const filter = {
      ...(f.module !== undefined ? {module: checkRegex('module', f.module)} : {}),
      ...(f.file !== undefined ? {file: checkRegex('file', f.file)} : {}),
      ...(f.function !== undefined ? {func: checkRegex('function', f.function)} : {}),
    }
    const [ia, ib] = await Promise.all([readAllocInfo(a.capture.allocinfo!, allocName(a)), readAllocInfo(b.capture.allocinfo!, allocName(b))])
    return diffAllocInfo(ia, ib, {metric, sort: f.sort as AllocSort, minDelta, top: f.top > 0 ? f.top : undefined, filter, keyBy: f.key as AllocKeyBy})
  }
}

/** What messages call an input's allocinfo: the pipe's path for a pipe's copy. */
function allocName(x: DiffInput): string {
  return x.spooled !== undefined && x.capture.allocinfo === x.spooled ? x.path : x.capture.allocinfo!
}

function hasAllocInfo(x: DiffInput): boolean {
  return x.capture.allocinfo !== undefined
}

function hasBootLog(x: DiffInput): boolean {
  return x.kind === 'bootlog' || (x.kind === 'capture-dir' && x.capture.bootLog !== undefined)
}

function checkRegex(flag: string, source: string): string {
  try {
    new RegExp(source)
  } catch (e) {
    throw new UsageError(`--${flag}: invalid regular expression '${source}' (${(e as Error).message}); expected a JavaScript regular expression`)
  }
  return source
}
