// `allocscope analyse`: a boot log (or capture directory) → host facts, profiling state, early-PFN
// tracking, findings; with an allocinfo, its totals and accurate:no sites. Thin: flags → reader +
// analyser → Report → emit().
import {Args, Flags} from '@oclif/core'
import {readAllocInfo} from '../readers/allocinfo.js'
import {resolveCapture} from '../readers/dir.js'
import {summariseAllocInfo} from '../analysis/allocinfo-summary.js'
import {analyseBootLogBoots, counterSeverities, counterWarnings, inputWarnings} from '../analysis/read.js'
import {type AnalyseResult, type BootsAnalyseResult, buildAnalyseReport, buildBootsReport} from '../analysis/report.js'
import {FORMAT_IDS, inputFormatHelp} from '../readers/bootlog/formats.js'
import {BaseCommand} from '../cli/base.js'
import {bootFlag, recorderFlag} from '../cli/flags.js'
import {InputError} from '../errors.js'
import type {BootLogFormat, Recorder} from '../types.js'

/** Show progress only for inputs at least this large (and only on a TTY). */
const PROGRESS_MIN_BYTES = 32 * 1024 * 1024

export default class Analyse extends BaseCommand<typeof Analyse> {
  // The US spelling is accepted too (not listed twice in the help).
  static hiddenAliases = ['analyze']

  static summary = 'Host, profiling state and findings of a kernel boot log.'

  static description =
    'Analyse a kernel boot log (dmesg in any of its formats, a serial console, a journal, a capture directory, or - for stdin): ' +
    'host facts (release, command line, possible/online CPUs, NUMA nodes, memory, page_ext), the memory allocation profiling state ' +
    '(mode, whether the kernel is a DEBUG one, which early-PFN recorder it carries, each with the reason), the early-PFN tracking window, ' +
    'and findings from a table of detectors (alloc_tag WARNs, recorder overflow or failure, module-unload leaks, page-flag-bits failures, ' +
    'other WARNING/BUG splats with their call trace and guilty frame). With --allocinfo, or an allocinfo.txt in the capture directory, ' +
    'also its totals, the top sites and the sites marked accurate:no. Exits 1 when --fail-on is reached by a finding.'

  static examples = [
    '<%= config.bin %> <%= command.id %> samples/linux-7.2-pool-c64-m1024',
    '<%= config.bin %> <%= command.id %> samples/linux-7.2-notrack-c8-m1024-shrink --traces --fail-on warning',
    '<%= config.bin %> <%= command.id %> samples/linux-6.12-instr_smp064_2G_numa2/dmesg.txt --traces --format text',
    '<%= config.bin %> <%= command.id %> samples/linux-7.2-pool-c255-m1024/console.log --input-format console',
    '<%= config.bin %> <%= command.id %> samples/lkml-7.0-rc4-alloc-tag-not-set/dmesg-excerpt.txt --recorder none --json',
    '<%= config.bin %> <%= command.id %> --sample nodebug_smp064 --allocinfo samples/linux-6.12-nodebug_smp064_1G/allocinfo.txt --block allocinfo',
  ]

  static args = {
    input: Args.string({description: 'boot log file, capture directory, or - for stdin', required: true}),
  }

  static flags = {
    allocinfo: Flags.string({description: 'A /proc/allocinfo dump to summarise with the boot log (default: allocinfo.txt of a capture directory).'}),
    traces: Flags.boolean({description: 'Print the call trace of each WARNING/BUG splat, guilty frame marked.', default: false}),
    'input-format': Flags.option({options: FORMAT_IDS, description: inputFormatHelp()})(),
    boot: bootFlag(),
    recorder: recorderFlag(),
    bytes: Flags.boolean({description: 'Print raw byte counts instead of IEC units.', default: false}),
    'accept-truncated': Flags.boolean({description: 'Read a truncated or damaged .gz up to the damage (the result is marked truncated) instead of refusing it.', default: false}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(Analyse)
    const f = this.flags
    this.noteStdin(args.input, 'the boot log')
    const cap = resolveCapture(args.input)
    if (!cap.bootLog) throw new InputError(`${args.input}: no boot log in this capture directory (dmesg.txt, console.log, ...); expected a capture with a boot log`, args.input)
    const res = await analyseBootLogBoots(
      cap.bootLog,
      {
        format: f['input-format'] as BootLogFormat | undefined,
        recorder: f.recorder as Recorder | undefined,
        onProgress: this.progress(),
        acceptTruncated: f['accept-truncated'],
        onWaiting: this.waitingNotice(cap.bootLog),
      },
      f.boot ?? 'all',
    )
    const allocPath = f.allocinfo ?? cap.allocinfo
    const allocinfo = allocPath ? summariseAllocInfo(await readAllocInfo(allocPath)) : undefined
    this.warnings.push(...inputWarnings(res.boots[0]!), ...res.boots.flatMap(counterWarnings))
    if (res.boots.every((b) => b.records === 0)) this.warnings.push(`${cap.bootLog}: no kernel log records found`)
    const opts = {traces: f.traces, bytes: f.bytes}
    if (res.boots.length === 1) {
      // One boot (the log's only one, or the one --boot named): the single-boot result, as always.
      const result: AnalyseResult = res.boots[0]!
      if (allocinfo) result.allocinfo = allocinfo
      this.emit(result, buildAnalyseReport(result, opts))
    } else {
      const result: BootsAnalyseResult = {source: res.boots[0]!.source, count: res.count, omitted: res.omitted, boots: res.boots, ...(allocinfo ? {allocinfo} : {})}
      this.emit(result, buildBootsReport(result, opts))
    }
    this.gate(res.boots.flatMap((b) => [...b.findings.map((x) => x.severity), ...counterSeverities(b)]))
  }

  /** On a terminal, say so when the input (a FIFO with no writer, stdin) has given nothing for a second. */
  private waitingNotice(path: string): (() => void) | undefined {
    if (!process.stderr.isTTY) return undefined
    return () => process.stderr.write(`allocscope: waiting for input on ${path === '-' ? 'stdin' : path} ...\n`)
  }

  /** A percentage on stderr for big inputs, only on a TTY and never with --json. */
  private progress(): ((read: number, total?: number) => void) | undefined {
    if (this.flags.json || !process.stderr.isTTY) return undefined
    let last = 0
    let shown = false
    return (read, total) => {
      const now = Date.now()
      // The end of the input clears the line, whatever the throttle says.
      if (total && read >= total) {
        if (shown) process.stderr.write('\r\x1b[K')
        shown = false
        return
      }
      if ((total ?? read) < PROGRESS_MIN_BYTES || now - last < 500) return
      last = now
      shown = true
      const msg = total ? `${((read / total) * 100).toFixed(0)}%` : `${(read / 2 ** 20).toFixed(0)} MiB`
      process.stderr.write(`\rallocscope: reading ${msg}   `)
    }
  }
}
