// Flags that several commands take, defined once so their options and help stay the same
// everywhere (the per-command flags stay in each command).
import {Flags} from '@oclif/core'
import {KNOWN_RECORDERS} from '../types.js'

/** --recorder: the early-PFN recorder the kernel carries, overriding the inference (analyse, diff). */
export const recorderFlag = Flags.option({
  options: KNOWN_RECORDERS,
  description: 'The early-PFN recorder the kernel carries, when you know better than the inference.',
})
