// Timing harness: end-to-end wall time of a process (spawned the way a user runs it), one warm-up
// then N runs, min/median/max; peak RSS through GNU time (`/usr/bin/time -f %M`) when available.
import {spawnSync} from 'node:child_process'
import {existsSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'

export interface Stats {
  min: number
  median: number
  max: number
  runs: number
}

export interface Measured extends Stats {
  label: string
  /** CPU time (user + sys) per run, when GNU time is there: steadier than wall time on a shared machine. */
  cpu?: Stats
  cmd: string[]
  /** Bytes of stdout of the last run (a sanity check that the command did its work). */
  stdoutBytes: number
  stdoutHead: string
}

export function stats(samples: number[]): Stats {
  const s = [...samples].sort((a, b) => a - b)
  const mid = s.length >> 1
  return {min: s[0], median: s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2, max: s[s.length - 1], runs: s.length}
}

export class CommandFailed extends Error {}

const GNU_TIME = existsSync('/usr/bin/time')
const TIME_OUT = join(tmpdir(), `allocscope-bench-time-${process.pid}`)

/** One run: wall time (spawn to exit) and, through GNU time, the CPU time (user + sys) of the process tree. */
function runOnce(cmd: string[], opts: {cwd?: string; env?: NodeJS.ProcessEnv; ok?: number[]}): {ms: number; cpuMs?: number; stdout: Buffer} {
  const argv = GNU_TIME ? ['/usr/bin/time', '-o', TIME_OUT, '-f', '%U %S', ...cmd] : cmd
  const t0 = performance.now()
  const r = spawnSync(argv[0], argv.slice(1), {cwd: opts.cwd, env: opts.env ?? process.env, maxBuffer: 2 * 1024 ** 3, stdio: ['ignore', 'pipe', 'pipe']})
  const ms = performance.now() - t0
  let cpuMs: number | undefined
  if (GNU_TIME && existsSync(TIME_OUT)) {
    const m = /(\d+\.\d+) (\d+\.\d+)\s*$/.exec(readFileSync(TIME_OUT, 'utf8'))
    if (m) cpuMs = (Number(m[1]) + Number(m[2])) * 1000
  }
  if (r.error) throw new CommandFailed(`${cmd.join(' ')}: ${r.error.message}`)
  if (!(opts.ok ?? [0]).includes(r.status ?? -1)) {
    throw new CommandFailed(`${cmd.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.toString().trim().split('\n').slice(0, 3).join(' | ')}`)
  }
  return {ms, cpuMs, stdout: r.stdout}
}

/** 1 warm-up, then `runs` timed runs. Throws CommandFailed when the command fails. */
export function measure(label: string, cmd: string[], opts: {runs: number; cwd?: string; env?: NodeJS.ProcessEnv; ok?: number[]; warmup?: number}): Measured {
  let last: Buffer = Buffer.alloc(0)
  for (let i = 0; i < (opts.warmup ?? 1); i++) last = runOnce(cmd, opts).stdout
  const samples: number[] = []
  const cpu: number[] = []
  for (let i = 0; i < opts.runs; i++) {
    const r = runOnce(cmd, opts)
    samples.push(r.ms)
    if (r.cpuMs !== undefined) cpu.push(r.cpuMs)
    last = r.stdout
  }
  return {label, cmd, ...stats(samples), cpu: cpu.length ? stats(cpu) : undefined, stdoutBytes: last.length, stdoutHead: last.subarray(0, 400).toString()}
}

/**
 * Measures two commands with their runs interleaved (a, b, a, b, ...) so that load from other jobs on a
 * shared machine falls on both alike; 1 warm-up each.
 */
export function measurePair(
  a: {label: string; cmd: string[]},
  b: {label: string; cmd: string[]},
  opts: {runs: number; cwd?: string; env?: NodeJS.ProcessEnv},
): [Measured, Measured] {
  const acc = [a, b].map((x) => ({...x, wall: [] as number[], cpu: [] as number[], last: Buffer.alloc(0) as Buffer}))
  for (const x of acc) x.last = runOnce(x.cmd, opts).stdout
  for (let i = 0; i < opts.runs; i++) {
    for (const x of acc) {
      const r = runOnce(x.cmd, opts)
      x.wall.push(r.ms)
      if (r.cpuMs !== undefined) x.cpu.push(r.cpuMs)
      x.last = r.stdout
    }
  }
  const out = acc.map((x) => ({label: x.label, cmd: x.cmd, ...stats(x.wall), cpu: x.cpu.length ? stats(x.cpu) : undefined, stdoutBytes: x.last.length, stdoutHead: x.last.subarray(0, 400).toString()}))
  return [out[0], out[1]]
}

/** Peak resident set size in MiB of one run (GNU time's %M, KiB), with its wall time. */
export function peakRss(cmd: string[], opts: {cwd?: string; env?: NodeJS.ProcessEnv} = {}): {mib: number; ms: number} | {error: string} {
  if (!existsSync('/usr/bin/time')) return {error: '/usr/bin/time (GNU time) not installed: apt-get install time'}
  const t0 = performance.now()
  const r = spawnSync('/usr/bin/time', ['-f', 'PEAKRSS %M', ...cmd], {cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 * 1024 * 1024})
  const ms = performance.now() - t0
  const m = /PEAKRSS (\d+)/.exec(r.stderr.toString())
  if (r.status !== 0 || !m) return {error: `${cmd.join(' ')} exited ${r.status}: ${r.stderr.toString().trim().split('\n')[0]}`}
  return {mib: Number(m[1]) / 1024, ms}
}

/** Times an in-process function: `warmup` calls, then `runs` timed calls. */
export async function timeFn(fn: () => unknown, runs: number, warmup = 1): Promise<Stats> {
  for (let i = 0; i < warmup; i++) await fn()
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now()
    await fn()
    samples.push(performance.now() - t0)
  }
  return stats(samples)
}

export const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 2 : 1)} ms`)
