// `allocscope predict`: what the kernel's early-PFN recorders will record, drop, allocate and leak
// on a host, re-executed event by event. Thin: flags → Host → model → Report → emit().
import {readFileSync, writeFileSync} from 'node:fs'
import {basename} from 'node:path'
import {Flags} from '@oclif/core'
import {analyseBootLog, bootNote} from '../analysis/read.js'
import {recorderOfRelease} from '../analysis/releases.js'
import {resolveCapture} from '../readers/dir.js'
import {BaseCommand} from '../cli/base.js'
import {bootFlag} from '../cli/flags.js'
import {InputError, UsageError} from '../errors.js'
import {chooseProfile, predictFleet} from '../model/fleet.js'
import {hostFromAnalysis, legacyMaxFromLog, measuredEarlyCalls, recorderFromAllocinfo} from '../model/from-boot.js'
import {EARLY_ALLOC_PFN_MAX} from '../model/recorders/legacy.js'
import {DEFAULT_HOST, HOST_LIMITS, type Host, type HostOrigins, validateHost} from '../model/host.js'
import {INVENTORY_COLUMNS, parseInventory} from '../model/inventory.js'
import {type PredictOptions, type Tracker, predict, sweep, sweepCpus} from '../model/predict.js'
import {fleetBlock, predictionReport, sweepBlock, sweepSummary, wrap} from '../model/report.js'
import type {Report} from '../render/report.js'
import {plotLines} from '../render/plot.js'
import {plotSvg} from '../render/svg.js'
import {parseSize} from '../render/units.js'
import {dropSeverity} from '../model/severity.js'
import type {Recorder, Severity} from '../types.js'

type FleetOpts = PredictOptions & {tracker: Tracker; seed: number; legacyMax: number}

/** --sweep LO..HI: both ends checked here, so an error names what the user typed. */
function parseSweep(text: string): [number, number] {
  const m = /^(\d+)\.\.(\d+)$/.exec(text)
  const [lo, hi] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN]
  if (!m || lo < 1 || hi < lo) throw new UsageError(`--sweep ${text}: expected LO..HI with 1 ≤ LO ≤ HI, e.g. 1..8192`)
  if (hi > HOST_LIMITS.cpus) throw new UsageError(`--sweep ${text}: HI must be at most ${HOST_LIMITS.cpus} CPUs`)
  return [lo, hi]
}

export default class Predict extends BaseCommand<typeof Predict> {
  static summary = 'Predict the early-PFN recorders for a host, sweep or fleet.'

  static description =
    'Predict what the early-PFN recorders will do on a host: how many page allocations happen before page_ext is ready ' +
    '(from a workload profile fitted on instrumented boots), then both recorders executed event by event with a seeded ' +
    'scheduler: the legacy 8192-slot array (recorded, dropped, when the overflow warning fires) and the pfn_pool list ' +
    '(recorded, pool pages, cmpxchg race frees, tracking bytes, leaked accounting), and which dropped pages would trip ' +
    '"alloc_tag was not set" if freed. Ask for one host (--cpus, --memory, ... or --from a boot log), a CPU sweep ' +
    '(--sweep, with the CPU count at which the legacy array overflows, --plot/--svg for the curve), or a fleet ' +
    `(--hosts inventory.csv with columns ${Object.keys(INVENTORY_COLUMNS).join(', ')}; other columns are passed through). ` +
    'Exits 1 with --fail-on warning when a DEBUG host would drop PFNs (notice on a non-DEBUG host, where nothing warns; with --hosts the same per row, shown in the severity column).'

  static examples = [
    '<%= config.bin %> <%= command.id %> --cpus 64',
    '<%= config.bin %> <%= command.id %> --cpus 8192 --memory 2T --no-debug',
    '<%= config.bin %> <%= command.id %> --from samples/linux-7.2-pool-c64-m1024',
    '<%= config.bin %> <%= command.id %> --sweep 1..8192 --no-debug --plot',
    '<%= config.bin %> <%= command.id %> --sweep 1..1024 --no-debug --svg curve.svg --format text',
    '<%= config.bin %> <%= command.id %> --hosts samples/inventory.csv --format csv',
    '<%= config.bin %> <%= command.id %> --cpus 255 --no-debug --tracker legacy --json',
  ]

