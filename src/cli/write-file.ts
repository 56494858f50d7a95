// A file the user asked for beside the output (--svg, --html, calibrate --out): written whole, or
// one line naming it, never an internal error: one that cannot be opened as named (no such
// directory, permission) is refused as bad input (exit 2); a write that fails once it is open
// (a full disk, an I/O error) is output that could not be written (exit 74), as for stdout.
// Before anything is written, every command that writes a file the user named refuses one that
// is one of its inputs (refuseInputAsOutput), and record and batch one that holds an earlier run
// (refuseOverwrite).
import {closeSync, fstatSync, openSync, realpathSync, statSync, type Stats, writeFileSync} from 'node:fs'
import {dirname} from 'node:path'
import {InputError, ioReason, OutputError, UsageError} from '../errors.js'
import {inputName} from '../readers/stdin.js'

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

/** The file a path names, through symlinks; '-' is stdin (`fleet --html f.json < f.json`). */
function statOf(path: string): Stats | undefined {
  try {
    return path === '-' ? fstatSync(0) : statSync(path)
  } catch {
    return undefined // no such input: its reader says so
  }
}

const same = (a: Stats | undefined, b: Stats): boolean => a?.dev === b.dev && a.ino === b.ino

/**
 * Refuses an output file that is one of the command's inputs, by name, symlink or hard link (its
 * device and inode): opening it for writing truncates the input (a boot log, a recording, the
 * records of a run) whether or not it was read yet. An input directory's files are its inputs
 * (a capture directory's recording or boot log, a directory of snapshots), unless `dirs` is false
 * (batch: a walk skips the --out file it meets). Only a regular file: opening a device or a FIFO
 * truncates nothing (`/dev/stdout` beside `/dev/stdin` on one terminal is one device), and a file
 * that does not exist yet is no input. Called before anything is opened for writing.
 */
export function refuseInputAsOutput(flag: string, out: string, inputs: Iterable<NamedInput>, dirs = true): void {
  const o = statOf(out)
  if (!o?.isFile()) return
  // The directory the written file is in, after symlinks: a link elsewhere to a capture's file is that file.
  const parent = dirs ? statOf(dirname(realpathSync(out))) : undefined
  for (const input of inputs) {
    const {path, flag: by} = typeof input === 'string' ? {path: input, flag: undefined} : input
    const st = statOf(path)
    const named = by === undefined ? `the input ${inputName(path)}` : `${by} ${inputName(path)}`
    if (same(st, o)) throw new UsageError(`${flag} ${out} is the same file as ${named}: writing it would destroy that input; give another ${flag}`)
    if (parent && st?.isDirectory() && same(st, parent)) throw new UsageError(`${flag} ${out} is a file in ${named} (a directory): writing it would destroy part of that input; give another ${flag}`)
  }
}

/**
 * An earlier run's output (a recording of a 24-hour soak, a 10-hour batch's records) is not
 * overwritten by running the command again: refused unless `force`. Only a regular file with bytes
 * in it: a device, a FIFO or an empty file loses nothing.
 */
export function refuseOverwrite(flag: string, out: string, force: boolean | undefined, how = 'give --force to overwrite it'): void {
  if (force) return
  const o = statOf(out)
  if (o?.isFile() && o.size > 0) throw new UsageError(`${flag} ${out}: the file exists; ${how}`)
}
