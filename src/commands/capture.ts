// `allocscope capture`: boot a kernel under QEMU with N CPUs and write a capture directory.
// Thin: flags → src/lab/capture.ts (checks, initramfs, QEMU, console split, series) → emit(), then
// exit 2 for an incomplete boot, or --then on the fresh capture.
import {Flags} from '@oclif/core'
import {pathFlag} from '../cli/flags.js'
import {BaseCommand, baseFlagsFor} from '../cli/base.js'
import {recipe} from '../cli/examples.js'
import {runCaptureCommand} from '../lab/capture.js'
import {blockIsFollowUps, followUpArgv} from '../lab/request.js'
import {CaptureError} from '../lab/run.js'
import {WORKLOADS, type Workload} from '../lab/initramfs.js'
import {SERIES_KINDS, SERIES_TITLES} from '../lab/series.js'

const KERNEL = 'QEMU, busybox-static and a kernel built by lab/build-kernel.sh'

export default class CaptureCommand extends BaseCommand<typeof CaptureCommand> {
  static summary = 'Boot a kernel under QEMU and write a capture directory.'

  static baseFlags = baseFlagsFor('capture')

  static description =
    'Boot a kernel image under QEMU (qemu-system-x86_64, q35, -cpu max) with the given number of CPUs, memory and NUMA nodes, ' +
    'using a busybox initramfs generated on the fly whose init prints dmesg and /proc/allocinfo between ===KLAB-*=== markers on the serial console and powers off; ' +
    'then write a capture directory (console.log, dmesg.txt, allocinfo.txt, meta.json with the exact QEMU command, kernel release, CPUs, memory, nodes and wall time) ' +
    'that analyse, allocinfo and diff read as is. KVM is used when /dev/kvm is usable, TCG otherwise. A boot that times out or never reaches the init keeps ' +
    'what it captured, marked complete=false, and exits 2. Needs the Debian packages qemu-system-x86 and busybox-static; lab/build-kernel.sh builds a suitable kernel.'

  // Every example boots a kernel (KERNEL says what that needs).
  static examples = [
    recipe(KERNEL, '<%= config.bin %> <%= command.id %> --kernel ~/.cache/allocscope/lab/out/bzImage-6.12 --cpus 4 --out /tmp/c4 --append sysctl.vm.mem_profiling=1'),
    recipe(KERNEL, '<%= config.bin %> <%= command.id %> --kernel ~/.cache/allocscope/lab/out/bzImage-6.12 --cpus 4 --possible 64 --memory 1G --accel tcg --out /tmp/c4-p64 --then analyse'),
    recipe(KERNEL, '<%= config.bin %> <%= command.id %> --kernel ~/.cache/allocscope/lab/out/bzImage-7.2-notrack --cpus 8 --memory 1G --workload shrink --append "sysctl.vm.mem_profiling=1 lpj=8384024" --out /tmp/shrink --then analyse'),
    recipe(KERNEL, '<%= config.bin %> <%= command.id %> --kernel ~/.cache/allocscope/lab/out/bzImage-6.12 --cpus 8 --nodes 2 --memory 2G --out /tmp/c8-numa2 --then diff --baseline samples/linux-6.12-instr_smp064_2G_numa2'),
  ]

  static flags = {
    kernel: pathFlag.file({char: 'k', description: 'Kernel image to boot (an x86-64 bzImage, e.g. from lab/build-kernel.sh).', required: true}),
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
    out: pathFlag.dir({char: 'o', description: 'Capture directory to write (default: ./capture-c<cpus>-m<MiB>-<time>).'}),
    force: Flags.boolean({description: 'Overwrite the capture files of a non-empty --out.', default: false}),
    busybox: pathFlag.file({description: 'Static busybox binary for the initramfs (default: /bin/busybox from busybox-static).'}),
    qemu: pathFlag.program({description: 'QEMU binary.', default: 'qemu-system-x86_64'}),
    provenance: Flags.string({description: 'Free text stored as made_by.provenance in meta.json: how the kernel was built, what this boot reproduces.'}),
    series: Flags.option({
      options: SERIES_KINDS,
      description: 'Trend lab: sample /proc/allocinfo inside the guest while a workload runs and write recording.arec.gz (see lab/trend-series.sh). ' +
        Object.entries(SERIES_TITLES).map(([k, v]) => `${k}: ${v}.`).join(' '),
    })(),
    module: pathFlag.file({description: 'With --series leak|churn|unload: the klab_leak.ko built against the kernel (lab/trend-series.sh builds it).'}),
    snapshots: Flags.integer({description: 'With --series: snapshots to take.', default: 40, min: 6}),
    interval: Flags.integer({description: 'With --series: seconds the guest sleeps between snapshots.', default: 2, min: 1}),
    then: Flags.option({options: ['analyse', 'diff'] as const, description: 'Run this command on the fresh capture (diff: predicted vs observed, or against --baseline).'})(),
    baseline: pathFlag.either({description: 'With --then diff: compare this capture with the fresh one (capture vs capture).', dependsOn: ['then']}),
  }

  async run(): Promise<void> {
    const f = this.flags
    const hasCommand = (id: string) => this.config.findCommand(id) !== undefined
    const capture = await runCaptureCommand(f, {version: this.config.version, argv: this.argv, hasCommand, quiet: f.json})
    // --block with --then is the follow-up's (request.ts blockIsFollowUps): capture's own report is left out.
    if (!blockIsFollowUps(f)) this.finish(capture.run)
    if (capture.failure) throw new CaptureError(capture.failure, capture.dir)
    if (f.then) await this.config.runCommand(f.then, followUpArgv(f, capture.dir))
  }
}
