// The `capture` command's flags, checked (each refusal names the flag), as runCapture's options:
// memory in MiB, CPUs and nodes that make sense together, the series and its module, the default
// capture directory name, and what --then runs on the fresh capture.
import {readFileSync} from 'node:fs'
import {InputError, NotImplementedError, UsageError} from '../errors.js'
import type {Workload} from './initramfs.js'
import type {Accel} from './qemu.js'
import {parseMemory} from './qemu.js'
import type {CaptureOptions} from './run.js'
import type {SeriesKind, SeriesOptions} from './series.js'

/** The capture flags, as oclif (or a test) parses them. */
export interface CaptureFlags {
  kernel: string
  cpus: number
  possible?: number
  memory: string
  nodes: number
  append?: string
  accel: Accel | 'auto'
  'cpu-model': string
  workload?: Workload
  timeout: number
  out?: string
  force: boolean
  busybox?: string
  qemu: string
  provenance?: string
  series?: SeriesKind
  module?: string
  snapshots: number
  interval: number
  then?: 'analyse' | 'diff'
  baseline?: string
}

export interface CaptureRequest {
  /** runCapture's options, but for the progress callback and made_by, which the caller knows. */
  options: Omit<CaptureOptions, 'onBoot' | 'madeBy' | 'customInit'>
  series?: SeriesOptions
  /** The klab_leak.ko bytes a series loads in the guest. */
  module?: Buffer
}

/**
 * The flags checked in the order a user reads them: memory, CPUs, nodes, --then and --baseline,
 * then the series. hasCommand says whether this build has the --then command.
 */
export function captureRequest(f: CaptureFlags, hasCommand: (id: string) => boolean, now = new Date()): CaptureRequest {
  const memoryMiB = checkMemory(f.memory)
  if (f.possible !== undefined && f.possible < f.cpus) throw new UsageError(`--possible ${f.possible} is below --cpus ${f.cpus}: possible CPUs include the present ones`)
  if (f.nodes > (f.possible ?? f.cpus)) throw new UsageError(`--nodes ${f.nodes} needs at least as many CPUs (got ${f.possible ?? f.cpus})`)
  if (f.baseline && f.then !== 'diff') throw new UsageError('--baseline goes with --then diff')
  if (f.then && !hasCommand(f.then)) throw new NotImplementedError(`--then ${f.then}: the ${f.then} command (not in this build)`)
  if (f.series && f.series !== 'busy' && !f.module) throw new UsageError(`--series ${f.series} needs --module klab_leak.ko`)
  const module = f.module ? readModule(f.module) : undefined
  const series = f.series ? {kind: f.series, snapshots: f.snapshots, intervalS: f.interval} : undefined
  const options = {
    kernel: f.kernel, cpus: f.cpus, possible: f.possible, memoryMiB, nodes: f.nodes, append: f.append,
    accel: f.accel, cpuModel: f['cpu-model'], workload: f.workload, timeoutS: f.timeout,
    out: f.out ?? defaultCaptureDir(f, memoryMiB, now), force: f.force, busybox: f.busybox, qemu: f.qemu,
  }
  return {options, ...(series ? {series} : {}), ...(module ? {module} : {})}
}

function checkMemory(memory: string): number {
  try {
    return parseMemory(memory)
  } catch (e) {
    throw new UsageError(`--memory: ${(e as Error).message}`)
  }
}

/** ./capture-c<cpus>[-p<possible>]-m<MiB>[-n<nodes>]-<UTC time>: the boot's shape in its name. */
export function defaultCaptureDir(f: Pick<CaptureFlags, 'cpus' | 'possible' | 'nodes'>, memoryMiB: number, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '')
  return `capture-c${f.cpus}${f.possible ? `-p${f.possible}` : ''}-m${memoryMiB}${f.nodes > 1 ? `-n${f.nodes}` : ''}-${stamp}`
}

function readModule(path: string): Buffer {
  try {
    return readFileSync(path)
  } catch (e) {
    throw new InputError(`${path}: ${(e as Error).message}; expected the klab_leak.ko kernel module (lab/trend-series.sh builds it)`, path)
  }
}

/** The output flags --then passes on to the command it runs. */
export interface FollowUpFlags {
  then?: 'analyse' | 'diff'
  baseline?: string
  json: boolean
  format: string
  color?: boolean
  block?: string
  'csv-units'?: boolean
  'csv-summary'?: string
  'csv-formulas'?: boolean
  'fail-on': string
}

/**
 * The CSV options, for a CSV follow-up only: they shape the report the user asked for (they were
 * dropped, so `--format csv --csv-units --then analyse` wrote raw numbers).
 */
function csvArgv(f: FollowUpFlags): string[] {
  if (f.json || f.format !== 'csv') return []
  return [
    ...(f['csv-units'] ? ['--csv-units'] : []),
    ...(f['csv-summary'] !== undefined && f['csv-summary'] !== 'mark' ? ['--csv-summary', f['csv-summary']] : []),
    ...(f['csv-formulas'] ? ['--csv-formulas'] : []),
  ]
}

/**
 * With --then, --block names a block of the follow-up's report (capture's own is one block, its
 * status): it is passed on, and capture's report is not written (a capture that did not complete
 * exits 2 saying why, with no follow-up). It was picked among capture's blocks only, so
 * `--block findings --then analyse` booted the kernel, then stopped on 'no such block'.
 */
export const blockIsFollowUps = (f: Pick<FollowUpFlags, 'then' | 'block'>): boolean => f.then !== undefined && f.block !== undefined

/** The argv of the --then command: the fresh capture (after --baseline for a diff) and the output flags. */
export function followUpArgv(f: FollowUpFlags, dir: string): string[] {
  const passthrough = [
    ...(f.json ? ['--json'] : ['--format', String(f.format)]),
    ...(f.color === undefined ? [] : [f.color ? '--color' : '--no-color']),
    ...(f.block !== undefined ? ['--block', f.block] : []),
    ...csvArgv(f),
    '--fail-on', String(f['fail-on']),
  ]
  const argv = f.then === 'diff' && f.baseline ? [f.baseline, dir] : [dir]
  return [...argv, ...passthrough]
}