  static flags = {
    cpus: Flags.integer({description: 'CPUs: possible and online (unless --possible / --online say otherwise).', min: 1}),
    possible: Flags.integer({description: 'Possible CPUs (nr_cpu_ids).', min: 1}),
    online: Flags.integer({description: 'CPUs brought up at boot (maxcpus=).', min: 1}),
    memory: Flags.string({description: 'Memory, e.g. 64G, 512M.', default: '1G'}),
    nodes: Flags.integer({description: 'NUMA nodes.', default: 1, min: 1}),
    'page-size': Flags.option({options: ['4K', '16K', '64K'] as const, description: 'Page size.', default: '4K' as const})(),
    'word-bits': Flags.option({options: ['64', '32'] as const, description: 'Word size in bits.', default: '64' as const})(),
    debug: Flags.boolean({description: 'MEM_ALLOC_PROFILING_DEBUG (sets early_page_ext: page_ext before SMP).', default: true, allowNo: true}),
    'early-page-ext': Flags.boolean({description: 'early_page_ext on the command line.', default: false}),
    'deferred-init': Flags.boolean({description: 'DEFERRED_STRUCT_PAGE_INIT.', default: true, allowNo: true}),
    compressed: Flags.boolean({description: 'mem_profiling compressed mode (no page_ext, no recorder).', default: false}),
    'gb-pages': Flags.boolean({
      description:
        'x86 direct map in 1 GiB pages (the CPU has pdpe1gb and the command line has no nogbpages). --no-gb-pages: 2 MiB pages, ' +
        'more early page-table pages (QEMU -cpu qemu64); counted when the profile has the noGbPages term.',
      default: true,
      allowNo: true,
    }),
    kasan: Flags.boolean({description: 'KASAN (not a term: measured on 7.2 within the bound before SMP, 1.26-1.53x more after SMP and not counted; predict notes which).', default: false}),
    kmemleak: Flags.boolean({description: 'kmemleak (no term, as --kasan; noted).', default: false}),
    kernel: Flags.string({description: 'Kernel release to pick the shipped profile (e.g. 7.2).'}),
    profile: Flags.string({description: 'Profile name (profiles/*.json) or a profile file from calibrate.'}),
    tracker: Flags.option({options: ['legacy', 'pool', 'both'] as const, description: 'Which recorder(s) to run.', default: 'both' as const})(),
    recorder: Flags.option({
      options: ['none', 'legacy', 'pool'] as const,
      description:
        'The early-PFN recorder the kernel carries (default: read from --from: the recorder\'s messages, klab lines, the release). ' +
        'none: nothing is recorded, every early page stays untagged (and would warn if freed on a DEBUG kernel).',
    })(),
    seed: Flags.integer({description: 'Scheduler seed (interleaving of CPUs; only race counts depend on it).', default: 1}),
    'legacy-max': Flags.integer({description: 'EARLY_ALLOC_PFN_MAX (default: with --from, the size the kernel printed in its overflow warning, else 8192).', min: 1}),
    from: Flags.string({description: 'Take the host from a boot log or capture directory.'}),
    boot: bootFlag(),
    sweep: Flags.string({description: 'Sweep CPUs over a range LO..HI (possible = online).'}),
    points: Flags.integer({description: 'Points of the sweep (every integer when the range is smaller).', default: 64, min: 2, max: 512}),
    hosts: Flags.string({
      description: `Fleet inventory CSV, one host per row, header line first, # comments allowed. Columns: ${Object.entries(INVENTORY_COLUMNS)
        .map(([k, v]) => `${k}: ${v}`)
        .join('; ')}. Any other column is passed through to the output.`,
    }),
    plot: Flags.boolean({description: 'Draw the sweep curve with the legacy limit line in the terminal.', default: false}),
    svg: Flags.string({description: 'Write the sweep curve as an SVG file.'}),
  }

