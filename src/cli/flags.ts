// Flags that several commands take, defined once so their options and help stay the same
// everywhere (the per-command flags stay in each command).
import {Flags} from '@oclif/core'
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
