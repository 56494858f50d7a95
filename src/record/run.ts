// The `record` command's work, without oclif: how long to record (--count, --duration), sampling
// until then or SIGINT/SIGTERM, the progress line on a terminal, and the summary's Report.
// src/commands/record.ts parses the flags and emits.
import {type CommandRun, outputWidth} from '../cli/output.js'
import {UsageError} from '../errors.js'
import type {Report} from '../render/report.js'
import {iec, plural} from '../render/units.js'
import {parseDuration, record, type RecordSummary, type SampleProgress} from './record.js'

export interface RecordFlags {
  out: string
  source: string
  interval: string
  duration?: string
  count?: number
  'profiling-sysctl'?: string
  force?: boolean
}

/** tool: meta of the recording ("allocscope record <version>"); tty: a progress line on stderr. */
export async function runRecord(f: RecordFlags, env: {tool: string; tty: boolean}): Promise<CommandRun> {
  if (f.count === undefined && f.duration === undefined) throw new UsageError('give --count N or --duration TIME: how long to record')
  const intervalMs = parseDuration('interval', f.interval)
  const durationMs = f.duration === undefined ? undefined : parseDuration('duration', f.duration)
  // A signal ends the recording like the last sample would: the file is closed whole.
  const abort = new AbortController()
  const stop = () => abort.abort()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  const {warnings, ...summary} = await record({
    source: f.source, out: f.out, intervalMs, count: f.count, durationMs, sysctl: f['profiling-sysctl'],
    tool: env.tool, signal: abort.signal, force: f.force,
    // \x1b[K clears what a longer line before left on the row.
    onSample: env.tty ? (p) => process.stderr.write(`\r${progressLine(p, outputWidth(process.env.COLUMNS, process.stderr.columns))}\x1b[K`) : undefined,
  })
  if (env.tty) process.stderr.write('\n')
  process.off('SIGINT', stop)
  process.off('SIGTERM', stop)
  return {result: summary, report: recordReport(summary), severities: [], warnings}
}

/**
 * The progress line, narrower than `width`: one that wraps is rewritten by the next \r on its last
 * row only, and the rows above pile up. The fields that matter least (CPU, bytes written) go first;
 * no `allocscope:` head (an error line's): the line is the running command's own.
 */
export function progressLine(p: SampleProgress, width = 80): string {
  const what = p.leftOut === undefined ? [plural(p.sites, 'site'), `${p.changed} changed`, `${iec(p.bytesWritten)} written`, `${p.cpuMs.toFixed(1)} ms CPU`] : [`left out (${p.leftOut})`]
  const parts = [`record: sample ${p.n}${p.of ? `/${p.of}` : ''}`, `${(p.elapsedMs / 1000).toFixed(0)} s`, ...what]
  while (parts.length > 1 && parts.join(', ').length >= width) parts.pop()
  return parts.join(', ').slice(0, width - 1)
}

export function recordReport(s: Omit<RecordSummary, 'warnings'>): Report {
  return {
    blocks: [
      {
        kind: 'kv',
        title: `Recording ${s.out}`,
        rows: [
          {key: 'source', value: s.source},
          {key: 'samples', value: s.samples, note: `stopped by ${s.stoppedBy}${s.leftOut > 0 ? `; ${s.leftOut} more taken and left out (cut short or unreadable)` : ''}`},
          {key: 'first / last', value: `${s.firstTime ?? '-'} / ${s.lastTime ?? '-'}`},
          {key: 'written', value: iec(s.bytesWritten)},
          {key: 'CPU per sample', value: `${s.cpuMsMedian.toFixed(1)} ms median, ${s.cpuMsMax.toFixed(1)} ms max`, note: `read ${s.readMsMedian.toFixed(1)} ms median`},
          {key: 'next', ...nextStep(s)},
        ],
      },
    ],
  }
}

/**
 * What to run on the recording: trend needs 2 snapshots (it refuses one), so one snapshot is
 * compared with its source as it is by then (diff takes a recording beside a dump).
 */
function nextStep(s: Pick<RecordSummary, 'out' | 'source' | 'samples'>): {value: string; note?: string} {
  if (s.samples >= 2) return {value: `allocscope trend ${s.out}`}
  if (s.samples === 0) return {value: '-', note: 'nothing recorded: every sample was left out (the warnings say why)'}
  return {value: `allocscope diff ${s.out} ${s.source}`, note: 'one snapshot: trend needs 2 or more; diff compares it with the source as it is then'}
}
