// A file the user asked for beside the output (--svg, --html, calibrate --out): written whole, or
// one line naming it, never an internal error: one that cannot be opened as named (no such
// directory, permission) is refused as bad input (exit 2); a write that fails once it is open
// (a full disk, an I/O error) is output that could not be written (exit 74), as for stdout.
// Before anything is written, every command that writes a file the user named refuses one that
// is one of its inputs (refuseInputAsOutput), and record and batch one that holds an earlier run
// (refuseOverwrite).
import {closeSync, openSync, readdirSync, writeFileSync} from 'node:fs'
import {dirname, join} from 'node:path'
import {InputError, ioReason, OutputError, UsageError} from '../errors.js'
import {inputName} from '../readers/stdin.js'
import {inputStatOf, PathCache, sameFile, type Stats, statOf} from '../readers/stat.js'

/** Pieces are written in chunks of about this many characters. */
const CHUNK = 1 << 16

/** Writes text to path; `what` names the file in the refusal ("the SVG", "the HTML page"). */
export function writeUserFile(path: string, text: string, what: string): void {
  writeUserFileParts(path, [text], what)
}

/**
 * Writes the pieces in order, in chunks (a page of 10^6 rows is never one string). Only the file's
 * own errors are a refusal: an error from making the pieces is the program's, and passes through.
 */
export function writeUserFileParts(path: string, parts: Iterable<string>, what: string): void {
  const cannot = (e: unknown) => `${path}: cannot write ${what} (${ioReason(e)})`
  let fd: number
  try {
    fd = openSync(path, 'w')
  } catch (e) {
    throw new InputError(cannot(e), path)
  }
  const write = (s: string) => {
    try {
      writeFileSync(fd, s)
    } catch (e) {
      throw new OutputError(cannot(e), path)
    }
  }
  try {
    let buf = ''
    for (const p of parts) {
      buf += p
      if (buf.length >= CHUNK) (write(buf), (buf = ''))
    }
    write(buf)
  } finally {
    closeSync(fd)
  }
}

/** An input of the command, as its refusal names it: `--source FILE`, or the path alone (an argument). */
export type NamedInput = string | {flag: string; path: string}

/** The output file as the checks see it (a regular file by its literal path), and the directory it is really in. */
interface OutFile {
  st: Stats
  parent: Stats | undefined
}

/** The output, when it is a regular file: opening a device or a FIFO truncates nothing, and a file that does not exist yet is no input. */
function outFile(out: string, cache: PathCache): OutFile | undefined {
  const st = cache.statOf(out)
  if (!st?.isFile()) return undefined
  // After symlinks: a link elsewhere to a capture's file is that file.
  return {st, parent: cache.statOf(dirname(cache.realOr(out)))}
}

/**
 * Whether the directory `dir` (`d`, stat'ed) holds the output: it is the directory the output
 * really is in, or (the output has other hard links) one of its regular files is the output. Only
 * then are its files stat'ed: a capture directory holds some five.
 */
function dirHolds(dir: string, d: Stats, o: OutFile): boolean {
  if (o.parent && sameFile(d, o.parent)) return true
  if (o.st.nlink < 2) return false
  let names: string[]
  try {
    // readdirSync, not readers/dir.ts dirEntries: its modules (node:zlib among them) would load
    // before batch's workers start (batch/run.ts imports this module), and only the inode counts.
    names = readdirSync(dir)
  } catch {
    return false // cannot be listed: its reader says so
  }
  // Not the run's cache: each is asked once.
  return names.some((n) => sameFile(statOf(join(dir, n)), o.st))
}

/**
 * Refuses an output file that is one of the command's inputs, by name, symlink or hard link (its
 * device and inode): opening it for writing truncates the input (a boot log, a recording, the
 * records of a run) whether or not it was read yet. An input directory's files are its inputs
 * (a capture directory's recording or boot log, a directory of snapshots), unless `dirs` is false
 * (batch: a walk skips the --out file it meets; refuseCaptureFile checks the capture directories
 * it reads whole). Only a regular file (outFile): `/dev/stdout` beside `/dev/stdin` on one
 * terminal is one device. Called before anything is opened for writing. `cache`: the run's, when
 * it asks of the output or the inputs again (fleet's onceEach; batch's listing and checkListedOut).
 */
export function refuseInputAsOutput(flag: string, out: string, inputs: Iterable<NamedInput>, {dirs = true, cache = new PathCache()}: {dirs?: boolean; cache?: PathCache} = {}): void {
  const o = outFile(out, cache)
  if (!o) return
  for (const input of inputs) {
    const {path, flag: by} = typeof input === 'string' ? {path: input, flag: undefined} : input
    const st = inputStatOf(path, cache.statOf)
    const named = by === undefined ? `the input ${inputName(path)}` : `${by} ${inputName(path)}`
    if (sameFile(st, o.st)) throw new UsageError(`${flag} ${out} is the same file as ${named}: writing it would destroy that input; give another ${flag}`)
    if (dirs && st?.isDirectory() && dirHolds(path, st, o)) throw new UsageError(`${flag} ${out} is a file in ${named} (a directory): writing it would destroy part of that input; give another ${flag}`)
  }
}

/**
 * batch: a capture directory is read as one input, never skipped file by file as a walk skips
 * its --out: an output that is one of its files (or a hard link to one) is refused, --force or
 * --resume given or not. `captures`: the capture directories of the listed tasks; `cache`: the run's.
 */
export function refuseCaptureFile(flag: string, out: string, captures: Iterable<string>, cache = new PathCache()): void {
  const o = outFile(out, cache)
  // Not there yet: made in a capture directory, it would be a file no capture holds, and the
  // directory, listed again by the worker, no capture (its record an error, a review found).
  const newIn = o === undefined && cache.statOf(out) === undefined ? cache.statOf(cache.realOr(dirname(out))) : undefined
  for (const dir of captures) {
    const d = cache.statOf(dir)
    if (!d?.isDirectory()) continue
    if (o && dirHolds(dir, d, o)) throw new UsageError(`${flag} ${out} is a file of the capture directory ${dir}, which is read as one input: writing it would destroy part of that input; give another ${flag}`)
    if (newIn && sameFile(newIn, d)) throw new UsageError(`${flag} ${out} would be a new file in the capture directory ${dir}, which is read as one input: a capture holds only its own files; give a ${flag} outside it`)
  }
}

/**
 * An earlier run's output (a recording of a 24-hour soak, a 10-hour batch's records) is not
 * overwritten by running the command again: refused unless `force`. Only a regular file with bytes
 * in it: a device, a FIFO or an empty file loses nothing. `how` says what to do instead; `cache`: the run's.
 */
export function refuseOverwrite(flag: string, out: string, force: boolean | undefined, {how = 'give --force to overwrite it', cache}: {how?: string; cache?: PathCache} = {}): void {
  if (force) return
  const o = (cache?.statOf ?? statOf)(out)
  if (o?.isFile() && o.size > 0) throw new UsageError(`${flag} ${out}: the file exists; ${how}`)
}
