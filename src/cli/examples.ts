// Help examples come in two kinds (README "Commands"): a plain string runs as printed, from any
// directory, on the bundled samples (test/repo/examples.test.ts runs every one); a recipe names
// the user's own files or a live kernel (a log tree, /proc/allocinfo, a kernel image) and cannot
// run as printed, so its help says so, and why, on the line above it. The mark is the first word
// of its description, which the test reads from the manifest.
import type {Command} from '@oclif/core'

export const RECIPE_MARK = 'Recipe'

/** An example that needs what only the user has: `what` says it ("your boot logs"). */
export function recipe(what: string, command: string): Command.Example {
  return {description: `${RECIPE_MARK} (${what}; not runnable as printed):`, command}
}
