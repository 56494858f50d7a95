// Capture directories (the layout of the corpus (testdata/captures, samples) and of `allocscope capture --out`):
// console.log (raw serial), dmesg.txt, allocinfo.txt, meta.json. A path may also name a file. What
// makes a directory ONE capture (notCaptureBecause) is decided here, for every command and batch.
import {statSync, type Stats} from 'node:fs'
import {join} from 'node:path'
import {InputError, ioReason, someOf} from '../errors.js'
import {readBoundedFile} from './bounded.js'
import {type DirName, dirNames} from './names.js'
import {statOf, statPath} from './stat.js'

export interface CaptureFiles {
  /** The path given by the user. */
  path: string
  isDir: boolean
  /** The boot log to read: dmesg.txt, else console.log, else any *excerpt*.txt; or the file itself. */
  bootLog?: string
  allocinfo?: string
  meta?: Record<string, unknown>
  metaPath?: string
  console?: string
}

/** Boot-log names in a capture directory, the first present wins (batch reads the same names inside archives). */
export const BOOTLOG_NAMES = ['dmesg.txt', 'dmesg.txt.gz', 'dmesg.json', 'kern.log', 'journal.txt', 'journal.json', 'console.log', 'console.log.gz', 'dmesg-excerpt.txt']

/** A capture's meta.json is some KiB (the lab's: 5 KiB): past this it is none (a device, a bomb), refused (issue 14). */
export const MAX_META_BYTES = 2 ** 20

/** allocinfo dump names in a capture directory, the first present wins. */
export const ALLOCINFO_NAMES = ['allocinfo.txt', 'allocinfo', 'allocinfo.txt.gz']

/** What a capture directory lacks when it holds none of ALLOCINFO_NAMES (allocinfo's and diff's error say it alike). */
export const NO_ALLOCINFO_DUMP = `capture directory without an allocinfo dump (${ALLOCINFO_NAMES.join(', ')})`

/** Names of a capture's boot log that are its serial console (`allocscope capture` writes console.log and the dmesg.txt taken from it). */
const CONSOLE_NAMES = new Set(['console.log', 'console.log.gz'])

/** A trend series' recording in its capture directory (lab/series.ts writes it; `trend DIR` reads it). */
export const SERIES_RECORDING = 'recording.arec.gz'

/**
 * Files of a capture directory besides its boot log and dump, not inputs of their own: meta.json,
 * the lab's QEMU stderr, and what a trend series adds to its capture (lab/series.ts: the recording
 * read from the console, and its summary).
 */
const CAPTURE_EXTRAS = ['meta.json', 'qemu.stderr', SERIES_RECORDING, 'series.json']

/** What a directory entry is, through a symlink: anything but a directory or a regular file (a FIFO, a device, a link leading nowhere, what cannot be stat'ed) is `other`. */
export type EntryType = 'directory' | 'file' | 'other'

export interface DirEntry {
  name: string
  type: EntryType
  /** Why a link (or an entry the file system does not type) could not be stat'ed: `other`, and trend refuses the directory with it. */
  unreadable?: unknown
}

export const entryType = (st: Pick<Stats, 'isDirectory' | 'isFile'>): EntryType => (st.isDirectory() ? 'directory' : st.isFile() ? 'file' : 'other')

/**
 * A directory's entries as names.ts dirNames lists them (in name order, no dot entries; `names`:
 * that listing, when the caller has it), each typed through a symlink; a name that is not UTF-8
 * cannot be opened: `other`.
 */
export function dirEntries(dir: string, names: DirName[] = dirNames(dir)): DirEntry[] {
  return names.map(({name, undecodable, dirent: d}): DirEntry => {
    if (undecodable !== undefined) return {name, type: 'other'}
    // Only a link (or an entry the file system does not type) costs a stat.
    if (d.isDirectory()) return {name, type: 'directory'}
    if (d.isFile()) return {name, type: 'file'}
    if (d.isFIFO() || d.isSocket() || d.isBlockDevice() || d.isCharacterDevice()) return {name, type: 'other'}
    const s = statPath(join(dir, name))
    return 'st' in s ? {name, type: entryType(s.st)} : {name, type: 'other', unreadable: s.error}
  })
}

