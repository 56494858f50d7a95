// What a prediction may claim about a host: nothing counted where the kernel has no early window
// (compressed mode), the kernel series not assumed when it is unknown, every fact a term depends on
// range-checked, and no host the predicted pages could not fit in. SYNTHETIC hosts on the shipped profiles.
import {describe, expect, it} from 'vitest'
import {DEFAULT_HOST, type Host} from '../../src/model/host.js'
import {predict} from '../../src/model/predict.js'
import {loadProfile} from '../../src/model/profile.js'
import {runPredict} from '../../src/model/run.js'
import type {CommandRun} from '../../src/cli/output.js'
import {PREDICT_FLAGS} from '../helpers/predict-flags.js'

const host = (h: Partial<Host>): Host => ({...DEFAULT_HOST, ...h})
const out = {format: 'text', width: 80}
const zero = {value: 0, low: 0, high: 0}

describe('compressed mode: no page_ext, no recorder, every count exactly 0', () => {
  it('the recorder is none (why: compressed), even a pool kernel\'s; no interval drawn around 0', () => {
    const p = predict(host({possibleCpus: 4, onlineCpus: 4, kernel: '7.2.13', compressed: true}), loadProfile('linux-7.2-before-smp'), {recorder: 'pool', recorderReason: 'given'})
    expect(p.window).toBe('none')
    expect(p.recorder).toBe('none')
    expect(p.recorderReason).toMatch(/^compressed mode .*early-PFN recorder is skipped, though the kernel has the pool recorder's code/)
    expect([p.calls, p.pagesInterval]).toEqual([zero, zero])
    expect(p.kernel).toEqual({recorded: zero, leftUntaggedCalls: zero, leftUntaggedPages: zero, wouldWarnIfFreedPages: zero})
    expect(p.uncertainty.missing).toMatch(/no early window/)
  })
  it('predict --compressed --kernel 7.2.13: recorder none, 0 not "0 (0-4)"', async () => {
    const run = (await runPredict({...PREDICT_FLAGS, cpus: 4, kernel: '7.2.13', compressed: true}, out)) as CommandRun
    const r = run.result as ReturnType<typeof predict>
    expect(r.recorder).toBe('none')
    expect(r.kernel!.recorded).toEqual(zero)
    expect(r.pagesInterval).toEqual(zero)
  })
})