  async run(): Promise<void> {
    const f = this.flags
    const modes = [f.sweep !== undefined, f.hosts !== undefined].filter(Boolean).length
    if (modes > 1) throw new UsageError('--sweep and --hosts are different questions: give one')
    if ((f.plot || f.svg) && f.sweep === undefined) throw new UsageError('--plot and --svg draw a sweep: add --sweep LO..HI')
    const opts: PredictOptions = {tracker: f.tracker as Tracker, seed: f.seed, legacyMax: f['legacy-max'] ?? EARLY_ALLOC_PFN_MAX}
    if (f.recorder) Object.assign(opts, {recorder: f.recorder, recorderReason: 'given with --recorder'})
    if (f.hosts !== undefined) return this.fleet(f.hosts, opts as FleetOpts)
    const {host, notes, measured, printedMax, recorder} = await this.host()
    if (f['legacy-max'] === undefined && printedMax !== undefined) opts.legacyMax = printedMax
    if (!f.recorder && recorder) Object.assign(opts, recorder)
    const profile = chooseProfile(host, f.profile ?? undefined)
    this.warnings.push(...notes)
    const why = f.profile === undefined ? kernelFallbackNote(host.kernel, profile) : undefined
    if (why) this.warnings.push(why)
    if (f.sweep !== undefined) {
      const [lo, hi] = parseSweep(f.sweep)
      validateHost({...host, possibleCpus: hi, onlineCpus: hi})
      const s = sweep(host, profile, sweepCpus(lo, hi, f.points), opts)
      const series = [{label: `early PFNs (${profile.name})`, points: s.points.map((p) => ({x: p.cpus, y: p.events}))}]
      const limit = {y: s.legacyMax, label: `EARLY_ALLOC_PFN_MAX ${s.legacyMax}`}
      const report: Report = {blocks: [sweepBlock(s), {kind: 'text', lines: wrap([sweepSummary(s)])}]}
      if (f.plot) {
        const lines = plotLines(series, {width: f.format === 'text' ? 76 : Math.min(this.width(), 100), height: 16, ascii: f.format === 'text', limit, xLabel: 'CPUs', yLabel: 'PFNs offered to the recorder'})
        report.blocks.unshift({kind: 'text', title: 'Recorded PFNs against CPUs', lines, pre: true})
      }
      if (f.svg) {
        try {
          // The overflow point is where the curve crosses the limit line.
          const mark = s.overflowAt === undefined ? undefined : {x: s.overflowAt, y: s.legacyMax, label: `overflows from ${s.overflowAt} CPUs`}
          writeFileSync(f.svg, plotSvg(series, {title: `Early PFNs against CPUs (${profile.name})`, limit, mark, xLabel: 'CPUs', yLabel: 'PFNs offered to the recorder'}))
          process.stderr.write(`allocscope: wrote ${f.svg}\n`)
        } catch (e) {
          throw new InputError(`${f.svg}: cannot write the SVG (${(e as Error).message})`, f.svg)
        }
      }
      this.emit({host, profile: profile.name, ...s}, report)
      // The sweep drops PFNs from the CPU count where the legacy array overflows on.
      this.gate([dropSeverity(host.debug, s.overflowAt === undefined ? 0 : 1) ?? []].flat())
      return
    }
    const p = predict(host, profile, opts)
    const report = predictionReport(p)
    if (measured) {
      const d = p.events - measured.calls
      const inFit = profile.provenance.captures.some((c) => f.from && basename(f.from.replace(/\/+$/, '')) === c.capture)
      report.blocks.push({
        kind: 'text',
        title: 'Measured on this boot',
        lines: wrap([
          `klab ${measured.kind} (line ${measured.line}): ${measured.calls} early PFNs; predicted ${p.events} (${d >= 0 ? '+' : ''}${d}, ${((100 * d) / measured.calls).toFixed(1)}%)` +
            (inFit ? `; this boot is one of the captures ${profile.name} was fitted on, so this is not an independent check` : ''),
        ]),
      })
    }
    this.emit(measured ? {...p, measured} : p, report)
    this.gate([dropSeverity(host.debug, (p.legacy?.dropped ?? 0) + (p.pool?.dropped ?? 0)) ?? []].flat())
  }

