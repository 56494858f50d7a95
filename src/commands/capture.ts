// `allocscope capture`: boot a kernel under QEMU with N CPUs and write a capture directory.
// Thin: flags → src/lab (initramfs, QEMU command line, run, console split) → Report → emit().
import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {Flags} from '@oclif/core'
import {BaseCommand} from '../cli/base.js'
import {InputError, NotImplementedError, UsageError} from '../errors.js'
import type {Report} from '../render/report.js'
import {parseMemory} from '../lab/qemu.js'
import {CaptureError, type CaptureResult, failureMessage, runCapture} from '../lab/run.js'
import {WORKLOADS, type Workload} from '../lab/initramfs.js'
import {finishSeries, SERIES_KINDS, SERIES_TITLES, type SeriesSummary, seriesExtraEntries, seriesInitScript} from '../lab/series.js'

export default class CaptureCommand extends BaseCommand<typeof CaptureCommand> {
  static summary = 'Boot a kernel under QEMU and write a capture directory.'

  static description =
    'Boot a kernel image under QEMU (qemu-system-x86_64, q35, -cpu max) with the given number of CPUs, memory and NUMA nodes, ' +
    'using a busybox initramfs generated on the fly whose init prints dmesg and /proc/allocinfo between ===KLAB-*=== markers on the serial console and powers off; ' +
    'then write a capture directory (console.log, dmesg.txt, allocinfo.txt, meta.json with the exact QEMU command, kernel release, CPUs, memory, nodes and wall time) ' +
    'that analyse, allocinfo and diff read as is. KVM is used when /dev/kvm is usable, TCG otherwise. A boot that times out or never reaches the init keeps ' +
    'what it captured, marked complete=false, and exits 2. Needs the Debian packages qemu-system-x86 and busybox-static; lab/build-kernel.sh builds a suitable kernel.'

  static examples = [
    '<%= config.bin %> <%= command.id %> --kernel ~/.cache/allocscope/lab/out/bzImage-6.12 --cpus 4 --out /tmp/c4 --append sysctl.vm.mem_profiling=1',
    '<%= config.bin %> <%= command.id %> --kernel ~/.cache/allocscope/lab/out/bzImage-6.12 --cpus 4 --possible 64 --memory 1G --accel tcg --out /tmp/c4-p64 --then analyse',
    '<%= config.bin %> <%= command.id %> --kernel ~/.cache/allocscope/lab/out/bzImage-7.2-notrack --cpus 8 --memory 1G --workload shrink --append "sysctl.vm.mem_profiling=1 lpj=8384024" --out /tmp/shrink --then analyse',
    '<%= config.bin %> <%= command.id %> --kernel ~/.cache/allocscope/lab/out/bzImage-6.12 --cpus 8 --nodes 2 --memory 2G --out /tmp/c8-numa2 --then diff --baseline samples/linux-6.12-instr_smp064_2G_numa2',
  ]

  static flags = {
    kernel: Flags.string({char: 'k', description: 'Kernel image to boot (an x86-64 bzImage, e.g. from lab/build-kernel.sh).', required: true}),
    cpus: Flags.integer({char: 'c', description: 'CPUs the kernel brings up.', default: 1, min: 1, max: 1024}),
    possible: Flags.integer({description: 'Possible CPUs (QEMU -smp <possible> and kernel maxcpus=<cpus>): per-CPU data is sized for all of them, only --cpus are brought up. Default: --cpus.', min: 1, max: 1024}),
    memory: Flags.string({char: 'm', description: 'Guest memory: 1024, 1024M or 1G.', default: '1G'}),
    nodes: Flags.integer({description: 'NUMA nodes; memory and CPUs are split evenly between them.', default: 1, min: 1, max: 64}),
    append: Flags.string({description: 'Extra kernel command line after "console=ttyS0 panic=-1", e.g. "sysctl.vm.mem_profiling=1 lpj=8384024".'}),
    accel: Flags.option({options: ['auto', 'kvm', 'tcg'] as const, description: 'auto: KVM when /dev/kvm is usable, else TCG.', default: 'auto' as const})(),
    'cpu-model': Flags.string({description: 'QEMU -cpu model.', default: 'max'}),
    workload: Flags.option({
      options: Object.keys(WORKLOADS) as Workload[],
      description: `Work the guest init does before the dump. shrink: ${WORKLOADS.shrink.title} (frees early slab pages: an untracked one fires "alloc_tag was not set").`,
    })(),
    timeout: Flags.integer({char: 't', description: 'Seconds before QEMU is stopped and the capture marked incomplete.', default: 600, min: 1}),
    out: Flags.string({char: 'o', description: 'Capture directory to write (default: ./capture-c<cpus>-m<MiB>-<time>).'}),
    force: Flags.boolean({description: 'Overwrite the capture files of a non-empty --out.', default: false}),
    busybox: Flags.string({description: 'Static busybox binary for the initramfs (default: /bin/busybox from busybox-static).'}),
    qemu: Flags.string({description: 'QEMU binary.', default: 'qemu-system-x86_64'}),
    provenance: Flags.string({description: 'Free text stored as made_by.provenance in meta.json: how the kernel was built, what this boot reproduces.'}),
    series: Flags.option({
      options: SERIES_KINDS,
      description: 'Trend lab: sample /proc/allocinfo inside the guest while a workload runs and write recording.arec.gz (see lab/trend-series.sh). ' +
        Object.entries(SERIES_TITLES).map(([k, v]) => `${k}: ${v}.`).join(' '),
    })(),
    module: Flags.string({description: 'With --series leak|churn|unload: the klab_leak.ko built against the kernel (lab/trend-series.sh builds it).'}),
    snapshots: Flags.integer({description: 'With --series: snapshots to take.', default: 40, min: 6}),
    interval: Flags.integer({description: 'With --series: seconds the guest sleeps between snapshots.', default: 2, min: 1}),
    then: Flags.option({options: ['analyse', 'diff'] as const, description: 'Run this command on the fresh capture (diff: predicted vs observed, or against --baseline).'})(),
    baseline: Flags.string({description: 'With --then diff: compare this capture with the fresh one (capture vs capture).', dependsOn: ['then']}),
  }

