// `allocscope record`: one long-lived process samples /proc/allocinfo (or another file) on a fixed
// schedule into a recording (src/trend/recording.ts, docs/recording.md). Each sample is read,
// parsed with the allocinfo reader, delta-encoded against the previous one, and appended as one
// gzip member with one write(): a kill loses at most the sample being taken.
import {accessSync, constants, readFileSync, statSync} from 'node:fs'
import {hostname, release} from 'node:os'
import {refuseInputAsOutput, refuseOverwrite} from '../cli/write-file.js'
import {parseAllocInfoText, readerWarnings} from '../readers/allocinfo.js'
import {readBoundedFile} from '../readers/bounded.js'
import {headEncoding} from '../readers/gzip.js'
import {realOr} from '../readers/stat.js'
import {InputError, UsageError} from '../errors.js'
import {plural} from '../render/units.js'
import {DeltaEncoder, RecordingWriter, skippedLinesNote, type SnapshotRecord} from '../trend/recording.js'
import type {AllocInfo} from '../types.js'

export const PROC_ALLOCINFO = '/proc/allocinfo'
export const PROC_SYSCTL = '/proc/sys/vm/mem_profiling'

export interface RecordOptions {
  source: string
  out: string
  intervalMs: number
  /** Stop after this many samples … */
  count?: number
  /** … or once this much time has passed since the first (a sample is taken at exactly this time). */
  durationMs?: number
  /** vm.mem_profiling sysctl to check first (default: /proc/sys/vm/mem_profiling when sampling /proc/allocinfo). */
  sysctl?: string
  /** /proc/uptime, read with each sample of /proc/allocinfo (kernelMetaOf). */
  uptimePath?: string
  tool: string
  onSample?: (p: SampleProgress) => void
  /** Aborting stops the recorder after the sample in progress. */
  signal?: AbortSignal
  /** The clocks (tests step them); default: Date.now() and performance.now(). */
  clock?: RecordClock
  /** Overwrite an --out that is a file with bytes in it (refused otherwise). */
  force?: boolean
}

/** Wall time (ms since the epoch) and a monotonic time (ms from any origin). */
export interface RecordClock {
  wallMs(): number
  monoMs(): number
}

const SYSTEM_CLOCK: RecordClock = {wallMs: () => Date.now(), monoMs: () => performance.now()}

export interface SampleProgress {
  /** Samples taken so far, this one included. */
  n: number
  of?: number
  elapsedMs: number
  sites: number
  changed: number
  bytesWritten: number
  cpuMs: number
  /** Why this sample was left out of the recording (then sites and changed are 0). */
  leftOut?: string
}

export interface RecordSummary {
  out: string
  source: string
  samples: number
  bytesWritten: number
  firstTime?: string
  lastTime?: string
  /** CPU per sample (read, parse, encode, compress, write), milliseconds. */
  cpuMsMedian: number
  cpuMsMax: number
  readMsMedian: number
  /** Samples taken but not recorded: cut short (trend would read their missing sites as gone), or unreadable once. */
  leftOut: number
  /** 'source': it could not be read twice in a row (sourceError says why and what the recording holds). */
  stoppedBy: 'count' | 'duration' | 'signal' | 'source'
  /** Why the source gave no usable recording: unreadable twice in a row, or every sample left out (nothing recorded). Exit 66. */
  sourceError?: string
  /** What the reader noticed in the samples (SampleWarnings), once per distinct thing. */
  warnings: string[]
}

/** `10s`, `500ms`, `2m`, `1h`, `1.5h`, or plain seconds → milliseconds. */
export function parseDuration(flag: string, s: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|min|h|d)?\s*$/i.exec(s)
  if (!m) throw new UsageError(`--${flag}: '${s}' is not a duration; expected e.g. 500ms, 10s, 5m, 2h`)
  const unit = (m[2] ?? 's').toLowerCase()
  const mult: Record<string, number> = {ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000, d: 86_400_000}
  // In whole microseconds, so that n × interval compares with the duration exactly (record()):
  // '1.005s' is 1004.9999999999999 ms as a product, and 3 × 0.1 ms is 0.30000000000000004.
  const exact = Number(m[1]) * mult[unit]
  if (!(exact >= 0.001)) throw new UsageError(`--${flag}: must be at least 1 microsecond (0.001ms)`)
  return Math.round(exact * 1000) / 1000
}

