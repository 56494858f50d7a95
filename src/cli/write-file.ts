// A file the user asked for beside the output (--svg, --html, calibrate --out): written whole, or
// refused with one line naming it (exit 2), never an internal error.
import {closeSync, openSync, writeFileSync} from 'node:fs'
import {InputError} from '../errors.js'

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
  const cannot = (e: unknown) => new InputError(`${path}: cannot write ${what} (${(e as Error).message})`, path)
  let fd: number
  try {
    fd = openSync(path, 'w')
  } catch (e) {
    throw cannot(e)
  }
  const write = (s: string) => {
    try {
      writeFileSync(fd, s)
    } catch (e) {
      throw cannot(e)
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
