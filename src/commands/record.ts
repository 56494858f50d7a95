// `allocscope record`: sample /proc/allocinfo into a recording. Thin: flags → src/record/run.ts → summary.
import {Flags} from '@oclif/core'
import {pathFlag} from '../cli/flags.js'
import {BaseCommand, baseFlagsFor} from '../cli/base.js'
import {recipe} from '../cli/examples.js'
import {EXIT} from '../errors.js'
import {PROC_ALLOCINFO} from '../record/record.js'
import {runRecord} from '../record/run.js'

export default class RecordCommand extends BaseCommand<typeof RecordCommand> {
  static summary = 'Sample /proc/allocinfo over time into one recording.'

  static baseFlags = baseFlagsFor('record')

  static description =
    'Sample /proc/allocinfo (or --source FILE) every --interval for --duration or --count samples, in this one process, into a recording: ' +
    'one gzip file of timestamped snapshots (the time taken to read each one; sampling /proc/allocinfo, the kernel release and its uptime too), where a snapshot stores only the sites that changed ' +
    '(layout: docs/recording.md). Every sample is written as soon as it is taken, so a kill loses at most the sample in progress. ' +
    '`allocscope trend` reads the recording. Says plainly when the file is missing (no CONFIG_MEM_ALLOC_PROFILING), unreadable (needs root), ' +
    'or profiling is switched off (/proc/sys/vm/mem_profiling is 0). Progress goes to stderr when it is a terminal.'

  static examples = [
    recipe('a live kernel with CONFIG_MEM_ALLOC_PROFILING, as root', 'sudo <%= config.bin %> <%= command.id %> --interval 10s --duration 1h --out soak.arec.gz'),
    recipe('a live kernel with CONFIG_MEM_ALLOC_PROFILING, as root', 'sudo <%= config.bin %> <%= command.id %> --interval 1m --count 1440 --out day.arec.gz'),
    '<%= config.bin %> <%= command.id %> --source samples/linux-7.2-pool-c64-m1024/allocinfo.txt --interval 100ms --count 5 --out /tmp/demo.arec.gz --force',
    '<%= config.bin %> <%= command.id %> --sample pool-c64 --interval 100ms --count 3 --out demo.arec.gz --force',
  ]

  static flags = {
    out: pathFlag.file({char: 'o', description: 'Recording file to write (gzip; conventionally *.arec.gz); an existing one only with --force.', required: true}),
    force: Flags.boolean({description: 'Overwrite the --out file when it exists.', default: false}),
    source: pathFlag.file({description: 'File to sample.', default: PROC_ALLOCINFO}),
    interval: Flags.string({char: 'i', description: 'Time between samples: 500ms, 10s, 1m, 2h.', default: '10s'}),
    duration: Flags.string({char: 'd', description: 'Stop after this long (samples at 0, interval, … up to and including it).'}),
    count: Flags.integer({char: 'n', description: 'Stop after this many samples.', min: 1}),
    'profiling-sysctl': pathFlag.file({description: 'vm.mem_profiling file to check before starting (default: /proc/sys/vm/mem_profiling when sampling /proc/allocinfo).', hidden: true}),
  }

  async run(): Promise<void> {
    const tty = Boolean(process.stderr.isTTY) && !this.flags.json
    const run = await runRecord(this.flags, {tool: `allocscope record ${this.config.version}`, tty})
    this.finish(run)
    // The summary is written as on any stop; the status tells a script that the recording ended early or holds nothing.
    if ((run.result as {sourceError?: string}).sourceError !== undefined) process.exitCode = EXIT.sourceLost
  }
}
