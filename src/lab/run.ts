// One lab boot: build the initramfs, run QEMU with a timeout, split the serial console into a
// capture directory (console.log, dmesg.txt, allocinfo.txt, meta.json[, qemu.stderr]).
import {spawn, spawnSync} from 'node:child_process'
import {createHash} from 'node:crypto'
import {closeSync, constants, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {cpus as hostCpus, release as hostRelease, tmpdir, type as hostType} from 'node:os'
import {join, resolve} from 'node:path'
import {InputError, ioReason} from '../errors.js'
import {put} from '../own.js'
import {type BootStage, type ConsoleSplit, splitConsole} from './console.js'
import type {CpioEntry} from './cpio.js'
import {buildInitramfs, findBusybox, type Workload} from './initramfs.js'
import {type Accel, kernelCmdline, QEMU_BINARY, qemuArgs, shellJoin} from './qemu.js'

/** A boot that did not produce a complete capture; the directory is kept, marked incomplete. */
export class CaptureError extends InputError {}

export interface CaptureOptions {
  kernel: string
  cpus: number
  possible?: number
  memoryMiB: number
  nodes?: number
  /** Extra kernel command line after `console=ttyS0 panic=-1`. */
  append?: string
  accel?: Accel | 'auto'
  cpuModel?: string
  /** Work the init does before the dump (initramfs.ts WORKLOADS). */
  workload?: Workload
  /** Another /init and the files it needs (the trend lab's series, series.ts); replaces `workload`. */
  customInit?: {script: string; extra: CpioEntry[]; mode: string}
  timeoutS: number
  out: string
  busybox?: string
  qemu?: string
  /** Overwrite a non-empty --out. */
  force?: boolean
  /** Recorded in meta.json: how this capture was made. */
  madeBy?: Record<string, unknown>
  /** Called once every check passed, just before QEMU starts (progress for a human). */
  onBoot?: (accel: Accel, reason: string) => void
}

export interface CaptureResult {
  dir: string
  meta: CaptureMeta
  split: ConsoleSplit
}

export interface CaptureMeta {
  name: string
  complete: boolean
  stage: BootStage
  timed_out: boolean
  timeout_s: number
  boot_wall_s: number
  qemu_rc: number | null
  qemu_signal: string | null
  qemu_cmd: string[]
  qemu_cmdline: string
  qemu_version?: string
  accel: Accel
  accel_reason: string
  kernel_image: string
  kernel_cmdline: string
  kernel_release?: string
  cpus: number
  possible_cpus: number
  memory_mib: number
  numa_nodes: number
  mode: Workload | string | null
  cpuinfo_processors?: number
  meminfo_head?: string[]
  vm_mem_profiling?: string
  dmesg_lines?: number
  allocinfo_lines?: number
  klab?: Record<string, number | string>
  klab_walk?: Record<string, number | string>
  console_log_bytes: number
  console_log_sha256: string
  bzImage_sha256: string
  initramfs_sha256: string
  last_console_line?: string
  host: string
  made_by: Record<string, unknown>
  split_note: string
}

/** KVM when /dev/kvm opens read-write (what QEMU needs) and the CPU advertises hardware
 *  virtualisation (vmx/svm in /proc/cpuinfo): a /dev/kvm without them (a nested guest whose
 *  host hides VMX) lets QEMU start but the guest never runs. TCG otherwise. */
export function chooseAccel(wanted: Accel | 'auto' = 'auto', cpuinfo = '/proc/cpuinfo'): {accel: Accel; reason: string} {
  if (wanted === 'tcg') return {accel: 'tcg', reason: '--accel tcg'}
  if (wanted === 'kvm') return {accel: 'kvm', reason: '--accel kvm'}
  try {
    closeSync(openSync('/dev/kvm', constants.O_RDWR))
  } catch (e) {
    return {accel: 'tcg', reason: `/dev/kvm: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}, so TCG (emulation: slower)`}
  }
  let flags = ''
  try {
    flags = /^flags\s*:(.*)$/m.exec(readFileSync(cpuinfo, 'latin1'))?.[1] ?? ''
  } catch {
    // no /proc/cpuinfo: cannot tell, trust /dev/kvm
    return {accel: 'kvm', reason: '/dev/kvm is usable'}
  }
  if (!/\b(vmx|svm)\b/.test(flags)) return {accel: 'tcg', reason: '/dev/kvm opens but the CPU has no vmx/svm flag (nested virtualisation off), so TCG (emulation: slower)'}
  return {accel: 'kvm', reason: '/dev/kvm is usable and the CPU has vmx/svm'}
}

export function qemuVersion(binary = QEMU_BINARY): string {
  const r = spawnSync(binary, ['--version'], {encoding: 'utf8'})
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code
    throw new InputError(
      code === 'ENOENT'
        ? `${binary}: not found; install QEMU: apt-get install qemu-system-x86 (Debian/Ubuntu), dnf install qemu-system-x86 (Fedora)`
        : `${binary}: cannot run (${r.error.message})`,
    )
  }
  return r.stdout.split('\n')[0].trim()
}

