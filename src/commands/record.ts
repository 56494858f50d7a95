// `allocscope record`: sample /proc/allocinfo into a recording. Thin: flags → src/record → summary.
import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {UsageError} from '../errors.js'
import type {Report} from '../render/report.js'
import {iec} from '../render/units.js'
import {parseDuration, PROC_ALLOCINFO, record, type RecordSummary} from '../record/record.js'

export default class RecordCommand extends BaseCommand<typeof RecordCommand> {
  static summary = 'Sample /proc/allocinfo over time into one recording.'

  static description =
    'Sample /proc/allocinfo (or --source FILE) every --interval for --duration or --count samples, in this one process, into a recording: ' +
    'one gzip file of timestamped snapshots (the kernel release, its uptime and the time taken to read each one), where a snapshot stores only the sites that changed ' +
    '(layout: docs/recording.md). Every sample is written as soon as it is taken, so a kill loses at most the sample in progress. ' +
    '`allocscope trend` reads the recording. Says plainly when the file is missing (no CONFIG_MEM_ALLOC_PROFILING), unreadable (needs root), ' +
    'or profiling is switched off (/proc/sys/vm/mem_profiling is 0). Progress goes to stderr when it is a terminal.'

  static examples = [
    'sudo <%= config.bin %> <%= command.id %> --interval 10s --duration 1h --out soak.arec.gz',
    'sudo <%= config.bin %> <%= command.id %> --interval 1m --count 1440 --out day.arec.gz',
    '<%= config.bin %> <%= command.id %> --source samples/linux-7.2-pool-c64-m1024/allocinfo.txt --interval 100ms --count 5 --out /tmp/demo.arec.gz',
  ]

  static flags = {
    out: Flags.string({char: 'o', description: 'Recording file to write (gzip; conventionally *.arec.gz).', required: true}),
    source: Flags.string({description: 'File to sample.', default: PROC_ALLOCINFO}),
    interval: Flags.string({char: 'i', description: 'Time between samples: 500ms, 10s, 1m, 2h.', default: '10s'}),
    duration: Flags.string({char: 'd', description: 'Stop after this long (samples at 0, interval, … up to and including it).'}),
    count: Flags.integer({char: 'n', description: 'Stop after this many samples.', min: 1}),
    'profiling-sysctl': Flags.string({description: 'vm.mem_profiling file to check before starting (default: /proc/sys/vm/mem_profiling when sampling /proc/allocinfo).', hidden: true}),
  }

  async run(): Promise<void> {
    const f = this.flags
    if (f.count === undefined && f.duration === undefined) throw new UsageError('give --count N or --duration TIME: how long to record')
    const intervalMs = parseDuration('interval', f.interval)
    const durationMs = f.duration === undefined ? undefined : parseDuration('duration', f.duration)
    const abort = new AbortController()
    const stop = () => abort.abort()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
    const tty = Boolean(process.stderr.isTTY) && !f.json
    const summary = await record({
      source: f.source, out: f.out, intervalMs, count: f.count, durationMs, sysctl: f['profiling-sysctl'],
      tool: `allocscope record ${this.config.version}`, signal: abort.signal,
      onSample: tty
        ? (p) => process.stderr.write(`\rallocscope: record: sample ${p.n}${p.of ? `/${p.of}` : ''}, ${(p.elapsedMs / 1000).toFixed(0)} s, ${p.sites} sites, ${p.changed} changed, ${iec(p.bytesWritten)} written, ${p.cpuMs.toFixed(1)} ms CPU   `)
        : undefined,
    })
    if (tty) process.stderr.write('\n')
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
    this.emit(summary, recordReport(summary))
  }
}

function recordReport(s: RecordSummary): Report {
  return {
    blocks: [
      {
        kind: 'kv',
        title: `Recording ${s.out}`,
        rows: [
          {key: 'source', value: s.source},
          {key: 'samples', value: s.samples, note: `stopped by ${s.stoppedBy}`},
          {key: 'first / last', value: `${s.firstTime ?? '-'} / ${s.lastTime ?? '-'}`},
          {key: 'written', value: iec(s.bytesWritten)},
          {key: 'CPU per sample', value: `${s.cpuMsMedian.toFixed(1)} ms median, ${s.cpuMsMax.toFixed(1)} ms max`, note: `read ${s.readMsMedian.toFixed(1)} ms median`},
          {key: 'next', value: `allocscope trend ${s.out}`},
        ],
      },
    ],
  }
}
