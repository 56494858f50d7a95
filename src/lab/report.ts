// A capture directory's meta.json → the Report `capture` prints: status first (complete or the stage
// it stopped at), then the boot's shape, the files written and, for a series, its recording.
import type {Report} from '../render/report.js'
import type {CaptureResult} from './run.js'
import type {SeriesSummary} from './series.js'
import {plural} from '../render/units.js'

export function captureReport(r: CaptureResult, series?: SeriesSummary): Report {
  const m = r.meta
  const yes = (ok: boolean, text: string) => ({text, style: ok ? ('good' as const) : ('bad' as const)})
  return {
    blocks: [
      {
        kind: 'kv',
        title: `Capture ${r.dir}`,
        rows: [
          {key: 'status', value: yes(m.complete, m.complete ? 'complete' : `incomplete (${m.stage}${m.timed_out ? ', timed out' : ''})`)},
          {key: 'kernel', value: m.kernel_release ?? '(no banner)', note: m.kernel_image},
          {key: 'accelerator', value: m.accel.toUpperCase(), note: m.accel_reason},
          {key: 'CPUs', value: m.possible_cpus === m.cpus ? String(m.cpus) : `${m.cpus} of ${m.possible_cpus} possible`, note: m.cpuinfo_processors === undefined ? undefined : `guest /proc/cpuinfo: ${m.cpuinfo_processors}`},
          {key: 'memory', value: `${m.memory_mib} MiB`, note: m.meminfo_head?.[0]},
          {key: 'NUMA nodes', value: m.numa_nodes},
          {key: 'kernel command line', value: m.kernel_cmdline},
          {key: 'boot wall time', value: `${m.boot_wall_s.toFixed(2)} s`, note: `QEMU rc ${m.qemu_rc ?? m.qemu_signal}`},
          {key: 'dmesg.txt', value: m.dmesg_lines === undefined ? 'absent' : plural(m.dmesg_lines, 'line')},
          {key: 'allocinfo.txt', value: m.allocinfo_lines === undefined ? 'absent' : plural(m.allocinfo_lines, 'line')},
          {key: 'vm.mem_profiling', value: m.vm_mem_profiling},
          ...(m.klab ? [{key: 'klab', value: String(m.klab.line)}] : []),
          ...(series ? [{key: 'series', value: `${series.kind}: ${series.snapshots} snapshots${series.cut ? `, ${series.cut} cut` : ''}`, note: `${series.recording} (${series.recording_bytes} bytes)`}] : []),
          ...(m.last_console_line ? [{key: 'last console line', value: m.last_console_line.length > 120 ? `…${m.last_console_line.slice(-120)}` : m.last_console_line}] : []),
        ],
      },
    ],
  }
}
