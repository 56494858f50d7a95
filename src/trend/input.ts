// What `trend` reads: an allocscope recording (recording.ts), or plain /proc/allocinfo snapshots
// (a directory of them, or a list of files) whose times come from an allocscope header line, an
// ISO 8601 timestamp in the file name, or the file's mtime. Both end up in a SeriesStore.
import {statSync} from 'node:fs'
import {basename, dirname, resolve} from 'node:path'
import {NotAllocInfoError, readAllocInfo, readFirstLine} from '../readers/allocinfo.js'
import type {AllocInfo} from '../types.js'
import {InputError, someOf} from '../errors.js'
import {type Stats, statOf} from '../readers/stat.js'
import {cannotRead, EXPECTED_INPUT, notASeriesDir, seriesOf, snapshotFiles} from './paths.js'
import {isRecordingHead, openRecording, type RecordingSource, streamRecording} from '../readers/recording.js'
import {byCount, plural} from '../render/units.js'
import {DeltaEncoder, type RecordingHeader, skippedLinesNote, UNKNOWN_NOT_GONE} from './recording.js'
import {SeriesStore} from './store.js'

export const TIME_FROM = ['auto', 'header', 'name', 'mtime'] as const
export type TimeFrom = (typeof TIME_FROM)[number]

/** `# allocscope: time=<ISO 8601> [uptime=<s>] [release=<r>]`, the first line of a snapshot file. */
export const SNAPSHOT_HEADER_RE = /^# allocscope:((?:[ \t]+\w+=\S*)+)[ \t]*$/

export interface TrendInput {
  kind: 'recording' | 'snapshots'
  /** Every input file given or found, once each, those left out (empty, cut short) too: `store.snapshots` counts those used. */
  sources: string[]
  header?: RecordingHeader
  store: SeriesStore
  /** How snapshot times were found, per file kind: "name", "mtime", "header". */
  timeSources: Record<string, number>
  warnings: string[]
  /** A capture directory's boot log, when one was named (the log of the boot the series was recorded in: trend's --log unless given). */
  bootLog?: string
}

export async function readTrendInput(paths: string[], o: {timeFrom: TimeFrom; maxColumns?: number}): Promise<TrendInput> {
  if (paths.length === 0) throw new InputError(`no input: ${EXPECTED_INPUT}`)
  const store = new SeriesStore(o.maxColumns)
  const one = paths.length === 1 ? seriesOf(paths[0]) : undefined
  const only = one === undefined ? undefined : await openOnly(one.path)
  if (only !== undefined && isRecordingHead(only.head)) {
    const r = await readRecording(only, store)
    const bootLog = one?.bootLog === undefined ? {} : {bootLog: one.bootLog}
    return {kind: 'recording', sources: [one!.path], header: r.header, store, timeSources: {recording: store.snapshots}, warnings: r.warnings, ...bootLog}
  }
  if (one !== undefined && one.path !== paths[0]) {
    // A capture directory's recording.arec.gz that is none (empty, damaged): say so, not "name it alone".
    await only?.close()
    throw new InputError(`${one.path}: not an allocscope recording (its first bytes say so): the recording of the capture directory ${paths[0]}; ${EXPECTED_INPUT}`, one.path)
  }
  // A pipe that is no recording is one snapshot, read on from what was read of it.
  const piped = only !== undefined && !only.regular ? new Map([[paths[0], only.chunks()]]) : undefined
  if (piped === undefined) await only?.close()
  // One directory named: seriesOf's listing of it (not listed again).
  const leftOut: string[] = []
  const files = snapshotFiles(one?.listed ? [one.listed] : paths, leftOut)
  if (files.length === 0) throw new InputError(`${paths.join(', ')}: no snapshot files; expected /proc/allocinfo dumps`)
  const listed = one?.listed
  const read = readSnapshotFiles(files, o.timeFrom, store, piped).then((r) => ({...r, warnings: [...leftOut, ...r.warnings]}))
  return read.catch((e: unknown) => {
    // A file of the one directory named that is no snapshot at all: the directory is no series.
    throw listed !== undefined && e instanceof NotAllocInfoError && e.file !== undefined && resolve(dirname(e.file)) === resolve(listed.dir) ? notASeriesDir(listed, e.file, e.why) : e
  })
}

/**
 * The one input, opened once: a recording is told by its first bytes, and a pipe cannot be read
 * again (`trend <(zcat ...)`); undefined for a directory.
 */
async function openOnly(p: string): Promise<RecordingSource | undefined> {
  try {
    return await openRecording(p)
  } catch (e) {
    throw cannotRead(p, e)
  }
}