  async run(): Promise<void> {
    const f = this.flags
    let memoryMiB: number
    try {
      memoryMiB = parseMemory(f.memory)
    } catch (e) {
      throw new UsageError(`--memory: ${(e as Error).message}`)
    }
    if (f.possible !== undefined && f.possible < f.cpus) throw new UsageError(`--possible ${f.possible} is below --cpus ${f.cpus}: possible CPUs include the present ones`)
    if (f.nodes > (f.possible ?? f.cpus)) throw new UsageError(`--nodes ${f.nodes} needs at least as many CPUs (got ${f.possible ?? f.cpus})`)
    if (f.baseline && f.then !== 'diff') throw new UsageError('--baseline goes with --then diff')
    const next = f.then ? this.config.findCommand(f.then) : undefined
    if (f.then && !next) throw new NotImplementedError(`--then ${f.then}: the ${f.then} command (not in this build)`)

    if (f.series && f.series !== 'busy' && !f.module) throw new UsageError(`--series ${f.series} needs --module klab_leak.ko`)
    const moduleBuf = f.module ? readModule(f.module) : undefined
    const series = f.series ? {kind: f.series, snapshots: f.snapshots, intervalS: f.interval} : undefined
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')
    const out = f.out ?? `capture-c${f.cpus}${f.possible ? `-p${f.possible}` : ''}-m${memoryMiB}${f.nodes > 1 ? `-n${f.nodes}` : ''}-${stamp}`
    const result = await runCapture({
      kernel: f.kernel, cpus: f.cpus, possible: f.possible, memoryMiB, nodes: f.nodes, append: f.append,
      accel: f.accel, cpuModel: f['cpu-model'], workload: f.workload,
      customInit: series ? {script: seriesInitScript(series), extra: seriesExtraEntries(moduleBuf), mode: `series-${series.kind}`} : undefined, timeoutS: f.timeout, out, force: f.force, busybox: f.busybox, qemu: f.qemu,
      onBoot: (accel, reason) => {
        if (!f.json) process.stderr.write(`allocscope: booting ${f.kernel} with ${f.cpus} CPU(s) under ${accel.toUpperCase()} (${reason}), timeout ${f.timeout} s …\n`)
      },
      madeBy: {tool: 'allocscope capture', version: this.config.version, argv: this.argv, ...(f.provenance ? {provenance: f.provenance} : {})},
    })
    const failure = failureMessage(result)
    const made = series && !failure ? finishSeries(result.dir, {...series, moduleSha256: moduleBuf && sha256(moduleBuf), provenance: f.provenance ?? '', tool: `allocscope capture ${this.config.version}`}) : undefined
    this.emit(made ? {...result.meta, series: made} : result.meta, captureReport(result, made))
    if (failure) throw new CaptureError(failure, result.dir)

    if (f.then) {
      const passthrough = [
        ...(f.json ? ['--json'] : ['--format', String(f.format)]),
        ...(f.color === undefined ? [] : [f.color ? '--color' : '--no-color']),
        '--fail-on', String(f['fail-on']),
      ]
      const argv = f.then === 'diff' && f.baseline ? [f.baseline, result.dir] : [result.dir]
      await this.config.runCommand(f.then, [...argv, ...passthrough])
    }
  }
}

function readModule(path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (e) {
    throw new InputError(`${path}: ${(e as Error).message}; expected the klab_leak.ko kernel module (lab/trend-series.sh builds it)`, path)
  }
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex')

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
          {key: 'dmesg.txt', value: m.dmesg_lines === undefined ? 'absent' : `${m.dmesg_lines} lines`},
          {key: 'allocinfo.txt', value: m.allocinfo_lines === undefined ? 'absent' : `${m.allocinfo_lines} lines`},
          {key: 'vm.mem_profiling', value: m.vm_mem_profiling},
          ...(m.klab ? [{key: 'klab', value: String(m.klab.line)}] : []),
          ...(series ? [{key: 'series', value: `${series.kind}: ${series.snapshots} snapshots${series.cut ? `, ${series.cut} cut` : ''}`, note: `${series.recording} (${series.recording_bytes} bytes)`}] : []),
          ...(m.last_console_line ? [{key: 'last console line', value: m.last_console_line.length > 120 ? `…${m.last_console_line.slice(-120)}` : m.last_console_line}] : []),
        ],
      },
    ],
  }
}
