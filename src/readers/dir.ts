// Capture directories (the layout of the corpus (testdata/captures, samples) and of `allocscope capture --out`):
// console.log (raw serial), dmesg.txt, allocinfo.txt, meta.json. A path may also name a file.
import {statSync, type Stats} from 'node:fs'
import {join} from 'node:path'
import {InputError, ioReason} from '../errors.js'
import {readBoundedFile} from './bounded.js'

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

/** A regular file (a directory that happens to be called dmesg.txt is not a boot log). */
/** What stat says of a path; undefined when there is nothing (or nothing reachable) there. */
function statOf(p: string): Stats | undefined {
  try {
    return statSync(p)
  } catch {
    return undefined
  }
}

const isFile = (p: string): boolean => statOf(p)?.isFile() ?? false

/** A capture's meta.json is some KiB (the lab's: 5 KiB): past this it is none (a device, a bomb), refused (issue 14). */
export const MAX_META_BYTES = 2 ** 20

/** allocinfo dump names in a capture directory, the first present wins. */
export const ALLOCINFO_NAMES = ['allocinfo.txt', 'allocinfo', 'allocinfo.txt.gz']

/** The first of `names` that is a regular file in `dir` (the names are in order of preference). */
function firstFile(dir: string, names: readonly string[]): string | undefined {
  return names.map((n) => join(dir, n)).find(isFile)
}

/** A capture directory's boot log and dump by their names, without reading meta.json (which may be damaged). */
export function captureDataFiles(dir: string): {bootLog?: string; allocinfo?: string} {
  const bootLog = firstFile(dir, BOOTLOG_NAMES)
  const allocinfo = firstFile(dir, ALLOCINFO_NAMES)
  return {...(bootLog ? {bootLog} : {}), ...(allocinfo ? {allocinfo} : {})}
}

export function resolveCapture(path: string): CaptureFiles {
  if (path === '-') return {path, isDir: false, bootLog: '-'}
  let st
  try {
    st = statSync(path)
  } catch (e) {
    throw new InputError(`${path}: ${ioReason(e)}`, path)
  }
  if (!st.isDirectory()) return {path, isDir: false, bootLog: path}
  const out: CaptureFiles = {path, isDir: true, ...captureDataFiles(path)}
  if (isFile(join(path, 'console.log'))) out.console = join(path, 'console.log')
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
  if (!out.bootLog && !out.allocinfo) {
    throw new InputError(`${path}: a directory with neither a boot log (${BOOTLOG_NAMES.join(', ')}) nor allocinfo.txt; expected a capture directory`, path)
  }
  return out
}