/** Streams a recording into the store (the reader: src/readers/recording.ts). */
export async function readRecording(input: string | RecordingSource, store: SeriesStore): Promise<{header: RecordingHeader; warnings: string[]}> {
  // Snapshots whose sampled file had damaged lines (record named each when it recorded them).
  const doubtful: string[] = []
  const {header, warnings} = await streamRecording(input, (rec, where) => {
    if ((rec.skipped ?? 0) > 0) doubtful.push(`snapshot ${rec.snap} at ${rec.time}, ${plural(rec.skipped!, 'line')}`)
    store.apply(rec, where)
  })
  store.finish()
  const path = typeof input === 'string' ? input : input.path
  if (doubtful.length > 0) warnings.push(`${path}: ${plural(doubtful.length, 'snapshot')} with lines the recorder skipped (${someOf(doubtful)}): ${UNKNOWN_NOT_GONE}`)
  return {header, warnings: [...warnings, ...breaksOf(store)]}
}

interface Timed {
  path: string
  time: number
  how: 'header' | 'name' | 'mtime'
  uptimeS?: number
  release?: string
  /** A pipe's snapshot, parsed when it was timed (it can be read only once). */
  info?: AllocInfo
}

/**
 * Reads plain snapshot files, orders them by time, and feeds them to the store. Memory: one
 * snapshot's sites at a time (each file streamed, gzip inflated as it is read), besides pipes'.
 */
export async function readSnapshotFiles(files: string[], timeFrom: TimeFrom, store: SeriesStore, piped?: Map<string, AsyncIterable<Buffer>>): Promise<TrendInput> {
  const warnings: string[] = []
  const timed: Timed[] = []
  // Left out before they are timed (empty): input files all the same, counted with the others.
  const empty: string[] = []
  const seen = new Set<string>()
  for (const f of files) {
    // One file named twice is one snapshot, not two at one time.
    const key = resolve(f)
    if (seen.has(key)) {
      warnings.push(`${f}: given more than once: read once`)
      continue
    }
    seen.add(key)
    // Stat'ed once, for all that is asked of it before it is read; a pipe is read once, when timed.
    const raw = piped?.get(f)
    const st = raw === undefined ? statOf(f) : undefined
    // A dump that was never written (`cat /proc/allocinfo > f` without root leaves f empty) is no
    // moment of the series, as a cut one is not: left out, not the end of the whole run.
    if (st?.isFile() && st.size === 0n) {
      warnings.push(`${f}: empty: left out of the series`)
      empty.push(f)
      continue
    }
    timed.push(await timeOf(f, timeFrom, st, raw))
  }
  timed.sort((a, b) => a.time - b.time || (a.path < b.path ? -1 : 1))
  const ties = timed.filter((t, i) => i > 0 && t.time === timed[i - 1]!.time).map((t) => t.path)
  if (ties.length > 0) warnings.push(`${plural(ties.length, 'snapshot')} ${byCount(ties.length, 'has', 'have')} the same time as the one before (${someOf(ties)}): their order is by name and a rate between them is no rate (give each its own time: a header line or a name)`)
  const enc = new DeltaEncoder()
  const timeSources: Record<string, number> = {}
  const byMtime: string[] = []
  for (const t of timed) {
    const info = t.info ?? (await readSnapshot(t.path)).info
    t.info = undefined
    // Its missing sites would read as gone (a false unload leak): a cut snapshot is no moment of the series.
    const cut = info.truncated
    if (cut !== undefined) {
      warnings.push(`${t.path}: ${cut}: left out of the series`)
      continue
    }
    // What the reader noticed (an appended file read as its last snapshot, padding, an unknown version), as allocinfo says it.
    if (info.notes) warnings.push(...info.notes)
    const skipped = skippedLinesNote(info)
    if (skipped !== undefined) warnings.push(`${skipped}; ${UNKNOWN_NOT_GONE}`)
    timeSources[t.how] = (timeSources[t.how] ?? 0) + 1
    if (t.how === 'mtime') byMtime.push(t.path)
    store.apply(enc.encode(info, {time: new Date(t.time), uptimeS: t.uptimeS, release: t.release}), t.path)
  }
  store.finish()
  warnings.push(...breaksOf(store))
  const why = timeFrom === 'mtime' ? '--time-from mtime' : 'no allocscope header, no ISO 8601 time in the name'
  if (byMtime.length > 0) warnings.push(`${plural(byMtime.length, 'snapshot')} timed by file mtime (${why}): a copy may have changed it (${someOf(byMtime)})`)
  // Every file given or found (a cut one is among the timed, an empty one is not): sourceCount counts them, store.snapshots those used.
  return {kind: 'snapshots', sources: [...timed.map((t) => t.path), ...empty], store, timeSources, warnings}
}

