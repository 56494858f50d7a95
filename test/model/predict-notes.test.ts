// What predict says about a host whose kernel has no recorder at all (DEBUG off).
import {describe, expect, it} from 'vitest'
import {DEFAULT_HOST} from '../../src/model/host.js'
import {predict} from '../../src/model/predict.js'
import {loadProfile} from '../../src/model/profile.js'

describe('predict notes', () => {
  it('DEBUG off: neither recorder exists, the rows are what one would hold; DEBUG on: no such note', () => {
    const late = loadProfile('linux-7.2-after-smp')
    const off = predict({...DEFAULT_HOST, possibleCpus: 1024, onlineCpus: 1024, debug: false}, late)
    expect(off.window).toBe('after-smp')
    expect(off.legacy!.dropped).toBeGreaterThan(0)
    expect(off.notes.join(' ')).toMatch(/builds neither recorder and never warns "alloc_tag was not set"/)
    const on = predict({...DEFAULT_HOST, possibleCpus: 1024, onlineCpus: 1024, debug: true, observedWindow: 'after-smp'}, late)
    expect(on.window).toBe('after-smp')
    expect(on.notes.join(' ')).not.toMatch(/builds neither recorder/)
  })
})

describe('no GB pages in the notes (so --json has it too)', () => {
  it('said when the profile cannot count it, not when it can', () => {
    const h = {...DEFAULT_HOST, possibleCpus: 4, onlineCpus: 4, gbPages: false}
    expect(predict(h, loadProfile('linux-7.2-before-smp')).notes.join(' ')).toMatch(/no GB pages: profile linux-7.2-before-smp has no noGbPages term/)
    expect(predict(h, loadProfile('linux-6.12-before-smp')).notes.join(' ')).not.toMatch(/no GB pages/)
    expect(predict({...h, gbPages: true}, loadProfile('linux-7.2-before-smp')).notes.join(' ')).not.toMatch(/no GB pages/)
  })
})