/** Whole microseconds of a duration parseDuration() gave (exact integers from there on). */
const micros = (ms: number): number => Math.round(ms * 1000)

/** The three reasons a recording cannot start, each with what to do about it. */
export function checkSource(source: string, sysctl?: string): void {
  try {
    statSync(source)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code !== 'ENOENT') throw new InputError(`${source}: ${(e as Error).message}`, source)
    throw new InputError(
      source === PROC_ALLOCINFO
        ? `${source}: no such file: this kernel has no memory allocation profiling (built without CONFIG_MEM_ALLOC_PROFILING), or /proc is not mounted; --source FILE samples another file`
        : `${source}: no such file; expected a /proc/allocinfo-format file (--source)`,
      source,
    )
  }
  try {
    accessSync(source, constants.R_OK)
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'EACCES' || code === 'EPERM') {
      throw new InputError(`${source}: permission denied: /proc/allocinfo is readable by root only (mode 0400); run allocscope record as root (e.g. sudo)`, source)
    }
    throw new InputError(`${source}: cannot read (${(e as Error).message})`, source)
  }
  const ctl = sysctl ?? (source === PROC_ALLOCINFO ? PROC_SYSCTL : undefined)
  if (ctl === undefined) return
  let value: string
  try {
    value = readFileSync(ctl, 'utf8').trim()
  } catch {
    return // an older kernel without the sysctl: nothing to check
  }
  if (value === '0') {
    throw new InputError(
      `${ctl} is 0: memory allocation profiling is switched off, so the counters in ${source} do not move. ` +
        'Turn it on with `sysctl -w vm.mem_profiling=1` (or boot with sysctl.vm.mem_profiling=1); ' +
        'if the kernel was booted with sysctl.vm.mem_profiling=never it cannot be turned on without a reboot',
      ctl,
    )
  }
}

/** The sampled kernel's uptime and release, for each sample's record; empty when they cannot be known. */
export type KernelMeta = () => {uptimeS?: number; release?: string}

/**
 * Only this machine's own /proc/allocinfo (the default --source; by resolved path) is the running
 * kernel's: any other file (a copy, another machine's dump, a sample) is some other kernel's, or
 * this one's at another time, and the recording host's uname -r and /proc/uptime would be stored
 * as if they were its. For those both fields are left out (docs/recording.md: they are optional).
 */
export function kernelMetaOf(source: string, uptimePath = '/proc/uptime'): KernelMeta {
  if (realOr(source) !== PROC_ALLOCINFO) return () => ({})
  const rel = release()
  return () => ({uptimeS: readUptime(uptimePath), release: rel})
}

function readUptime(path: string): number | undefined {
  try {
    const v = Number(readFileSync(path, 'latin1').split(' ')[0])
    return Number.isFinite(v) ? v : undefined
  } catch {
    return undefined
  }
}

const msOf = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000
const medianOf = (a: number[]) => (a.length === 0 ? 0 : [...a].sort((x, y) => x - y)[a.length >> 1])

/**
 * The largest sample read: /proc/allocinfo is ~100 bytes a site (some 5 000 sites: ~0.5 MiB); a
 * --source past this is no allocinfo (a device, a growing log), refused, not read whole (issue 14).
 */
const MAX_SOURCE_BYTES = 32 * 2 ** 20