/**
 * Why a directory whose entries (dot entries left out) are `entries` is not ONE capture directory,
 * or undefined when it is one. One rule for every command that takes a directory (resolveCapture:
 * analyse, allocinfo, predict --from, diff) and for batch, on disk and in an archive (all of whose
 * members are regular files): a boot log and/or an allocinfo dump by their usual names and only a
 * capture's files beside them: the boot log it reads (the first of BOOTLOG_NAMES present) and at
 * most the serial console.log (or .gz) that log was taken from, at most one dump, CAPTURE_EXTRAS.
 * A boot log or dump must be a regular file (a FIFO named dmesg.txt is an input of its own),
 * meta.json anything (a damaged one is the capture's error). Subdirectories are not part of it.
 * Any other file, a second log or dump, and it is no capture: each file is an input (`/var/log`
 * with kern.log, kern.log.1, syslog), which batch reads and the others refuse.
 */
export function notCaptureBecause(entries: Iterable<DirEntry>): string | undefined {
  const logs: string[] = []
  const dumps: string[] = []
  for (const {name, type} of entries) {
    if (type === 'directory') continue
    if (type !== 'file' && name !== 'meta.json') return `${name} is not a regular file`
    if (BOOTLOG_NAMES.includes(name)) logs.push(name)
    else if (ALLOCINFO_NAMES.includes(name)) dumps.push(name)
    else if (!CAPTURE_EXTRAS.includes(name)) return `${name} is not one of a capture's files`
  }
  if (logs.length + dumps.length === 0) return 'neither a boot log nor an allocinfo dump in it'
  if (dumps.length > 1) return `more than one allocinfo dump (${dumps.join(', ')})`
  if (logs.length < 2) return undefined
  const [read, other] = logs.sort((a, b) => BOOTLOG_NAMES.indexOf(a) - BOOTLOG_NAMES.indexOf(b))
  if (logs.length === 2 && !CONSOLE_NAMES.has(read!) && CONSOLE_NAMES.has(other!)) return undefined
  return `more than one boot log (${logs.join(', ')}): a capture has one, and at most the console.log it was taken from`
}

/** The capture rule on names alone: the members of an archive, all regular files (notCaptureBecause). */
export const isCaptureLayout = (names: Iterable<string>): boolean => notCaptureBecause([...names].map((name) => ({name, type: 'file' as const}))) === undefined

/** The first of `names` that is a regular file among `entries` (the names are in order of preference). */
function firstFile(dir: string, entries: readonly DirEntry[], names: readonly string[]): string | undefined {
  const n = names.find((x) => entries.some((e) => e.name === x && e.type === 'file'))
  return n === undefined ? undefined : join(dir, n)
}

/** A capture directory's boot log and dump by their names, without reading meta.json (which may be damaged); none when it cannot be listed. */
export function captureDataFiles(dir: string, entries?: readonly DirEntry[]): {bootLog?: string; allocinfo?: string} {
  let e = entries
  try {
    e ??= dirEntries(dir)
  } catch {
    return {}
  }
  const bootLog = firstFile(dir, e, BOOTLOG_NAMES)
  const allocinfo = firstFile(dir, e, ALLOCINFO_NAMES)
  return {...(bootLog ? {bootLog} : {}), ...(allocinfo ? {allocinfo} : {})}
}

/** A directory given as a capture, listed: refused (InputError) when it is not one (notCaptureBecause). */
function captureListing(path: string): DirEntry[] {
  let entries: DirEntry[]
  try {
    entries = dirEntries(path)
  } catch (e) {
    throw new InputError(`${path}: cannot list the directory: ${ioReason(e)}; expected a capture directory`, path)
  }
  const why = notCaptureBecause(entries)
  if (why !== undefined) throw notOneCapture(path, entries, why)
  return entries
}

