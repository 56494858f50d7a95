// What a command tells a terminal while it reads: a percentage for big inputs, and a notice when
// the input (a FIFO with no writer, stdin) gives nothing. Only on a TTY stderr; never with --json.
import {sanitizeLine} from '../render/sanitize.js'

/** Show progress only for inputs at least this large (and only on a TTY). */
const PROGRESS_MIN_BYTES = 32 * 1024 * 1024

/** A percentage on stderr for big inputs, only on a TTY and never with --json. */
export function readProgress(json: boolean): ((read: number, total?: number) => void) | undefined {
  if (json || !process.stderr.isTTY) return undefined
  let last = 0
  let shown = false
  return (read, total) => {
    const now = Date.now()
    // The end of the input clears the line, whatever the throttle says.
    if (total && read >= total) {
      if (shown) process.stderr.write('\r\x1b[K')
      shown = false
      return
    }
    if ((total ?? read) < PROGRESS_MIN_BYTES || now - last < 500) return
    last = now
    shown = true
    const msg = total ? `${((read / total) * 100).toFixed(0)}%` : `${(read / 2 ** 20).toFixed(0)} MiB`
    process.stderr.write(`\rallocscope: reading ${msg}   `)
  }
}

/**
 * On a terminal, say so when the input (a FIFO with no writer, stdin) has given nothing for a second:
 * every reader calls it through src/readers/wait.ts (boot log, allocinfo, inventory).
 */
export function waitingNotice(path: string): (() => void) | undefined {
  if (!process.stderr.isTTY) return undefined
  return () => process.stderr.write(`allocscope: waiting for input on ${path === '-' ? 'stdin' : sanitizeLine(path)} ...\n`)
}