export async function record(o: RecordOptions): Promise<RecordSummary> {
  if (o.count === undefined && o.durationMs === undefined) throw new UsageError('give --count or --duration: how long to record')
  checkSource(o.source, o.sysctl)
  refuseInputAsOutput('--out', o.out, [{flag: '--source', path: o.source}])
  refuseOverwrite('--out', o.out, o.force)
  const clock = o.clock ?? SYSTEM_CLOCK
  const start = clock.monoMs()
  const startWall = clock.wallMs()
  const sampler: Sampler = {clock, start, startWall, enc: new DeltaEncoder(), kernel: kernelMetaOf(o.source, o.uptimePath), noticed: new SampleWarnings()}
  const tally = new Tally()
  let stoppedBy: RecordSummary['stoppedBy']
  try {
    stoppedBy = await sampleUntilDone(o, sampler, tally)
  } finally {
    tally.writer?.close()
  }
  const {cpu, reads} = tally
  const lost = tally.sourceError ?? nothingRecorded(o.source, tally)
  return {
    out: o.out, source: o.source, samples: tally.samples, leftOut: tally.leftOut, bytesWritten: tally.writer?.bytesWritten ?? 0, firstTime: tally.firstTime, lastTime: tally.lastTime,
    cpuMsMedian: medianOf(cpu), cpuMsMax: Math.max(0, ...cpu), readMsMedian: medianOf(reads),
    stoppedBy, ...(lost === undefined ? {} : {sourceError: lost}), warnings: [...sampler.noticed.list(tally.taken), ...(lost === undefined ? [] : [lost])],
  }
}

/**
 * Why a recording that stopped on its own terms holds nothing: every sample taken was cut short, so
 * no file was made; a script must not take it for a recording (exit 66). (A sample unreadable before
 * any snapshot is the start-up error: Tally.unreadable.)
 */
function nothingRecorded(source: string, t: Tally): string | undefined {
  if (t.samples > 0) return undefined
  return `${source}: nothing recorded: all ${t.taken} samples taken were cut short (the last line without its end); no recording written`
}

/** What a recording took so far. */
class Tally {
  writer?: RecordingWriter
  cpu: number[] = []
  reads: number[] = []
  /** Samples taken, recorded or left out: what --count and --duration count (the schedule). */
  taken = 0
  /** Snapshots in the recording. */
  samples = 0
  /** Samples read, recorded or cut short (what the lost-source message counts: taken minus the unreadable). */
  read = 0
  firstTime?: string
  lastTime?: string
  /** Whether the sample before this one could not be read (the source gets one retry). */
  failedLast = false
  sourceError?: string

  /**
   * Samples taken but not recorded (cut short, unreadable): every sample taken is either kept
   * (samples) or left out, the one that ends a recording (unreadable twice in a row) too.
   */
  get leftOut(): number {
    return this.taken - this.samples
  }

  /** Writes a sample's record (the file is made by the first: see below). */
  keep(o: RecordOptions, startWall: number, rec: SnapshotRecord, readMs: number): void {
    // Opened once the first sample is read: a --source that is no allocinfo (a boot log) left a
    // header-only file behind, which the next run was refused over (the file exists: --force).
    this.writer ??= new RecordingWriter(o.out, {created: new Date(startWall).toISOString(), source: o.source, host: hostname(), tool: o.tool, intervalS: o.intervalMs / 1000})
    this.writer.write(rec)
    this.reads.push(readMs)
    this.samples++
    this.firstTime ??= rec.time
    this.lastTime = rec.time
  }

  /**
   * A read that failed after the recording began: a file being rewritten can be read empty once,
   * so the sample is left out and the next one is the retry; a second failure in a row ends the
   * recording (false), keeping what it holds. Before any snapshot it is the start-up error.
   */
  unreadable(e: InputError, source: string, noticed: SampleWarnings): boolean {
    if (this.samples === 0) throw e
    // The reader's words without the file's name and what it expected (said at the start already).
    const reason = (e.message.startsWith(`${source}: `) ? e.message.slice(source.length + 2) : e.message).replace(/; expected .*$/, '')
    if (this.failedLast) {
      // Counted from the reads that succeeded, so it agrees with the snapshots held: the difference is the cut ones.
      const cut = this.read - this.samples
      this.sourceError = `${source}: source unreadable after ${this.read} samples (${reason}); the recording holds ${this.samples} snapshots${cut > 0 ? ` (${cut} cut short, left out)` : ''}`
      return false
    }
    this.failedLast = true
    noticed.bump('unreadable', `${source}: sample ${this.taken} unreadable (${reason}): left out, read again at the next sample`)
    return true
  }
}

