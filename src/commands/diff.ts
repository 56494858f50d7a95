// `allocscope diff`: predicted vs observed for one capture, or capture vs capture. Thin: flags →
// classify inputs → diff engine (src/diff) → Report → emit() → gate().
import {Args, Flags} from '@oclif/core'
import {readAllocInfo} from '../capture/allocinfo.js'
import {BaseCommand} from '../cli/base.js'
import {diffAllocInfo, ALLOC_KEYS, ALLOC_METRICS, ALLOC_SORTS, type AllocDiff, type AllocKeyBy, type AllocMetric, type AllocSort} from '../diff/allocinfo.js'
import {classifyInput, type DiffInput} from '../diff/inputs.js'
import {allocDiffBlocks} from '../diff/report-allocinfo.js'
import {InputError, NotImplementedError, UsageError} from '../errors.js'
import type {Block} from '../render/report.js'
import {parseSize} from '../render/units.js'
import type {Severity} from '../types.js'

type What = 'auto' | 'allocinfo' | 'bootlog'

export interface DiffResult {
  mode: 'pair' | 'observed'
  a: string
  b?: string
  allocinfo?: AllocDiff
}

export default class Diff extends BaseCommand<typeof Diff> {
  static description =
    'Compare what the kernel did with what it should have done, or two captures with each other. ' +
    'With one capture (a boot log, or a capture directory holding dmesg.txt and allocinfo.txt), runs the reference model for its host and evaluates the rules ' +
    '(legacy overflow, unset tags, leaked accounting, inaccurate counters, recorder failure, predicted vs measured counts). ' +
    'With two allocinfo dumps, prints a bloat-o-meter style diff (add/remove, grow/shrink, up/down, per-site old/new/delta, total and percentage change); ' +
    'with two boot logs, the host differences, findings that appeared or disappeared (matched by signature) and profiling state changes; ' +
    'two capture directories get both. --fail-on gates on the severity of fired rules or of findings that appeared.'

  static examples = [
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
    module: Flags.string({description: 'allocinfo diff: only sites whose module matches this regular expression (built-in sites: ^$).'}),
    file: Flags.string({description: 'allocinfo diff: only sites whose source file matches this regular expression.'}),
    function: Flags.string({description: 'allocinfo diff: only sites whose function matches this regular expression.'}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(Diff)
    if (args.b === undefined) throw new NotImplementedError('diff with one capture (predicted vs observed)')
    const a = classifyInput(args.a)
    const b = classifyInput(args.b)
    const what = this.flags.what as What
    const result: DiffResult = {mode: 'pair', a: a.path, b: b.path}
    const blocks: Block[] = []
    const severities: Severity[] = []
    const doAlloc = what === 'allocinfo' || (what === 'auto' && hasAllocInfo(a) && hasAllocInfo(b))
    const doBoot = what === 'bootlog' || (what === 'auto' && !doAlloc)
    if (doAlloc) {
      result.allocinfo = await this.allocDiff(a, b)
      blocks.push(...allocDiffBlocks(result.allocinfo))
    }
    if (doBoot) {
      for (const x of [a, b]) if (!hasBootLog(x)) throw new InputError(`${x.path}: no boot log (${x.kind}); expected a boot log or a capture directory holding dmesg.txt`, x.path)
      throw new NotImplementedError('diff of two boot logs')
    }
    this.emit(result, {blocks})
    this.gate(severities)
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
    const [ia, ib] = await Promise.all([readAllocInfo(a.capture.allocinfo!), readAllocInfo(b.capture.allocinfo!)])
    return diffAllocInfo(ia, ib, {metric, sort: f.sort as AllocSort, minDelta, top: f.top > 0 ? f.top : undefined, filter, keyBy: f.key as AllocKeyBy})
  }
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
