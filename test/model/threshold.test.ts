// Issue 16: on 6.12 without DEBUG the fitted per-CPU slope differs from a straight line through
// the lab boots by a few percent, which moves the CPU count where the legacy array would overflow.
// The sweep gives that threshold; at the straight line's threshold (every 6.12 nodebug boot, 1 to
// 64 CPUs) the profile's 90 % interval must hold the array's size (it is widened: extrapolation).
import {describe, expect, it} from 'vitest'
import {readCaptureFacts} from '../../src/model/capture-facts.js'
import {lstsq} from '../../src/model/fit.js'
import {defaultHost} from '../../src/model/host.js'
import {predict, sweep, sweepCpus} from '../../src/model/predict.js'
import {loadProfile} from '../../src/model/profile.js'
import {captureDir} from '../helpers/paths.js'

describe('6.12 nodebug: the legacy overflow threshold against the boots', () => {
  it('the straight-line threshold of the boots lies in the sweep\'s 90 % range', () => {
    const profile = loadProfile('linux-6.12-after-smp')
    const boots = profile.provenance.captures.map((c) => readCaptureFacts(captureDir(c.capture)))
    expect(boots.length).toBe(7)
    const line = lstsq(
      boots.map((b) => [1, b.host.onlineCpus]),
      boots.map((b) => b.calls!),
    ).coef
    const straight = Math.ceil((8192 + 1 - line[0]) / line[1])
    const host = {...defaultHost(), debug: false, kernel: '6.12'}
    const s = sweep(host, profile, sweepCpus(1, 2048, 64))
    // At the straight line's threshold the profile's 90 % interval holds the array's size.
    const at = predict({...host, possibleCpus: straight, onlineCpus: straight}, profile)
    console.log(`6.12 nodebug: straight line ${line[0].toFixed(1)} + ${line[1].toFixed(2)}/CPU overflows at ${straight} CPUs; the profile at ${s.overflowAt} (90 % at ${straight}: ${at.calls.low}-${at.calls.high})`)
    expect(at.calls.low).toBeLessThanOrEqual(8192)
    expect(at.calls.high).toBeGreaterThan(8192)
    // One crossing, inside the range: the count rises with CPUs on this profile.
    expect(s.overflows).toEqual([[s.overflowAt, 2048]])
  })
})
