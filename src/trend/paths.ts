// What trend's input paths stand for, before any is read. A capture directory (readers/dir.ts
// notCaptureBecause) is a lab series when it holds a recording (testdata/trend/*: read as that
// recording, its boot log the --log), else one snapshot: its dump. A recording is one series and
// is named alone. Any other directory holds snapshot files.
import {type Stats, statSync} from 'node:fs'
import {join} from 'node:path'
import {InputError, ioReason} from '../errors.js'
import {captureDataFiles, type DirEntry, dirEntries, notCaptureBecause, SERIES_RECORDING} from '../readers/dir.js'
import {dirNames, undecodableReason} from '../readers/names.js'

export const EXPECTED_INPUT = 'expected a recording, a directory of allocinfo snapshots, or snapshot files'

export const cannotRead = (p: string, e: unknown): InputError => new InputError(`${p}: ${ioReason(e)}; ${EXPECTED_INPUT}`, p)

/** A capture directory's files (the recording of a lab series, its boot log, its dump). */
interface CaptureInput {
  recording?: string
  bootLog?: string
  allocinfo?: string
}

/** A capture directory's files, or undefined when `dir` is no capture directory. */
function captureInput(dir: string): CaptureInput | undefined {
  let entries: DirEntry[]
  try {
    entries = dirEntries(dir)
  } catch (e) {
    throw cannotRead(dir, e)
  }
  if (notCaptureBecause(entries) !== undefined) return undefined
  const recording = entries.some((e) => e.name === SERIES_RECORDING && e.type === 'file') ? {recording: join(dir, SERIES_RECORDING)} : {}
  return {...captureDataFiles(dir, entries), ...recording}
}

const isDir = (p: string): boolean => statOrThrow(p).isDirectory()

/**
 * The one path named: a capture directory stands for its series' recording, with its boot log;
 * without a recording it is one snapshot, no series: refused, rather than its boot log read as a
 * malformed snapshot. Anything else is read as given (the caller tells a recording by its bytes).
 */
export function seriesOf(p: string): {path: string; bootLog?: string} {
  let cap: CaptureInput | undefined
  try {
    cap = statSync(p).isDirectory() ? captureInput(p) : undefined
  } catch (e) {
    if (e instanceof InputError) throw e
    return {path: p} // opening it names the problem
  }
  if (cap === undefined) return {path: p}
  if (cap.recording === undefined) throw new InputError(`${p}: a capture directory (a boot log and/or one allocinfo dump) is one snapshot, not a series; ${EXPECTED_INPUT}`, p)
  return {path: cap.recording, ...(cap.bootLog === undefined ? {} : {bootLog: cap.bootLog})}
}

/**
 * The snapshot files of several paths (or of one that is no recording): a capture directory is its
 * dump, one snapshot at the capture's time; one that holds a lab series' recording is refused, as
 * a recording among other inputs is (readers of trend take one series at a time).
 */
export function snapshotFiles(paths: string[]): string[] {
  return paths.flatMap((p) => {
    if (!isDir(p)) return [p]
    const cap = captureInput(p)
    if (cap === undefined) return listDir(p)
    if (cap.recording !== undefined) throw new InputError(`${p}: a capture directory holding a recording (${SERIES_RECORDING}), one series: name it alone (trend reads one series at a time)`, p)
    if (cap.allocinfo === undefined) throw new InputError(`${p}: a capture directory without an allocinfo dump: no snapshot in it; ${EXPECTED_INPUT}`, p)
    return [cap.allocinfo]
  })
}

function statOrThrow(p: string): Stats {
  try {
    return statSync(p)
  } catch (e) {
    throw cannotRead(p, e)
  }
}

/** A directory of snapshots: its regular files (names.ts dirNames: in order, no dot files). */
function listDir(d: string): string[] {
  return dirNames(d)
    .filter((n) => {
      if (n.undecodable !== undefined) throw new InputError(`${join(d, n.name)}: ${undecodableReason(n)}`, join(d, n.name))
      return statOrThrow(join(d, n.name)).isFile()
    })
    .map((n) => join(d, n.name))
}
