// What trend's input paths stand for, before any is read. A capture directory (readers/dir.ts
// notCaptureBecause) is a lab series when it holds a recording (testdata/trend/*: read as that
// recording, its boot log the --log), else one snapshot: its dump. A recording is one series and
// is named alone. Any other directory holds snapshot files.
import {type Stats, statSync} from 'node:fs'
import {basename, join} from 'node:path'
import {InputError, ioReason, someOf} from '../errors.js'
import {captureDataFiles, captureSubdirs, type DirEntry, dirEntries, notCaptureBecause, SERIES_RECORDING} from '../readers/dir.js'
import {type DirName, dirNames, undecodableReason} from '../readers/names.js'

export const EXPECTED_INPUT = 'expected a recording, a directory of allocinfo snapshots, or snapshot files'

export const cannotRead = (p: string, e: unknown): InputError => new InputError(`${p}: ${ioReason(e)}; ${EXPECTED_INPUT}`, p)

/** A capture directory's files (the recording of a lab series, its boot log, its dump). */
interface CaptureInput {
  recording?: string
  bootLog?: string
  allocinfo?: string
}

/**
 * A directory named as an input, listed once (names.ts dirNames) and its entries typed once
 * (dir.ts dirEntries: a stat for a link only): seriesOf asks whether it is a capture, and
 * snapshotFiles then takes its files from the same listing.
 */
export interface ListedDir {
  dir: string
  names: DirName[]
  /** names' entries, in the same order. */
  entries: DirEntry[]
  /** Its files, when it is a capture directory. */
  capture?: CaptureInput
}

/** Lists `dir` once, and tells whether it is a capture directory from that listing. */
function listInputDir(dir: string): ListedDir {
  let names: DirName[]
  try {
    names = dirNames(dir)
  } catch (e) {
    throw cannotRead(dir, e)
  }
  const entries = dirEntries(dir, names)
  if (notCaptureBecause(entries) !== undefined) return {dir, names, entries}
  const recording = holdsRecording(entries) ? {recording: join(dir, SERIES_RECORDING)} : {}
  return {dir, names, entries, capture: {...captureDataFiles(dir, entries), ...recording}}
}

/** Whether a capture directory's entries hold a lab series' recording (then it is that series). */
const holdsRecording = (entries: readonly DirEntry[]): boolean => entries.some((e) => e.name === SERIES_RECORDING && e.type === 'file')

const isDir = (p: string): boolean => statOrThrow(p).isDirectory()

/**
 * The one path named: a capture directory stands for its series' recording, with its boot log;
 * without a recording it is one snapshot, no series: refused, rather than its boot log read as a
 * malformed snapshot. Anything else is read as given (the caller tells a recording by its bytes).
 */
export function seriesOf(p: string): {path: string; bootLog?: string; listed?: ListedDir} {
  let listed: ListedDir | undefined
  try {
    listed = statSync(p).isDirectory() ? listInputDir(p) : undefined
  } catch (e) {
    if (e instanceof InputError) throw e
    return {path: p} // opening it names the problem
  }
  const cap = listed?.capture
  // A directory of snapshots: its listing goes on to snapshotFiles.
  if (cap === undefined) return {path: p, ...(listed && {listed})}
  if (cap.recording === undefined) throw new InputError(`${p}: a capture directory (a boot log and/or one allocinfo dump) is one snapshot, not a series; ${EXPECTED_INPUT}`, p)
  return {path: cap.recording, ...(cap.bootLog === undefined ? {} : {bootLog: cap.bootLog})}
}

/**
 * The snapshot files of several paths (or of one that is no recording; a directory already listed
 * by seriesOf is passed as its listing): a capture directory is its dump, one snapshot at the
 * capture's time; one that holds a lab series' recording is refused, as a recording among other
 * inputs is (readers of trend take one series at a time).
 */
export function snapshotFiles(paths: Array<string | ListedDir>, warnings: string[] = []): string[] {
  return paths.flatMap((p) => {
    const listed = typeof p !== 'string' ? p : isDir(p) ? listInputDir(p) : undefined
    if (listed === undefined) return [p as string]
    const {dir, capture: cap} = listed
    if (cap === undefined) return ownSnapshots(listed, warnings)

    if (cap.recording !== undefined) throw new InputError(`${dir}: a capture directory holding a recording (${SERIES_RECORDING}), one series: name it alone (trend reads one series at a time)`, dir)
    if (cap.allocinfo === undefined) throw new InputError(`${dir}: a capture directory without an allocinfo dump: no snapshot in it; ${EXPECTED_INPUT}`, dir)
    return [cap.allocinfo]
  })
}

/** What trend takes as one series (README trend). */
const A_SERIES = `a series is a recording, a capture directory holding one (${SERIES_RECORDING}), or a directory of allocinfo snapshots`

