// A file the user asked for beside the output (--svg, --html, calibrate --out): written whole, or
// refused with one line naming it (exit 2), never an internal error.
import {writeFileSync} from 'node:fs'
import {InputError} from '../errors.js'

/** Writes text to path; `what` names the file in the refusal ("the SVG", "the HTML page"). */
export function writeUserFile(path: string, text: string, what: string): void {
  try {
    writeFileSync(path, text)
  } catch (e) {
    throw new InputError(`${path}: cannot write ${what} (${(e as Error).message})`, path)
  }
}