  private async host(): Promise<{
    host: Host
    notes: string[]
    measured?: ReturnType<typeof measuredEarlyCalls>
    printedMax?: number
    recorder?: {recorder: Recorder; recorderReason: string}
  }> {
    const f = this.flags
    let host: Host = {...DEFAULT_HOST}
    const origins: HostOrigins = {}
    let notes: string[] = []
    let measured: ReturnType<typeof measuredEarlyCalls>
    let printedMax: number | undefined
    let recorder: {recorder: Recorder; recorderReason: string} | undefined
    if (f.from) {
      const cap = resolveCapture(f.from)
      if (!cap.bootLog) throw new InputError(`${f.from}: no boot log to take the host from (dmesg.txt, console.log, ...)`, f.from)
      const analysis = await analyseBootLog(cap.bootLog, f.boot !== undefined ? {boot: f.boot} : {})
      ;({host, notes} = hostFromAnalysis(analysis))
      const which = bootNote(analysis)
      if (which) notes = [which, ...notes]
      measured = measuredEarlyCalls(analysis)
      printedMax = legacyMaxFromLog(analysis)
      recorder = {recorder: analysis.profiling.recorder, recorderReason: `${cap.bootLog}: ${analysis.profiling.recorderReason}`}
      // The log's own evidence (messages, klab lines) wins; over a guess from the release, the
      // allocinfo's tracking site is evidence of the pool code (analysis/profiling.ts orders the rest).
      const site = cap.allocinfo && /^a guess from the release|^no recorder message/.test(analysis.profiling.recorderReason) ? recorderFromAllocinfo(cap.allocinfo) : undefined
      if (site) recorder = site
    } else {
      host = this.flagsHost(origins)
    }
    const possible = f.possible ?? f.cpus
    if (f.possible !== undefined || f.cpus !== undefined) origins.possibleCpus = f.possible !== undefined ? `--possible ${f.possible}` : `--cpus ${f.cpus}`
    if (f.online !== undefined || f.cpus !== undefined) origins.onlineCpus = f.online !== undefined ? `--online ${f.online}` : `--cpus ${f.cpus}`
    host.origins = {...host.origins, ...origins}
    if (possible !== undefined) {
      host.possibleCpus = possible
      host.onlineCpus = f.online ?? f.cpus ?? possible
    } else if (f.online !== undefined) host.onlineCpus = f.online
    if (f.kernel) host.kernel = checkRelease(f.kernel)
    // Without a capture the release is all there is: the same guess table analyse uses (releases.ts).
    const guess = !recorder && host.kernel ? recorderOfRelease(host.kernel) : undefined
    if (guess) recorder = {recorder: guess.recorder, recorderReason: `a guess from --kernel ${host.kernel} (${guess.why}); distribution kernels backport: --recorder if you know`}
    return {host, notes, measured, printedMax, recorder}
  }

  /** The host the flags describe (no --from), with each fact's flag for a refusal. */
  private flagsHost(origins: HostOrigins): Host {
    const f = this.flags
    const mem = parseSize(f.memory)
    if (mem === undefined) throw new UsageError(`--memory ${f.memory}: expected a size such as 64G or 512M`)
    origins.memoryBytes = `--memory ${f.memory}`
    origins.nodes = `--nodes ${f.nodes}`
    return {
      ...DEFAULT_HOST,
      memoryBytes: mem,
      nodes: f.nodes,
      pageSize: parseSize(f['page-size'])!,
      wordBytes: Number(f['word-bits']) / 8,
      debug: f.debug,
      earlyPageExt: f['early-page-ext'],
      deferredInit: f['deferred-init'],
      compressed: f.compressed,
      gbPages: f['gb-pages'],
      kasan: f.kasan,
      kmemleak: f.kmemleak,
      kernel: f.kernel,
    }
  }

  private async fleet(path: string, opts: FleetOpts): Promise<void> {
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (e) {
      throw new InputError(`${path}: cannot read the inventory (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, path)
    }
    const hosts = parseInventory(text, path)
    const {rows} = predictFleet(hosts, {...opts, profile: this.flags.profile})
    const extraCols = [...new Set(hosts.flatMap((h) => Object.keys(h.extra)))]
    this.emit({hosts: rows}, {blocks: [fleetBlock(rows, extraCols)]})
    this.gate(rows.flatMap((r) => r.severity ?? []))
  }
}

/** A kernel release as uname -r prints it (7.2, 6.12.117, 6.13.0-rc4-debug): anything else is refused. */
const RELEASE = /^\d{1,3}\.\d{1,3}(?:\.\d{1,6})?(?:[-+~_.][0-9A-Za-z_.+~-]*)?$/

function checkRelease(kernel: string): string {
  if (!RELEASE.test(kernel)) throw new UsageError(`--kernel ${kernel}: not a kernel release; expected one such as 7.2 or 6.12.117 (as uname -r prints it)`)
  return kernel
}

/** When no shipped profile was fitted on the host's kernel, which one stands in, and why. */
function kernelFallbackNote(kernel: string | undefined, profile: {name: string; kernel: string}): string | undefined {
  if (kernel === undefined || kernel.startsWith(profile.kernel)) return undefined
  return `no shipped profile for kernel ${kernel}: using ${profile.name} (kernel ${profile.kernel}, the newest for this page_ext window); its counts are an extrapolation to ${kernel}`
}
