// Flags shared by several commands come from one definition (src/cli/flags.ts): the same options
// and help in every command that takes them.
import {describe, expect, it} from 'vitest'
import Analyse from '../../src/commands/analyse.js'
import Diff from '../../src/commands/diff.js'

describe('--recorder', () => {
  it('takes the same options in analyse and diff: the recorders a user can know (not "unknown")', () => {
    const a = Analyse.flags.recorder
    const d = Diff.flags.recorder
    expect(a.options).toEqual(['legacy', 'pool', 'none'])
    expect(d.options).toEqual(a.options)
    expect(d.description).toBe(a.description)
  })
})