/**
 * The files of a directory taken for one of snapshots. One with no file of its own that holds
 * capture directories (samples/, a corpus of captures) is not one series: refused naming a few
 * of them. One with files beside capture directories reads its files, as before 5a470cd, and says
 * once that those directories were left out (a file that is no snapshot: input.ts notASeriesDir).
 */
function ownSnapshots(listed: ListedDir, warnings: string[]): string[] {
  const files = listDir(listed)
  const captures = captureSubdirs(listed.dir, listed.entries)
  if (captures.length === 0) return files
  const names = captures.map((c) => c.name)
  if (files.length === 0) throw notOneSeries(listed.dir, names, captures.filter((c) => holdsRecording(c.entries)).map((c) => c.name))
  warnings.push(`${listed.dir}: ${directories(names.length, 'capture')} in it (${someOf(names)}) left out: only its own snapshot files are read`)
  return files
}

/** "1 capture directory", "2 capture directories". */
const directories = (n: number, kind: string): string => `${n} ${kind} director${n === 1 ? 'y' : 'ies'}`

/** Capture directories without a recording, named: "2 capture directories (a, b), each one snapshot, not a series". */
const eachOneSnapshot = (captures: readonly string[]): string =>
  `${directories(captures.length, 'capture')} (${someOf(captures)}), ${captures.length === 1 ? 'one snapshot' : 'each one snapshot'}, not a series`

/**
 * A directory with no file of its own holding capture directories (`captures`; `series`: those
 * holding a recording): not one series, naming a few of them.
 */
function notOneSeries(dir: string, captures: readonly string[], series: readonly string[]): InputError {
  const held =
    series.length > 0
      ? `${directories(series.length, 'series')} (${someOf(series)}): ${nameOne(dir, series)}`
      : eachOneSnapshot(captures)
  return new InputError(`${dir}: not one series but a directory holding ${held}; ${A_SERIES}`, dir)
}

/** What to do with a directory's series directories (`series`: paths relative to `dir`). */
const nameOne = (dir: string, series: readonly string[]): string => `name one of them (trend ${join(dir, series[0]!)}), trend reads one series at a time`

/**
 * A directory named as one series, holding `file`, which is no snapshot at all (readers/allocinfo.ts
 * NotAllocInfoError: `why`): not one series, rather than that file's line. Asked only once the
 * file failed (the normal path lists nothing more); names a few series directories below it
 * (seriesBelow: testdata/, whose series are under trend/).
 */
export function notASeriesDir({dir, entries}: ListedDir, file: string, why: string): InputError {
  const series = seriesBelow(dir, entries)
  const captures = series.length > 0 ? [] : captureSubdirs(dir, entries).map((c) => c.name)
  const held = captures.length > 0 ? `; it holds ${eachOneSnapshot(captures)}` : ''
  const below = series.length > 0 ? `; series directories below it: ${someOf(series)}: ${nameOne(dir, series)}` : `${held}: name its snapshot files instead`
  return new InputError(`${dir}: not one series: ${basename(file)} in it is no allocinfo snapshot (${why})${below}; ${A_SERIES}`, dir)
}

/** How far seriesBelow looks: levels below the directory, and directories listed in all. */
const BELOW = {depth: 3, dirs: 64} as const

/** The series directories under `dir` (paths relative to it, breadth first), within BELOW. */
function seriesBelow(dir: string, entries: readonly DirEntry[]): string[] {
  const found: string[] = []
  let level = [{rel: '', entries}]
  let listed = 0
  for (let depth = 0; depth < BELOW.depth && level.length > 0; depth++) {
    const next: typeof level = []
    for (const e of level.flatMap(({rel, entries: es}) => es.filter((x) => x.type === 'directory').map((x) => join(rel, x.name)))) {
      if (listed++ >= BELOW.dirs) break
      let sub: DirEntry[]
      try {
        sub = dirEntries(join(dir, e))
      } catch {
        continue
      }
      if (notCaptureBecause(sub) !== undefined) next.push({rel: e, entries: sub})
      else if (holdsRecording(sub)) found.push(e)
    }
    level = next
  }
  return found
}

function statOrThrow(p: string): Stats {
  try {
    return statSync(p)
  } catch (e) {
    throw cannotRead(p, e)
  }
}

/**
 * A directory of snapshots: its regular files (names.ts dirNames: in order, no dot files), as its
 * listing typed them; a name that is not UTF-8, or a link that leads nowhere, is refused.
 */
function listDir({dir: d, names, entries}: ListedDir): string[] {
  return names.flatMap((n, i) => {
    const path = join(d, n.name)
    if (n.undecodable !== undefined) throw new InputError(`${path}: ${undecodableReason(n)}`, path)
    const e = entries[i]!
    if (e.unreadable !== undefined) throw cannotRead(path, e.unreadable)
    return e.type === 'file' ? [path] : []
  })
}
