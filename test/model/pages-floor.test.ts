// Every early allocation takes at least one page, so no end of the predicted pages interval may lie
// below the calls interval's: a wide pages interval (7.2 after-smp, ±75 %) reached 105 pages under
// 170 calls for a 1-CPU host (a review), 195 under 245 on the legacylate c8 capture.
import {describe, expect, it} from 'vitest'
import {defaultHost} from '../../src/model/host.js'
import {predict} from '../../src/model/predict.js'
import {listProfiles, loadProfile} from '../../src/model/profile.js'

describe('pages interval never below the calls interval', () => {
  it.each(listProfiles().map((p) => p.name))('%s: 1 to 4096 CPUs, 1 GiB to 256 GiB', (name) => {
    const profile = loadProfile(name)
    for (const cpus of [1, 8, 64, 4096])
      for (const memoryBytes of [2 ** 30, 2 ** 38]) {
        const p = predict({...defaultHost(), possibleCpus: cpus, onlineCpus: cpus, memoryBytes}, profile, {seed: 1})
        const what = `${name} ${cpus} CPUs ${memoryBytes} B`
        expect(p.pagesInterval.low, what).toBeGreaterThanOrEqual(p.calls.low)
        expect(p.pagesInterval.value, what).toBeGreaterThanOrEqual(p.calls.value)
        expect(p.pagesInterval.high, what).toBeGreaterThanOrEqual(p.calls.high)
      }
  })
})
