// `allocscope allocinfo`: the top of /proc/allocinfo, filtered and summed. Thin: flags → reader →
// select/tree → Report → emit().
// Without an oclif manifest every command module is imported at start-up, so the reader, tree and
// report modules are imported only when this command runs.
import {statSync} from 'node:fs'
import {Args, Flags} from '@oclif/core'
import {SORT_KEYS, type SiteFilter, type SortKey, compileRegex, describeFilter, selectSites} from '../allocinfo/select.js'
import type {AllocInfoResult} from '../allocinfo/report.js'
import {BaseCommand} from '../cli/base.js'
import {InputError, UsageError} from '../errors.js'
import {parseSize} from '../render/units.js'

export default class AllocInfoCommand extends BaseCommand<typeof AllocInfoCommand> {
  static description =
    'Show the largest allocation sites of a /proc/allocinfo dump (a file, the allocinfo.txt of a capture directory, or - for stdin; gzip is read too), ' +
    'sorted by bytes or calls, filtered by module, file, function, size or `accurate:no`, or summed by source path prefix with --tree. ' +
    'Duplicate `file:line func` keys (inlined helpers) are summed first; negative bytes and wrapped call counters are listed as anomalies after the table, ' +
    'and every input line that is neither a site nor a header is counted as skipped with its reason. ' +
    'With --fail-on warning, negative bytes or wrapped calls exit 1 (duplicate keys are info).'

  static examples = [
    '<%= config.bin %> <%= command.id %> samples/linux-7.2-pool-c64-m1024',
    '<%= config.bin %> <%= command.id %> samples/linux-7.2-pool-c64-m1024/allocinfo.txt --top 5 --sort calls',
    '<%= config.bin %> <%= command.id %> samples/linux-7.2-legacylate-c255-m1024 --accurate-no',
    '<%= config.bin %> <%= command.id %> samples/linux-6.12-nodebug_smp064_1G --file "^mm/" --min 1M --bytes',
    '<%= config.bin %> <%= command.id %> samples/linux-7.2-pool-c64-m1024 --tree --depth 1',
    'sort -g samples/linux-7.2-pool-c64-m1024/allocinfo.txt | <%= config.bin %> <%= command.id %> - --top 10 --json',
  ]

  static args = {
    input: Args.string({description: 'allocinfo file, capture directory, or - for stdin', required: true}),
  }

  static flags = {
    top: Flags.integer({char: 'n', description: 'Show this many sites (0 = all).', default: 20, min: 0}),
    sort: Flags.option({options: SORT_KEYS, description: 'Order: bytes or calls (largest first), file, func or key (ascending).', default: 'bytes' as SortKey})(),
    min: Flags.string({description: 'Only sites with at least this many bytes (e.g. 1M, 64K, 4096).'}),
    module: Flags.string({description: 'Only sites whose module matches this regular expression (built-in sites have no module: use ^$).'}),
    file: Flags.string({description: 'Only sites whose source file matches this regular expression.'}),
    function: Flags.string({description: 'Only sites whose function matches this regular expression.'}),
    'accurate-no': Flags.boolean({description: 'Only sites the kernel marked accurate:no (counters known to be incomplete).', default: false}),
    tree: Flags.boolean({description: 'Sum the selected sites by source path prefix instead of listing them.', default: false}),
    depth: Flags.integer({description: 'Path components per --tree prefix.', default: 2, min: 1}),
    bytes: Flags.boolean({description: 'Print raw byte counts instead of IEC units (KiB, MiB, ...).', default: false}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(AllocInfoCommand)
    const f = this.flags
    let minBytes: bigint | undefined
    if (f.min !== undefined) {
      const n = parseSize(f.min)
      if (n === undefined) throw new UsageError(`--min: '${f.min}' is not a size; expected e.g. 1M, 64K, 1.5GiB or a byte count`)
      minBytes = BigInt(n)
    }
    const filter: SiteFilter = {
      module: compileRegex('module', f.module),
      file: compileRegex('file', f.file),
      func: compileRegex('function', f.function),
      inaccurateOnly: f['accurate-no'],
      minBytes,
    }
    const [{readAllocInfo}, {treeTotals}, {ANOMALY_SEVERITY, buildAllocInfoReport}] = await Promise.all([
      import('../capture/allocinfo.js'),
      import('../allocinfo/tree.js'),
      import('../allocinfo/report.js'),
    ])
    const info = await readAllocInfo(await allocinfoPath(args.input))
    const sort = f.sort as SortKey
    const totals = {sites: info.sites.length, bytes: info.totalBytes, calls: info.totalCalls}
    const sel = selectSites(info.sites, filter, sort, f.tree ? 0 : f.top, totals)
    const result: AllocInfoResult = {
      source: info.source,
      version: info.version,
      lines: info.lines,
      sort,
      totals,
      filters: describeFilter(filter),
      matched: sel.matched,
      shown: f.tree ? 0 : sel.shown.length,
      sites: f.tree ? [] : sel.shown,
      anomalies: info.anomalies,
      anomalyCounts: info.anomalyCounts,
      skipped: info.skipped,
      skippedTotal: info.skippedTotal,
      skippedByReason: info.skippedByReason,
    }
    if (f.tree) {
      const rows = treeTotals(sel.shown, f.depth, sort)
      result.tree = {depth: f.depth, rows: f.top > 0 ? rows.slice(0, f.top) : rows, prefixes: rows.length}
    }
    this.emit(result, buildAllocInfoReport(result, {raw: f.bytes}))
    this.gate(info.anomalies.map((a) => ANOMALY_SEVERITY[a.kind]))
  }
}

/** A capture directory stands for its allocinfo.txt; anything else is read as given. */
async function allocinfoPath(input: string): Promise<string> {
  if (input === '-') return input
  let dir = false
  try {
    dir = statSync(input).isDirectory()
  } catch {
    return input // readAllocInfo names the problem
  }
  if (!dir) return input
  const {resolveCapture} = await import('../capture/dir.js')
  const cap = resolveCapture(input)
  if (!cap.allocinfo) throw new InputError(`${input}: capture directory without allocinfo.txt; expected a /proc/allocinfo dump or a directory holding one`, input)
  return cap.allocinfo
}
