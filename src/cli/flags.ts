// Flags that several commands take, defined once so their options and help stay the same
// everywhere (the per-command flags stay in each command).
import {Errors, Flags} from '@oclif/core'
import {KNOWN_RECORDERS} from '../types.js'

/** --recorder: the early-PFN recorder the kernel carries, overriding the inference (analyse, diff; predict with its own description). */
export const recorderFlag = Flags.option({
  options: KNOWN_RECORDERS,
  description: 'The early-PFN recorder the kernel carries, when you know better than the inference.',
})

/** --boot: which boot of a log holding several, numbered as `journalctl -b` (analyse, diff, predict --from). */
export const bootFlag = () =>
  Flags.integer({
    description:
      'Which boot of a log holding several, as journalctl -b counts: 1 the first, 2 the second, ...; 0 the last, -1 the one before it (write --boot=-1). Default: analyse reports every boot and batch writes a record for each; diff and predict --from use the last and say so.',
  })

/**
 * A flag whose value names a file or directory (to read or to write), or a program: `expected`
 * says which in the message. The one home of the rule that an empty value is refused at parse time
 * (exit 2, `--svg: empty path (expected a file name)`), never taken as "not given": a script's
 * `--html "$OUT"` with OUT unset wrote nothing and exited 0. The fast path (fast.ts) leaves an
 * empty value of such a flag to oclif, which says this (fast-spec.ts marks the flag: its parse refuses '').
 */
const pathOf = (expected: string) =>
  Flags.custom<string>({
    parse: async (input) => {
      if (input === '') throw new Errors.CLIError(`empty path (expected ${expected})`, {exit: 2})
      return input
    },
  })

/** The path flags by what they name (see pathOf). */
export const pathFlag = {
  file: pathOf('a file name'),
  dir: pathOf('a directory name'),
  either: pathOf('a file or directory name'),
  program: pathOf('a program name or path'),
  profile: pathOf('a profile name or file'),
}

/** --fail-on-error (batch, fleet): an input that is an error record fails the run, as --fail-on does a finding. */
export const failOnErrorFlag = () =>
  Flags.boolean({
    description:
      'Exit 1 when any input is an error record (batch: a path that does not exist, or cannot be read or parsed; fleet: such records among those it reads), as --fail-on does for a finding. Default: an error is a record like any other and the run exits 0.',
    default: false,
  })