/** Samples on the schedule until --count, --duration, a signal, or a source that cannot be read any more. */
async function sampleUntilDone(o: RecordOptions, s: Sampler, t: Tally): Promise<RecordSummary['stoppedBy']> {
  const intervalUs = Math.max(1, micros(o.intervalMs))
  const durationUs = o.durationMs === undefined ? undefined : micros(o.durationMs)
  // The progress line's "n/of": with both given, whichever ends first (one is given: checked above).
  const of = Math.min(o.count ?? Infinity, durationUs === undefined ? Infinity : Math.floor(durationUs / intervalUs) + 1)
  for (;;) {
    if (!takeOne(o, s, t, of)) return 'source'
    if (o.count !== undefined && t.taken >= o.count) return 'count'
    // Compared as n × interval in whole microseconds, not (start + n × interval) − start: with a
    // fractional start the round trip can land a hair past the duration and drop its last
    // sample (CI saw 3 of 4), and so can a product of fractional milliseconds.
    if (durationUs !== undefined && t.taken * intervalUs > durationUs) return 'duration'
    if (!(await sleepUntil(s.clock, s.start + t.taken * o.intervalMs, o.signal))) return 'signal'
  }
}

/** One sample, written or left out (cut short, unreadable once); false when the source has failed twice in a row. */
function takeOne(o: RecordOptions, s: Sampler, t: Tally, of: number): boolean {
  const c0 = process.cpuUsage()
  const got = sampleOrError(o, s, c0)
  t.taken++
  const failed = got instanceof InputError
  const kept = failed ? undefined : got
  if (failed && !t.unreadable(got, o.source, s.noticed)) return false
  if (!failed) {
    t.failedLast = false
    t.read++
  }
  if (kept !== undefined) t.keep(o, s.startWall, kept.rec, kept.readMs)
  const cpuMs = msOf(process.cpuUsage(c0))
  if (kept !== undefined) t.cpu.push(cpuMs)
  const why = kept === undefined ? {leftOut: failed ? 'unreadable' : 'cut short'} : {}
  o.onSample?.({n: t.taken, of, elapsedMs: s.clock.monoMs() - s.start, sites: kept?.sites ?? 0, changed: kept?.rec.set?.length ?? 0, bytesWritten: t.writer?.bytesWritten ?? 0, cpuMs, ...why})
  return true
}

/** takeSample, or the input error that stopped it (a source that cannot be read, or is no allocinfo any more). */
function sampleOrError(o: RecordOptions, s: Sampler, c0: NodeJS.CpuUsage): ReturnType<typeof takeSample> | InputError {
  try {
    return takeSample(o, s, c0)
  } catch (e) {
    if (e instanceof InputError) return e
    throw e
  }
}

interface Sampler {
  clock: RecordClock
  /** The monotonic and the wall time when recording started. */
  start: number
  startWall: number
  enc: DeltaEncoder
  kernel: KernelMeta
  noticed: SampleWarnings
}

/** More distinct warnings than this (a live source damaged a new way each sample) are counted, not listed. */
const MAX_SAMPLE_WARNINGS = 20

/**
 * What the allocinfo reader noticed in the samples, as the other commands word it (readerWarnings),
 * plus each invalid counter, said while recording as allocinfo says it (the recording keeps the line
 * as read: trend and diff of it flag it again). Each distinct warning once, with how many samples
 * had it: 1440 samples of one appended file give one warning, not 1440.
 */
class SampleWarnings {
  private readonly seen = new Map<string, {text: string; samples: number}>()
  private dropped = 0

  add(info: AllocInfo): void {
    // A cut sample is left out (takeSample), and all it holds with it: keyed once for all, as the line it is cut at differs.
    if (info.truncated !== undefined) return this.bump('cut', `${info.source}: ${info.truncated}: left out of the recording (its missing sites would read as gone)`)
    for (const w of readerWarnings(info)) this.bump(w, w)
    // Keyed once for all (the line differs from sample to sample): the first sample's lines are named.
    const skipped = skippedLinesNote(info)
    if (skipped !== undefined) this.bump('skipped lines', `${skipped}; recorded as skipped: trend of the recording takes a site missing from such a sample as unknown there, not gone`)
    for (const a of info.anomalies) {
      if (a.kind !== 'invalid-counter') continue // the others are recorded as read, and flagged again by whoever reads the recording
      this.bump(`${a.kind} ${a.key}`, `${info.source}:${a.line}: invalid-counter at ${a.key}: ${a.detail}; recorded as read, trend and diff of the recording flag it`)
    }
    const more = (info.anomalyCounts['invalid-counter'] ?? 0) - info.anomalies.filter((a) => a.kind === 'invalid-counter').length
    if (more > 0) this.bump('invalid-counter more', `${info.source}: more lines with an invalid counter than listed (${more})`)
  }

