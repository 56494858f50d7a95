// `allocscope analyse`: a boot log (or capture directory) → host facts, profiling state, early-PFN
// tracking, findings; with an allocinfo, its totals and accurate:no sites. Thin: flags → src/analysis/run.ts
// (reader + analyser → Report) → emit() → gate().
import {Args, Flags} from '@oclif/core'
import {runAnalyse} from '../analysis/run.js'
import {FORMAT_IDS, inputFormatHelp} from '../readers/bootlog/formats.js'
import {BaseCommand, baseFlagsFor} from '../cli/base.js'
import {bootFlag, pathFlag, recorderFlag} from '../cli/flags.js'
import {readProgress, waitingNotice} from '../cli/progress.js'

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
    input: Args.string({description: 'boot log file, capture directory, or - for stdin', required: true, ignoreStdin: true}),
  }

  // --sample's help says how many inputs it reads (samples.ts SAMPLE_USE).
  static baseFlags = baseFlagsFor('analyse')
  static flags = {
    allocinfo: pathFlag.file({description: 'A /proc/allocinfo dump to summarise with the boot log (default: allocinfo.txt of a capture directory).'}),
    traces: Flags.boolean({description: 'Print the call trace of each WARNING/BUG splat, guilty frame marked.', default: false}),
    'input-format': Flags.option({options: FORMAT_IDS, description: inputFormatHelp()})(),
    boot: bootFlag(),
    recorder: recorderFlag(),
    bytes: Flags.boolean({description: 'Print raw byte counts instead of IEC units.', default: false}),
    'accept-truncated': Flags.boolean({description: 'Read a truncated or damaged .gz up to the damage (the result is marked truncated) instead of refusing it.', default: false}),
  }

  async run(): Promise<void> {
    const {args} = await this.parse(Analyse)
    this.noteStdin(args.input, 'the boot log')
    this.finish(await runAnalyse(args.input, this.flags, {onProgress: readProgress(this.flags.json), waitingNotice}))
  }
}