/** An x86 bzImage carries the boot-protocol magic "HdrS" at 0x202 (Documentation/arch/x86/boot.rst). */
export function checkBzImage(path: string): void {
  let st
  try {
    st = statSync(path)
  } catch (e) {
    throw new InputError(`${path}: ${ioReason(e)}; expected a kernel bzImage (arch/x86/boot/bzImage)`)
  }
  if (!st.isFile()) throw new InputError(`${path}: not a file; expected a kernel bzImage`)
  const fd = openSync(path, 'r')
  const b = Buffer.alloc(4)
  readSync(fd, b, 0, 4, 0x202)
  closeSync(fd)
  if (b.toString('latin1') !== 'HdrS') throw new InputError(`${path}: not an x86 bzImage (no "HdrS" boot header at 0x202); expected arch/x86/boot/bzImage`)
}

/** `klab: <kind> k=v ...` lines of the lab's instrumented kernels → numbers, keyed like the corpus meta. */
export function parseKlab(text: string): {klab?: Record<string, number | string>; klab_walk?: Record<string, number | string>} {
  const out: {klab?: Record<string, number | string>; klab_walk?: Record<string, number | string>} = {}
  for (const m of text.matchAll(/klab: (\w+)((?: \w+=-?\d+)+)/g)) {
    const values: Record<string, number | string> = {}
    for (const kv of m[2].trim().split(' ')) {
      const [k, v] = kv.split('=')
      put(values, k!, Number(v))
    }
    values.line = m[0]
    if (m[1] === 'early_pfn_walk') out.klab_walk ??= values
    else out.klab ??= values
  }
  return out
}

/** The hex SHA-256 of a file's bytes, as meta.json and series.json record them. */
export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex')
const lineCount = (s?: string): number | undefined => (s === undefined ? undefined : s.split('\n').length - (s.endsWith('\n') ? 1 : 0))

