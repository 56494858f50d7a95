// A file the user asked for beside the output (--svg, --html, calibrate --out): written whole, or
// one line naming it, never an internal error: one that cannot be opened as named (no such
// directory, permission) is refused as bad input (exit 2); a write that fails once it is open
// (a full disk, an I/O error) is output that could not be written (exit 74), as for stdout.
import {closeSync, openSync, writeFileSync} from 'node:fs'
import {InputError, ioReason, OutputError} from '../errors.js'

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