  bump(key: string, text: string): void {
    const s = this.seen.get(key)
    if (s) s.samples++
    else if (this.seen.size < MAX_SAMPLE_WARNINGS) this.seen.set(key, {text, samples: 1})
    else this.dropped++
  }

  /** The warnings of a recording of `samples` samples. */
  list(samples: number): string[] {
    const out = [...this.seen.values()].map((s) => (samples > 1 ? `${s.text} (in ${s.samples} of ${samples} samples)` : s.text))
    if (this.dropped > 0) out.push(`${plural(this.dropped, 'more warning')} about the samples not listed (over ${MAX_SAMPLE_WARNINGS} distinct ones)`)
    return out
  }
}

const SOURCE = 'a /proc/allocinfo-format file (--source)'

/**
 * A sample's bytes, unless they are compressed or UTF-16 (readers/gzip.ts headEncoding): record
 * samples a file that changes, as the kernel writes it; a gzip dump is one snapshot, which
 * allocinfo, trend and diff read (it said 'binary data').
 */
function notEncoded(b: Buffer, source: string): Buffer {
  const enc = headEncoding(b.subarray(0, 16))
  if (enc === 'text') return b
  const why =
    typeof enc === 'object'
      ? enc.foreign
      : enc === 'gzip'
        ? 'gzip-compressed: record samples a file that changes, such as /proc/allocinfo, and does not unpack it (a gzip dump is one snapshot: allocinfo, trend and diff read it; gunzip it to record from it)'
        : `UTF-16 text: convert it first (iconv -f ${enc} -t utf-8)`
  throw new InputError(`${source}: ${why}; expected ${SOURCE}`, source)
}

/** One sample: read, parse, delta-encode (c0: the CPU usage when it began); undefined when it is cut short (left out). */
function takeSample(o: RecordOptions, s: Sampler, c0: NodeJS.CpuUsage): {rec: SnapshotRecord; sites: number; readMs: number} | undefined {
  const t0 = s.clock.monoMs()
  const text = notEncoded(readBoundedFile(o.source, MAX_SOURCE_BYTES, SOURCE, {gzip: false}), o.source).toString('utf8')
  const t1 = s.clock.monoMs()
  // The wall clock at the start plus the monotonic time since: times in one recording never go
  // back and their differences are the true intervals, whatever NTP or an admin does to the wall
  // clock meanwhile (a step back made trend refuse the whole recording).
  const time = new Date(s.startWall + (t1 - s.start))
  const info = parseAllocInfoText(text, o.source)
  s.noticed.add(info)
  // As trend leaves a cut snapshot file out: its sites after the cut are not gone.
  if (info.truncated !== undefined) return undefined
  const rec = s.enc.encode(info, {time, ...s.kernel(), readMs: t1 - t0, cpuMs: msOf(process.cpuUsage(c0))})
  return {rec, sites: info.sites.length, readMs: t1 - t0}
}

/** setTimeout's longest delay: a longer one fires after 1 ms (with a TimeoutOverflowWarning). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1

/** Waits until the monotonic clock reaches `t`, in steps of at most MAX_TIMEOUT_MS (~24.8 days); false when the signal aborts first. */
function sleepUntil(clock: RecordClock, t: number, signal?: AbortSignal): Promise<boolean> {
  if (signal?.aborted) return Promise.resolve(false)
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined
    const done = (ok: boolean) => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
      resolve(ok)
    }
    const onAbort = () => done(false)
    // Always through a timer, even when the time has come: a signal's handler runs in between.
    const step = () => {
      const left = t - clock.monoMs()
      timer = setTimeout(left > MAX_TIMEOUT_MS ? step : () => done(true), Math.max(0, Math.min(left, MAX_TIMEOUT_MS)))
    }
    signal?.addEventListener('abort', onAbort, {once: true})
    step()
  })
}