/** Boots the kernel under QEMU and writes the capture directory (console.log, dmesg.txt, allocinfo.txt, meta.json). */
export async function runCapture(o: CaptureOptions): Promise<CaptureResult> {
  const binary = o.qemu ?? QEMU_BINARY
  checkBzImage(o.kernel)
  const version = qemuVersion(binary)
  const busybox = findBusybox(o.busybox)
  const {accel, reason} = chooseAccel(o.accel)
  const dir = prepareOutDir(o)
  const work = mkdtempSync(join(tmpdir(), 'allocscope-lab-'))
  try {
    const initramfs = buildInitramfs(readFileSync(busybox), o.workload, o.customInit)
    const initrd = join(work, 'initramfs.cpio.gz')
    writeFileSync(initrd, initramfs)
    const consolePath = join(dir, 'console.log')
    const append = kernelCmdline(o.append, o.cpus, o.possible)
    const args = qemuArgs({
      binary, accel, cpus: o.cpus, possible: o.possible, memoryMiB: o.memoryMiB, nodes: o.nodes,
      cpuModel: o.cpuModel, kernel: resolve(o.kernel), initrd, append, serial: consolePath,
    })

    o.onBoot?.(accel, reason)
    const t0 = process.hrtime.bigint()
    const run = await runWithTimeout(binary, args, o.timeoutS)
    const wall = Number(process.hrtime.bigint() - t0) / 1e9
    const {consoleBuf, split} = saveConsole(dir, consolePath, run.stderr)
    const meta = captureMeta(o, {binary, args, version, accel, reason, append, wall, run, split, consoleBuf, initramfs})
    writeFileSync(join(dir, 'meta.json'), JSON.stringify(meta, null, 2) + '\n')
    return {dir, meta, split}
  } finally {
    rmSync(work, {recursive: true, force: true})
  }
}

/** The --out directory, emptied of a previous capture's files (a non-empty one only with --force). */
function prepareOutDir(o: CaptureOptions): string {
  const dir = resolve(o.out)
  if (existsSync(dir) && readdirSync(dir).length > 0 && !o.force) {
    throw new InputError(`${dir}: exists and is not empty; choose another --out or pass --force`)
  }
  mkdirSync(dir, {recursive: true})
  for (const f of ['console.log', 'dmesg.txt', 'allocinfo.txt', 'meta.json', 'qemu.stderr']) rmSync(join(dir, f), {force: true})
  return dir
}

/** The console as QEMU wrote it, split into dmesg.txt and allocinfo.txt; QEMU's stderr kept. */
function saveConsole(dir: string, consolePath: string, stderr: string): {consoleBuf: Buffer; split: ReturnType<typeof splitConsole>} {
  const consoleBuf = existsSync(consolePath) ? readFileSync(consolePath) : Buffer.alloc(0)
  if (!existsSync(consolePath)) writeFileSync(consolePath, '')
  // latin1 maps bytes 1:1, so the sections are written back byte for byte.
  const split = splitConsole(consoleBuf.toString('latin1'))
  if (split.dmesg !== undefined) writeFileSync(join(dir, 'dmesg.txt'), split.dmesg, 'latin1')
  if (split.allocinfo !== undefined) writeFileSync(join(dir, 'allocinfo.txt'), split.allocinfo, 'latin1')
  if (stderr.trim() !== '') writeFileSync(join(dir, 'qemu.stderr'), stderr)
  return {consoleBuf, split}
}

interface BootRun {
  binary: string
  args: string[]
  version: string
  accel: Accel
  reason: string
  append: string
  wall: number
  run: Awaited<ReturnType<typeof runWithTimeout>>
  split: ReturnType<typeof splitConsole>
  consoleBuf: Buffer
  initramfs: Buffer
}