/** The boot-log names a message shows first: the common ones. */
const COMMON_LOGS = ['dmesg.txt', 'kern.log', 'console.log']

/** What a capture directory holds, in a few words (README "Capture directory" lists every name). */
const CAPTURE_SHAPE =
  `a capture holds a boot log (${someOf([...COMMON_LOGS, ...BOOTLOG_NAMES.filter((n) => !COMMON_LOGS.includes(n))])}) and/or an allocinfo dump (${ALLOCINFO_NAMES.join(', ')}), ` +
  `and its meta.json (README: Capture directory)`

/**
 * The refusal of a directory that is not one capture (`why`): what is wrong and what to do first,
 * then the few names that say it. A directory of captures (samples/) names some of them.
 */
function notOneCapture(path: string, entries: readonly DirEntry[], why: string): InputError {
  const captures = captureSubdirs(path, entries).map((c) => c.name)
  if (captures.length > 0) {
    const each = `allocscope batch '${join(path, '*/')}'`
    return new InputError(`${path}: not one capture directory but a directory holding ${captures.length} (${someOf(captures)}): name one of them, or read each with ${each}`, path)
  }
  const todo = entries.some((e) => e.type === 'file') ? 'name a file in it, or read each with allocscope batch' : 'name a capture directory'
  return new InputError(`${path}: not one capture directory (${why}): ${todo}; ${CAPTURE_SHAPE}`, path)
}

/**
 * The subdirectories among a directory's entries that are capture directories (notCaptureBecause),
 * with their own entries; one that cannot be listed is none. For messages about a directory
 * named as one capture or one series that holds several.
 */
export function captureSubdirs(dir: string, entries: readonly DirEntry[]): Array<{name: string; entries: DirEntry[]}> {
  return entries.flatMap((e) => {
    if (e.type !== 'directory') return []
    let sub: DirEntry[]
    try {
      sub = dirEntries(join(dir, e.name))
    } catch {
      return []
    }
    return notCaptureBecause(sub) === undefined ? [{name: e.name, entries: sub}] : []
  })
}

/** An input's stat (through symlinks); none is an input error naming the path. */
export function captureStat(path: string): Stats {
  try {
    return statSync(path)
  } catch (e) {
    throw new InputError(`${path}: ${ioReason(e)}`, path)
  }
}

/** @param known the path's captureStat when the caller took it already (diff's classifyInput: one stat an input). */
export function resolveCapture(path: string, known?: Stats): CaptureFiles {
  if (path === '-') return {path, isDir: false, bootLog: '-'}
  const st = known ?? captureStat(path)
  if (!st.isDirectory()) return {path, isDir: false, bootLog: path}
  const entries = captureListing(path)
  const out: CaptureFiles = {path, isDir: true, ...captureDataFiles(path, entries)}
  if (entries.some((e) => e.name === 'console.log' && e.type === 'file')) out.console = join(path, 'console.log')
  const metaPath = join(path, 'meta.json')
  const metaStat = statOf(metaPath)
  if (metaStat !== undefined) {
    // Not opened when a FIFO: it would wait for a writer (a device is read, and capped).
    if (metaStat.isFIFO()) throw new InputError(`${metaPath}: a FIFO, not read (it could wait for a writer for ever); expected the meta.json of a capture directory`, metaPath)
    out.metaPath = metaPath
    const text = readBoundedFile(metaPath, MAX_META_BYTES, 'the meta.json of a capture directory', {gzip: false}).toString('utf8')
    try {
      out.meta = JSON.parse(text) as Record<string, unknown>
    } catch (e) {
      throw new InputError(`${metaPath}: not valid JSON (${(e as Error).message}); expected the meta.json of a capture directory`, metaPath)
    }
  }
  return out
}