/** The store's reboots and kernel changes within the series, as warnings (the first few named, the rest counted). */
function breaksOf(store: SeriesStore): string[] {
  return store.breaksMore > 0 ? [...store.breaks, `${plural(store.breaksMore, 'more snapshot')} of another boot than the one before`] : store.breaks
}

/** One snapshot, streamed (readers/allocinfo.ts), its allocscope header line apart; `raw`: its bytes, when its reading has begun. */
async function readSnapshot(path: string, raw?: AsyncIterable<Buffer>): Promise<{info: AllocInfo; header: string}> {
  let header = ''
  try {
    const info = await readAllocInfo(path, path, {preamble: {re: SNAPSHOT_HEADER_RE, onPreamble: (l) => (header = l)}, ...(raw ? {raw} : {})})
    return {info, header}
  } catch (e) {
    // Looked for only when the file is no snapshot: a recording among other inputs.
    if (raw === undefined && e instanceof InputError && (await isRecordingFile(path))) {
      throw new InputError(`${path}: a recording, one series: name it alone (trend reads one series at a time)`, path)
    }
    throw e
  }
}

async function isRecordingFile(path: string): Promise<boolean> {
  const src = await openRecording(path).catch(() => undefined)
  await src?.close()
  return src !== undefined && isRecordingHead(src.head)
}

/** When snapshot `path` was taken; `st`: its stat (none for a pipe, or a file that cannot be stat'ed: its reader says why). */
async function timeOf(path: string, from: TimeFrom, st: Stats | undefined, raw?: AsyncIterable<Buffer>): Promise<Timed> {
  // A file is read twice: its first line now (to order the snapshots), whole in its turn; a pipe
  // can be read only once, so it is parsed now and kept.
  let first: string
  let info: AllocInfo | undefined
  if (raw === undefined && st?.isFile()) first = await readFirstLine(path)
  else ({info, header: first} = await readSnapshot(path, raw))
  const hm = SNAPSHOT_HEADER_RE.exec(first)
  const head = hm ? Object.fromEntries([...hm[1].matchAll(/(\w+)=(\S*)/g)].map((m) => [m[1], m[2]])) : undefined
  const extra = {uptimeS: head?.uptime ? Number(head.uptime) : undefined, release: head?.release, info, path}
  if ((from === 'auto' || from === 'header') && head?.time) {
    const t = isoUtc(head.time)
    if (Number.isNaN(t)) throw new InputError(`${path}:1: allocscope header time '${head.time}' is not ISO 8601`, path, 1)
    return {time: t, how: 'header', ...extra}
  }
  if (from === 'header') throw new InputError(`${path}:1: no '# allocscope: time=<ISO 8601>' header line (--time-from header)`, path, 1)
  if (from === 'auto' || from === 'name') {
    const t = timeFromName(basename(path))
    if (t !== undefined) return {time: t, how: 'name', ...extra}
    if (from === 'name') throw new InputError(`${path}: no ISO 8601 time in the file name (e.g. allocinfo-2026-12-04T18:00:00Z.txt or 20261204T180000Z) (--time-from name)`, path)
  }
  // A pipe's own mtime (`trend <(zcat ...)` without a header): stat'ed only here.
  return {time: st !== undefined ? Number(st.mtimeNs) / 1e6 : statSync(path).mtimeMs, how: 'mtime', ...extra}
}

/** Date and time from a file name: 2026-12-04T18:00:05Z, 2026-12-04T18-00-05.123+01:00, 20261204T180005Z, 2026-12-04_18:00:05 (no zone: UTC). */
export function timeFromName(name: string): number | undefined {
  const m = /(\d{4})-?(\d{2})-?(\d{2})[T_ ](\d{2})[:-]?(\d{2})[:-]?(\d{2})(?:[.,](\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?/.exec(name)
  const t = m ? utc(m) : NaN
  return Number.isNaN(t) ? undefined : t
}

/**
 * A header's `time=`: ISO 8601 and nothing else (NaN otherwise), seconds optional; no zone is UTC
 * as in a name (Date.parse would take the reader's local zone).
 */
export function isoUtc(s: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:[.,](\d{1,9}))?(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(s)
  return m ? utc(m) : /^\d{4}-\d{2}-\d{2}$/.test(s) ? Date.parse(s) : NaN
}

/** Groups year..second, fraction, zone (each as the patterns above take them) → ms since the epoch, or NaN. */
function utc(m: RegExpExecArray): number {
  const frac = m[7] ? `.${m[7].slice(0, 3).padEnd(3, '0')}` : ''
  let zone = (m[8] ?? 'Z').toUpperCase()
  if (/^[+-]\d{2}$/.test(zone)) zone += ':00'
  else if (/^[+-]\d{4}$/.test(zone)) zone = `${zone.slice(0, 3)}:${zone.slice(3)}`
  return Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${frac}${zone}`)
}