/** meta.json: how the boot was made and what it showed, in the corpus's keys. */
function captureMeta(o: CaptureOptions, {binary, args, version, accel, reason, append, wall, run, split, consoleBuf, initramfs}: BootRun): CaptureMeta {
  return {
    name: o.out.split('/').filter(Boolean).at(-1) ?? 'capture',
    complete: split.stage === 'complete' && !run.timedOut,
    stage: split.stage,
    timed_out: run.timedOut,
    timeout_s: o.timeoutS,
    boot_wall_s: Math.round(wall * 100) / 100,
    qemu_rc: run.code,
    qemu_signal: run.signal,
    qemu_cmd: [binary, ...args],
    qemu_cmdline: shellJoin([binary, ...args]),
    qemu_version: version,
    accel,
    accel_reason: reason,
    kernel_image: resolve(o.kernel),
    kernel_cmdline: append,
    kernel_release: split.kernelRelease,
    cpus: o.cpus,
    possible_cpus: o.possible ?? o.cpus,
    memory_mib: o.memoryMiB,
    numa_nodes: o.nodes ?? 1,
    // the corpus's meta.json key for the init's workload (null: dump only)
    mode: o.customInit?.mode ?? o.workload ?? null,
    cpuinfo_processors: split.cpuinfoProcessors,
    meminfo_head: split.meminfoHead,
    vm_mem_profiling: split.memProfiling,
    dmesg_lines: lineCount(split.dmesg),
    allocinfo_lines: lineCount(split.allocinfo),
    ...parseKlab(consoleBuf.toString('latin1')),
    console_log_bytes: consoleBuf.length,
    console_log_sha256: sha256(consoleBuf),
    bzImage_sha256: sha256(readFileSync(o.kernel)),
    initramfs_sha256: sha256(initramfs),
    last_console_line: split.stage === 'complete' ? undefined : split.lastLine,
    host: `${hostType()} ${hostRelease()} ${process.arch}, ${hostCpus().length} cores, QEMU ${accel.toUpperCase()}`,
    made_by: o.madeBy ?? {tool: 'allocscope capture'},
    split_note: 'dmesg.txt/allocinfo.txt are the console.log text between the ===KLAB-*=== markers, CRLF->LF only',
  }
}

/** Why an incomplete capture is incomplete, in a user's words; undefined when complete. */
export function failureMessage(r: CaptureResult): string | undefined {
  const {meta, split, dir} = r
  if (meta.complete) return undefined
  const when = meta.timed_out
    ? `timed out after ${meta.timeout_s} s (--timeout)`
    : meta.qemu_signal
      ? `QEMU was killed by ${meta.qemu_signal}${/SEGV|ABRT|BUS|ILL/.test(meta.qemu_signal) ? ' (QEMU itself crashed, not the guest; seen here once in a 64-CPU TCG boot, and the same boot went through on the next try)' : ''}`
      : `QEMU exited (rc ${meta.qemu_rc})`
  // The end of the last line is what the guest was doing (e.g. `#198` of the SMP bring-up).
  const tail = split.lastLine && split.lastLine.length > 160 ? `…${split.lastLine.slice(-160)}` : split.lastLine
  const last = tail ? `; last console line: "${tail}"` : ''
  const kept = `; what was captured is in ${dir} (meta.json: complete=false)`
  switch (split.stage) {
    case 'no-output':
      return `${meta.kernel_image}: ${when} and the kernel printed nothing on ttyS0; is it an x86-64 kernel built with SERIAL_8250_CONSOLE (lab/kernel.config)?${meta.accel === 'kvm' ? ' With KVM, also try --accel tcg.' : ''}${kept}`
    case 'kernel':
      return `${meta.kernel_image}: ${when} before the kernel reached the init${last}${kept}`
    case 'init':
      return `${meta.kernel_image}: ${when} after /init started but before the dump ended (markers seen: ${split.markers.length ? split.markers.join(' ') : 'none'})${last}${kept}`
    default:
      return `${meta.kernel_image}: ${when} during power-off, after a complete dump${kept}`
  }
}

interface RunOutcome {
  code: number | null
  signal: string | null
  timedOut: boolean
  stderr: string
}

function runWithTimeout(binary: string, args: string[], timeoutS: number): Promise<RunOutcome> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, args, {stdio: ['ignore', 'ignore', 'pipe']})
    let stderr = ''
    let timedOut = false
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    // SIGTERM lets QEMU flush the serial file; SIGKILL if it does not go.
    const term = setTimeout(() => {
      timedOut = true
      child.kill('SIGTERM')
    }, timeoutS * 1000)
    const kill = setTimeout(() => child.kill('SIGKILL'), timeoutS * 1000 + 10_000)
    child.on('error', (e) => {
      clearTimeout(term)
      clearTimeout(kill)
      reject(e)
    })
    child.on('close', (code, signal) => {
      clearTimeout(term)
      clearTimeout(kill)
      resolvePromise({code, signal, timedOut, stderr})
    })
  })
}
